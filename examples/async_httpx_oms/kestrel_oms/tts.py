"""Async TikTok Shop Open API client (httpx).

``TikTokShop.call`` signs a request, sends it and unwraps TikTok's
``{code, message, request_id, data}`` envelope; the methods below it are the
endpoints our jobs use, named like the official SDKs name them.
"""

from __future__ import annotations

import hashlib
import hmac
import json as jsonlib
import logging
import time
import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

import httpx

from .settings import API_VERSION, MAX_IDS_PER_CALL, Settings

log = logging.getLogger(__name__)

JSON = Dict[str, Any]

#: Ship Package / Batch Ship Packages: the buyer has a cancel request nobody answered yet.
AFTER_SALE_REQUEST = 21011007

PAGE_SIZE = 50
_UNSIGNED_PARAMS = ("sign", "access_token")


class TikTokShopError(Exception):
    """TikTok answered with ``code != 0``."""

    def __init__(self, code: int, message: str, request_id: str = "") -> None:
        super().__init__(f"[{code}] {message} (request_id={request_id or '-'})")
        self.code = code
        self.message = message
        self.request_id = request_id


def sign(secret: str, path: str, query: Mapping[str, str], body: str) -> str:
    """HMAC-SHA256 over ``secret + path + k1v1k2v2... + body + secret`` (keys sorted)."""
    pairs = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in _UNSIGNED_PARAMS)
    message = f"{secret}{path}{pairs}{body}{secret}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class TikTokShop:
    """One authorised shop. Use ``async with TikTokShop(settings) as shop:``."""

    def __init__(self, settings: Settings, http: Optional[httpx.AsyncClient] = None) -> None:
        self.settings = settings
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(
            base_url=settings.base_url, timeout=settings.timeout
        )

    async def __aenter__(self) -> "TikTokShop":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def call(
        self,
        method: str,
        resource: str,
        action: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Optional[Mapping[str, Any]] = None,
    ) -> JSON:
        """``method /{resource}/{API_VERSION}/{action}``; returns the envelope's ``data``."""
        path = f"/{resource}/{API_VERSION}/{action}"
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        query["app_key"] = self.settings.app_key
        query["timestamp"] = str(int(time.time()))
        if self.settings.shop_cipher:
            query["shop_cipher"] = self.settings.shop_cipher
        # Sign exactly the bytes we send, so serialise the body ourselves.
        body = jsonlib.dumps(json, separators=(",", ":")) if json is not None else ""
        query["sign"] = sign(self.settings.app_secret, path, query, body)

        response = await self.http.request(
            method,
            path,
            params=query,
            content=body.encode() if body else None,
            headers={
                "x-tts-access-token": self.settings.access_token,
                "content-type": "application/json",
            },
        )
        try:
            envelope = response.json()
        except ValueError:
            raise TikTokShopError(-1, f"HTTP {response.status_code}, not JSON") from None
        code = int(envelope.get("code", -1))
        if code != 0:
            raise TikTokShopError(code, envelope.get("message", ""), envelope.get("request_id", ""))
        return envelope.get("data") or {}

    async def _pages(
        self, method: str, resource: str, action: str, key: str, body: Mapping[str, Any]
    ) -> List[JSON]:
        items: List[JSON] = []
        token: Optional[str] = None
        while True:
            data = await self.call(
                method, resource, action,
                params={"page_size": PAGE_SIZE, "page_token": token}, json=body,
            )
            items.extend(data.get(key) or [])
            token = data.get("next_page_token")
            if not token:
                return items

    # -- orders ----------------------------------------------------------------------------

    async def get_order_list(self, **filters: Any) -> List[JSON]:
        """Get Order List, every page. ``filters`` is the request body (``order_status`` ...)."""
        return await self._pages("POST", "order", "orders/search", "orders", filters)

    async def get_order_detail(self, order_ids: Iterable[str]) -> List[JSON]:
        ids = list(order_ids)
        orders: List[JSON] = []
        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            chunk = ids[start:start + MAX_IDS_PER_CALL]
            data = await self.call("GET", "order", "orders", params={"ids": ",".join(chunk)})
            orders.extend(data.get("orders") or [])
        return orders

    # -- cancellations ---------------------------------------------------------------------

    async def search_cancellations(
        self,
        cancel_status: Optional[str] = None,
        order_ids: Optional[Sequence[str]] = None,
    ) -> List[JSON]:
        body: JSON = {"cancel_types": ["BUYER_CANCEL"]}
        if cancel_status:
            body["cancel_status"] = cancel_status
        if order_ids:
            body["order_ids"] = list(order_ids)
        return await self._pages(
            "POST", "return_refund", "cancellations/search", "cancellations", body
        )

    async def approve_cancellation(self, cancel_id: str) -> JSON:
        return await self.call(
            "POST", "return_refund", f"cancellations/{cancel_id}/approve",
            params={"idempotency_key": uuid.uuid4().hex}, json={},
        )

    async def reject_cancellation(self, cancel_id: str, reason: str, comment: str = "") -> JSON:
        body: JSON = {"reject_reason": reason}
        if comment:
            body["comment"] = comment
        return await self.call(
            "POST", "return_refund", f"cancellations/{cancel_id}/reject",
            params={"idempotency_key": uuid.uuid4().hex}, json=body,
        )

    # -- fulfillment -----------------------------------------------------------------------

    async def ship_package(self, package_id: str, handover_method: str = "DROP_OFF") -> JSON:
        return await self.call(
            "POST", "fulfillment", f"packages/{package_id}/ship",
            json={"handover_method": handover_method},
        )

    async def batch_ship_packages(
        self, package_ids: Sequence[str], handover_method: str = "DROP_OFF"
    ) -> JSON:
        """Batch Ship Packages. ``code`` is 0 even when some fail: see ``data["errors"]``."""
        packages = [{"id": pid, "handover_method": handover_method} for pid in package_ids]
        return await self.call("POST", "fulfillment", "packages/ship", json={"packages": packages})
