"""SDK-style client over :class:`~tiktok_bridge.transport.TikTokTransport`.

One method per Open API endpoint the bridge uses. Methods return the API's own
JSON objects (orders, cancellations) or the raw ``data`` dict.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .config import API_VERSION
from .routes import ROUTES
from .transport import TikTokTransport

JSON = Dict[str, Any]

PAGE_SIZE = 50
#: Get Order Detail accepts at most this many ids per call.
DETAIL_BATCH = 50


class ShopClient:
    def __init__(self, transport: TikTokTransport) -> None:
        self.transport = transport

    def get_order_list(self, **filters: Any) -> List[JSON]:
        """All orders matching ``filters`` (Get Order List body), following pages."""
        path = ROUTES["order_list"].format(version=API_VERSION)
        orders: List[JSON] = []
        page_token: Optional[str] = None
        while True:
            params = {"page_size": PAGE_SIZE, "page_token": page_token}
            data = self.transport.request("POST", path, params=params, body=filters)
            orders.extend(data.get("orders") or [])
            page_token = data.get("next_page_token")
            if not page_token:
                return orders

    def get_order_detail(self, ids: Iterable[str]) -> List[JSON]:
        ids = list(ids)
        orders: List[JSON] = []
        for start in range(0, len(ids), DETAIL_BATCH):
            chunk = ids[start:start + DETAIL_BATCH]
            data = self.transport.request(
                "GET", f"/order/{API_VERSION}/orders", params={"ids": ",".join(chunk)}
            )
            orders.extend(data.get("orders") or [])
        return orders

    def search_cancellations(
        self,
        order_ids: Optional[Sequence[str]] = None,
        cancel_status: Optional[Sequence[str]] = None,
    ) -> List[JSON]:
        path = "/return_refund/%s/cancellations/search" % API_VERSION
        body: JSON = {}
        if order_ids:
            body["order_ids"] = list(order_ids)
        if cancel_status:
            body["cancel_status"] = list(cancel_status)
        found: List[JSON] = []
        page_token: Optional[str] = None
        while True:
            params = {"page_size": PAGE_SIZE, "page_token": page_token}
            data = self.transport.request("POST", path, params=params, body=body)
            found.extend(data.get("cancellations") or [])
            page_token = data.get("next_page_token")
            if not page_token:
                return found

    def approve_cancellation(self, cancel_id: str) -> JSON:
        path = ROUTES["approve_cancellation"].format(version=API_VERSION, cancel_id=cancel_id)
        return self.transport.request(
            "POST", path, params={"idempotency_key": uuid.uuid4().hex}, body={}
        )

    def reject_cancellation(
        self, cancel_id: str, reason: str, comment: str = ""
    ) -> JSON:
        path = "/return_refund/" + API_VERSION + "/cancellations/" + cancel_id + "/reject"
        return self.transport.request(
            "POST",
            path,
            params={"idempotency_key": uuid.uuid4().hex},
            body={"reject_reason": reason, "comment": comment},
        )

    def ship_package(
        self,
        package_id: str,
        handover_method: str = "DROP_OFF",
        tracking: Optional[str] = None,
        provider_id: Optional[str] = None,
    ) -> JSON:
        path = ROUTES["ship_package"].format(version=API_VERSION, package_id=package_id)
        body: JSON = {"handover_method": handover_method}
        if tracking:
            body["self_shipment"] = {
                "tracking_number": tracking,
                "shipping_provider_id": provider_id,
            }
        return self.transport.request("POST", path, body=body)

    def batch_ship_packages(
        self, package_ids: Sequence[str], handover_method: str = "DROP_OFF"
    ) -> JSON:
        """Ship many packages at once.

        The envelope's ``code`` is 0 even when some packages fail: failures sit
        in ``data["errors"]`` with ``detail.package_id``.
        """
        path = ROUTES["batch_ship_packages"].format(version=API_VERSION)
        packages = [{"id": pid, "handover_method": handover_method} for pid in package_ids]
        return self.transport.request("POST", path, body={"packages": packages})

    def mark_package_as_shipped(
        self,
        order_id: str,
        tracking_number: str,
        provider_id: str,
        line_item_ids: Sequence[str],
    ) -> JSON:
        path = ROUTES["mark_package_as_shipped"].format(version=API_VERSION, order_id=order_id)
        body = {
            "tracking_number": tracking_number,
            "shipping_provider_id": provider_id,
            "order_line_item_ids": list(line_item_ids),
        }
        return self.transport.request("POST", path, body=body)
