"""TikTok Shop cancel-request client."""

import requests

BASE = "https://open-api.tiktokglobalshop.com"
VERSION = "202309"


class CancelClient:
    def __init__(self, session: requests.Session, shop_cipher: str):
        self.session = session
        self.shop_cipher = shop_cipher

    def refuse(self, cancel_id: str, reason: str) -> dict:
        url = f"{BASE}/return_refund/{VERSION}/cancellations/{cancel_id}/reject"  # expect: CA101
        resp = self.session.post(url, params={"shop_cipher": self.shop_cipher})
        resp.raise_for_status()
        return resp.json()
