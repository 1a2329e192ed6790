"""Buyer cancel requests: approve them, or reject them by shipping.

Since TikTok Shop's 2024 change (US market, API v202309) there is no Reject
Cancellation call any more (retired 2024-03-31). Get Order List filters on
``is_buyer_request_cancel`` and returns ``request_cancel_time``; shipping a
package of such an order succeeds and TikTok Shop rejects the request itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping

from .client import ShopClient
from .transport import TikTokAPIError
from .warehouse import InMemoryWarehouse

log = logging.getLogger(__name__)

Order = Mapping[str, Any]


def pending_cancel_orders(client: ShopClient) -> List[Dict[str, Any]]:
    """Orders waiting for shipment whose buyer has asked to cancel."""
    return client.get_order_list(order_status="AWAITING_SHIPMENT", is_buyer_request_cancel=True)


def ship_to_reject(client: ShopClient, order: Order) -> List[str]:
    """Reject the buyer's pending cancel request by shipping the order.

    TikTok Shop changelog (2024, US market, v202309): Ship Package no longer
    fails while a buyer cancel request is pending; the package ships and TikTok
    Shop rejects the request automatically. This replaces the retired Reject
    Cancellation endpoint. Returns the shipped package ids.
    """
    if not order.get("is_buyer_request_cancel"):
        raise ValueError(f"order {order['id']} has no pending cancel request")
    shipped = []
    for package in order.get("packages") or []:
        client.ship_package(package["id"])
        shipped.append(package["id"])
    return shipped


@dataclass
class CancelRunReport:
    approved: List[str] = field(default_factory=list)
    rejected: List[str] = field(default_factory=list)
    waiting: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


class CancelRequestWorker:
    """Packed orders ship (which rejects the request); the rest are approved.

    ``cancel_ids`` maps order id to cancel id, filled by the cancellation-status
    webhook handler; Approve Cancellation needs the cancel id.
    """

    def __init__(
        self,
        client: ShopClient,
        warehouse: InMemoryWarehouse,
        cancel_ids: Mapping[str, str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.warehouse = warehouse
        self.cancel_ids = cancel_ids
        self.clock = clock

    def run(self) -> CancelRunReport:
        report = CancelRunReport()
        for order in pending_cancel_orders(self.client):
            order_id = order["id"]
            age_hours = (self.clock() - int(order.get("request_cancel_time") or 0)) / 3600
            try:
                if self.warehouse.is_packed(order_id):
                    log.info("order %s packed; shipping rejects its cancel request (%.1f h old)",
                             order_id, age_hours)
                    ship_to_reject(self.client, order)
                    report.rejected.append(order_id)
                elif order_id in self.cancel_ids:
                    self.client.approve_cancellation(self.cancel_ids[order_id])
                    report.approved.append(order_id)
                else:
                    report.waiting.append(order_id)  # webhook not seen yet
            except TikTokAPIError as exc:
                log.error("cancel request on order %s failed: %s", order_id, exc)
                report.failed[order_id] = str(exc)
        return report
