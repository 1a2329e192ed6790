"""The shop's TikTok Shop client: signs each request with the shop's cipher."""

import requests

API = "https://open-api.tiktokglobalshop.com"
VERSION = "202309"


class TikTokAPIError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class TikTokShopClient:
    def __init__(self, session: requests.Session, shop_cipher: str) -> None:
        self.session = session
        self.shop_cipher = shop_cipher

    def _call(self, method: str, path: str, params=None, body=None) -> dict:
        query = {"shop_cipher": self.shop_cipher, **(params or {})}
        envelope = self.session.request(method, API + path, params=query, json=body).json()
        if envelope["code"] != 0:
            raise TikTokAPIError(envelope["code"], envelope["message"])
        return envelope["data"]

    def get_order_detail(self, order_ids: list[str]) -> dict:
        return self._call("GET", f"/order/{VERSION}/orders", params={"ids": ",".join(order_ids)})

    def ship_package(self, package_id: str) -> dict:
        return self._call("POST", f"/fulfillment/{VERSION}/packages/{package_id}/ship")

    def reject_cancellation(self, cancel_id: str, reason: str) -> dict:
        path = f"/return_refund/{VERSION}/cancellations/{cancel_id}/reject"
        return self._call("POST", path, body={"reject_reason": reason})
