"""The shop's TikTok Shop client: signs each request with the shop's cipher."""

import requests

API = "https://open-api.tiktokglobalshop.com"
VERSION = "202309"


class TikTokShopClient:
    def __init__(self, session: requests.Session, shop_cipher: str) -> None:
        self.session = session
        self.shop_cipher = shop_cipher

    def _call(self, method: str, path: str, params=None, body=None) -> dict:
        query = {"shop_cipher": self.shop_cipher, **(params or {})}
        response = self.session.request(method, API + path, params=query, json=body)
        response.raise_for_status()
        return response.json()["data"]

    def search_cancellations(self, **filters) -> list[dict]:
        path = f"/return_refund/{VERSION}/cancellations/search"
        return self._call("POST", path, body=filters)["cancellations"]

    def get_order_list(self, **filters) -> list[dict]:
        return self._call("POST", f"/order/{VERSION}/orders/search", body=filters)["orders"]
