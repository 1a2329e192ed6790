"""Synchronous TikTok Shop Open API client (v202309 endpoints).

Signs every request itself (HMAC-SHA256, see :meth:`TikTokShopClient._sign`),
builds its own query string and unwraps the ``{code, message, request_id,
data}`` envelope. Methods are named after the partner docs so the SDK
examples there translate one to one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence
from urllib.parse import urlencode

from ..config import API_VERSION, PAGE_SIZE, Settings
from .errors import TikTokShopError

log = logging.getLogger(__name__)

JSON = Dict[str, Any]

#: Get Order Detail takes at most 50 ids per call.
MAX_DETAIL_IDS = 50
#: Query parameters that are never part of the signature.
UNSIGNED_PARAMS = ("sign", "access_token")
USER_AGENT = "harbor-oms/3 (+ops@harborgoods.example)"


class TikTokShopClient:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url = settings.base_url

    @classmethod
    def from_env(cls) -> "TikTokShopClient":
        return cls(Settings.from_env())

    # -- transport ------------------------------------------------------------------

    def _sign(self, path: str, params: Mapping[str, Any], body: str) -> str:
        secret = self.settings.app_secret
        pairs = "".join(
            f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS
        )
        payload = f"{secret}{path}{pairs}{body}{secret}"
        return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()

    def _request(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
    ) -> JSON:
        """Call one endpoint and return the envelope's ``data``."""
        params: Dict[str, Any] = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        params["app_key"] = self.settings.app_key
        params["timestamp"] = str(int(time.time()))
        if self.settings.shop_cipher:
            params["shop_cipher"] = self.settings.shop_cipher
        raw_body = json.dumps(body, separators=(",", ":")) if body is not None else ""
        params["sign"] = self._sign(path, params, raw_body)

        url = f"{self.base_url}{path}?{urlencode(params)}"
        req = urllib.request.Request(
            url,
            data=raw_body.encode("utf-8") if raw_body else None,
            method=method,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "x-tts-access-token": self.settings.access_token,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.settings.timeout) as resp:
                status, text = resp.status, resp.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            # The gateway answers 4xx/5xx with a normal envelope; read it.
            status, text = exc.code, exc.read().decode("utf-8", "replace")
        except urllib.error.URLError as exc:
            raise TikTokShopError(-1, f"{method} {path}: {exc.reason}") from exc

        try:
            envelope = json.loads(text)
        except ValueError:
            raise TikTokShopError(
                -1, f"{method} {path}: HTTP {status}, not JSON", http_status=status
            ) from None
        code = int(envelope.get("code", -1))
        if code != 0:
            log.debug("%s %s -> %s %s", method, path, code, envelope.get("message"))
            raise TikTokShopError(
                code,
                envelope.get("message", ""),
                envelope.get("request_id", ""),
                http_status=status,
                data=envelope.get("data"),
            )
        return envelope.get("data") or {}

    def _paginate(self, path: str, body: JSON, key: str) -> Iterator[JSON]:
        page_token = ""
        while True:
            data = self._request(
                "POST", path, body=body, query={"page_size": PAGE_SIZE, "page_token": page_token}
            )
            yield from data.get(key) or []
            page_token = data.get("next_page_token") or ""
            if not page_token:
                return

    # -- orders ---------------------------------------------------------------------

    def get_order_list(self, **filters: Any) -> List[JSON]:
        """Get Order List: every order matching the body ``filters``, all pages."""
        return list(self._paginate(f"/order/{API_VERSION}/orders/search", filters, "orders"))

    def get_order_detail(self, order_ids: Iterable[str]) -> List[JSON]:
        """Get Order Detail for any number of ids (chunked by 50)."""
        ids = list(order_ids)
        orders: List[JSON] = []
        for start in range(0, len(ids), MAX_DETAIL_IDS):
            chunk = ids[start:start + MAX_DETAIL_IDS]
            data = self._request(
                "GET", f"/order/{API_VERSION}/orders", query={"ids": ",".join(chunk)}
            )
            orders.extend(data.get("orders") or [])
        return orders

    # -- cancellations --------------------------------------------------------------

    def search_cancellations(
        self,
        cancel_status: Optional[str] = None,
        order_ids: Optional[Sequence[str]] = None,
        cancel_types: Sequence[str] = ("BUYER_CANCEL",),
    ) -> List[JSON]:
        body: JSON = {"cancel_types": list(cancel_types)}
        if cancel_status:
            body["cancel_status"] = cancel_status
        if order_ids:
            body["order_ids"] = list(order_ids)
        path = f"/return_refund/{API_VERSION}/cancellations/search"
        return list(self._paginate(path, body, "cancellations"))

    def approve_cancellation(self, cancel_id: str) -> JSON:
        return self._request(
            "POST",
            f"/return_refund/{API_VERSION}/cancellations/{cancel_id}/approve",
            query={"idempotency_key": uuid.uuid4().hex},
        )

    def reject_cancellation(self, cancel_id: str, reason: str, comment: str = "") -> JSON:
        return self._request(
            "POST",
            f"/return_refund/{API_VERSION}/cancellations/{cancel_id}/reject",
            body={"reject_reason": reason, "comment": comment},
            query={"idempotency_key": uuid.uuid4().hex},
        )

    # -- fulfillment ----------------------------------------------------------------

    def ship_package(
        self,
        package_id: str,
        handover_method: str = "PICKUP",
        pickup_slot: Optional[Mapping[str, int]] = None,
    ) -> JSON:
        """Ship Package with TikTok-arranged shipping."""
        body: JSON = {"handover_method": handover_method}
        if pickup_slot:
            body["pickup_slot"] = dict(pickup_slot)
        path = f"/fulfillment/{API_VERSION}/packages/{package_id}/ship"
        return self._request("POST", path, body=body)
