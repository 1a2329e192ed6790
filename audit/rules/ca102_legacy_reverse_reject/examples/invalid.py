"""Legacy TikTok Shop reverse-request client (shop_cipher signed)."""

import requests

HOST = "https://open-api.tiktokglobalshop.com"


class ReverseClient:
    def __init__(self, session: requests.Session, app_key: str):
        self.session = session
        self.app_key = app_key

    def refuse(self, reverse_order_id: str, reason: str) -> dict:
        resp = self.session.post(  # expect: CA102
            HOST + "/api/reverse/reverse_request/reject",
            params={"app_key": self.app_key},
            json={"reverse_order_id": reverse_order_id, "reverse_reject_reason_key": reason},
        )
        return resp.json()
