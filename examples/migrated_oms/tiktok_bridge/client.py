"""SDK-style client: one method per Open API v202309 endpoint the bridge uses."""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .config import API_VERSION
from .transport import TikTokTransport

JSON = Dict[str, Any]


class ShopClient:
    def __init__(self, transport: TikTokTransport) -> None:
        self.transport = transport

    def get_order_list(self, **filters: Any) -> List[JSON]:
        """Get Order List, all pages. ``filters`` go in the body, e.g.
        ``order_status="AWAITING_SHIPMENT"`` or ``is_buyer_request_cancel=True``."""
        orders: List[JSON] = []
        page_token: Optional[str] = None
        while True:
            data = self.transport.request(
                "POST",
                f"/order/{API_VERSION}/orders/search",
                params={"page_size": 50, "page_token": page_token},
                body=filters,
            )
            orders.extend(data.get("orders") or [])
            page_token = data.get("next_page_token")
            if not page_token:
                return orders

    def get_order_detail(self, ids: Iterable[str]) -> List[JSON]:
        data = self.transport.request(
            "GET", f"/order/{API_VERSION}/orders", params={"ids": ",".join(ids)}
        )
        return data.get("orders") or []

    def approve_cancellation(self, cancel_id: str) -> JSON:
        return self.transport.request(
            "POST",
            f"/return_refund/{API_VERSION}/cancellations/{cancel_id}/approve",
            params={"idempotency_key": uuid.uuid4().hex},
            body={},
        )

    def ship_package(
        self,
        package_id: str,
        handover_method: str = "DROP_OFF",
        tracking: Optional[str] = None,
        provider_id: Optional[str] = None,
    ) -> JSON:
        body: JSON = {"handover_method": handover_method}
        if tracking:
            body["self_shipment"] = {
                "tracking_number": tracking,
                "shipping_provider_id": provider_id,
            }
        return self.transport.request(
            "POST", f"/fulfillment/{API_VERSION}/packages/{package_id}/ship", body=body
        )

    def mark_package_as_shipped(
        self, order_id: str, tracking_number: str, provider_id: str, line_item_ids: Sequence[str]
    ) -> JSON:
        return self.transport.request(
            "POST",
            f"/fulfillment/{API_VERSION}/orders/{order_id}/packages",
            body={
                "tracking_number": tracking_number,
                "shipping_provider_id": provider_id,
                "order_line_item_ids": list(line_item_ids),
            },
        )
