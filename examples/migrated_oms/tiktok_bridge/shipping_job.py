"""Cron job: ship every TikTok order waiting for shipment.

Orders with a pending buyer cancel request are only shipped when the
warehouse has packed them: in the US shipping rejects the buyer's request, so
that must be a decision, not a side effect. Unpacked ones are left to the
cancel-request worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Dict, List

from .client import ShopClient
from .transport import TikTokAPIError
from .warehouse import InMemoryWarehouse

log = logging.getLogger(__name__)


@dataclass
class ShipRunReport:
    shipped: List[str] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


def ship_ready_orders(client: ShopClient, warehouse: InMemoryWarehouse) -> ShipRunReport:
    report = ShipRunReport()
    for order in client.get_order_list(order_status="AWAITING_SHIPMENT"):
        order_id = order["id"]
        if order.get("is_buyer_request_cancel"):
            if not warehouse.is_packed(order_id):
                log.info("order %s: buyer asked to cancel, leaving it", order_id)
                report.skipped.append(order_id)
                continue
            log.info("order %s is packed: shipping rejects the buyer's cancel request", order_id)
        try:
            tracking = warehouse.tracking_for(order_id)
            if tracking is not None:
                line_items = [li["id"] for li in order.get("line_items") or []]
                client.mark_package_as_shipped(
                    order_id, tracking.tracking_number, tracking.provider_id, line_items
                )
            else:
                for package in order.get("packages") or []:
                    client.ship_package(package["id"])
        except TikTokAPIError as exc:
            report.failed[order_id] = str(exc)
            continue
        report.shipped.append(order_id)
    return report
