"""TikTok Shop order client on v202309 (shop_cipher signed)."""

import requests

HOST = "https://open-api.tiktokglobalshop.com"


class OrderClient:
    def __init__(self, session: requests.Session, shop_cipher: str):
        self.session = session
        self.shop_cipher = shop_cipher

    def awaiting_shipment(self) -> list[dict]:
        resp = self.session.post(
            HOST + "/order/202309/orders/search",
            params={"shop_cipher": self.shop_cipher, "page_size": 50},
            json={"order_status": "AWAITING_SHIPMENT", "is_buyer_request_cancel": False},
        )
        return resp.json()["data"]["orders"]
