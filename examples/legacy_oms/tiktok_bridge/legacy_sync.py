"""Order sync for shops still authorised on the legacy (pre-202309) API.

Two wholesale shops have not re-authorised the app yet, so their orders still
go through ``/api/...``. Do not add features here: the module is deleted once
those shops move to the 202309 client (OPS-1412).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from .errors import AFTER_SALE_PENDING_MESSAGE
from .transport import TikTokTransport
from .warehouse import Warehouse

log = logging.getLogger(__name__)

# Legacy numeric order statuses.
AWAITING_SHIPMENT = 111
#: reverse_status_value of a buyer request nobody has answered yet.
REVERSE_PENDING = 1
REVERSE_REJECT_PACKED = "seller_reject_apply_product_has_been_packed"


class LegacyOrderSync:
    def __init__(self, transport: TikTokTransport, warehouse: Warehouse) -> None:
        self.transport = transport
        self.warehouse = warehouse

    def awaiting_shipment(self) -> List[Dict[str, Any]]:
        ids: List[str] = []
        cursor = ""
        while True:
            data = self.transport.request(
                "POST",
                "/api/orders/search",
                body={"order_status": AWAITING_SHIPMENT, "page_size": 50, "cursor": cursor},
            )
            ids.extend(o["order_id"] for o in data.get("order_list") or [])
            if not data.get("more"):
                break
            cursor = data["next_cursor"]
        if not ids:
            return []
        detail = self.transport.request(
            "POST", "/api/orders/detail/query", body={"order_id_list": ids}
        )
        return detail.get("order_list") or []

    def sync(self) -> int:
        """Ready-to-ship every package of every awaiting order; returns how many shipped."""
        shipped = 0
        for order in self.awaiting_shipment():
            for package in order.get("package_list") or []:
                data = self.transport.request(
                    "POST",
                    "/api/fulfillment/rts",
                    body={"package_id": package["package_id"], "pick_up_type": 1},
                )
                failures = data.get("fail_packages") or []
                if not failures:
                    shipped += 1
                    continue
                for fail in failures:
                    if fail["fail_code"] == "21011007" or fail.get("fail_reason") == (
                        AFTER_SALE_PENDING_MESSAGE
                    ):
                        self._handle_cancel_request(order["order_id"])
                    else:
                        log.error("legacy rts %s failed: %s", fail["package_id"], fail)
        return shipped

    def _handle_cancel_request(self, order_id: str) -> None:
        if not self.warehouse.is_packed(order_id):
            return  # let the buyer's cancel go through in Seller Center
        data = self.transport.request(
            "POST", "/api/reverse/reverse_order/list", body={"order_id": order_id}
        )
        for reverse in data.get("reverse_list") or []:
            if reverse.get("reverse_status_value") != REVERSE_PENDING:
                continue
            self.transport.request(
                "POST",
                "/api/reverse/reverse_request/reject",
                body={
                    "reverse_order_id": reverse["reverse_order_id"],
                    "reverse_reject_reason_key": REVERSE_REJECT_PACKED,
                    "reverse_reject_comments": "Packed before the request arrived",
                },
            )
            log.info("legacy: rejected reverse %s on %s", reverse["reverse_order_id"], order_id)
