"""TikTok Shop cancel-request client (shop_cipher signed)."""

import requests

HOST = "https://open-api.tiktokglobalshop.com"


class CancelClient:
    def __init__(self, session: requests.Session, app_key: str):
        self.session = session
        self.app_key = app_key

    def accept(self, cancel_id: str) -> dict:
        resp = self.session.post(
            HOST + f"/return_refund/202309/cancellations/{cancel_id}/approve",
            params={"app_key": self.app_key},
        )
        return resp.json()
