"""Legacy TikTok Shop order client (shop_cipher signed)."""

import requests

HOST = "https://open-api.tiktokglobalshop.com"


class OrderClient:
    def __init__(self, session: requests.Session, shop_cipher: str):
        self.session = session
        self.shop_cipher = shop_cipher

    def awaiting_shipment(self) -> list[dict]:
        resp = self.session.post(  # expect: CA302
            HOST + "/api/orders/search",
            params={"shop_cipher": self.shop_cipher},
            json={"order_status": 111, "page_size": 50},
        )
        return resp.json()["data"]["order_list"]
