"""Cron job: ship every TikTok order that is waiting for shipment.

``*/15 * * * * python -m tiktok_bridge.shipping_job export.json [--batch]``.
Orders shipped with our own carrier account are marked as shipped with their
tracking number; all others are handed over with TikTok-arranged shipping.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Set

from .cancel_worker import PENDING_BUYER_REQUEST, REJECT_REASON_PACKED
from .client import ShopClient
from .config import Settings
from .errors import AFTER_SALE_PENDING, RETRYABLE_CODES
from .transport import TikTokAPIError, TikTokTransport
from .warehouse import InMemoryWarehouse, Tracking, Warehouse

log = logging.getLogger(__name__)

Order = Mapping[str, Any]


def package_ids(order: Order) -> List[str]:
    return [p["id"] for p in order.get("packages") or []]


@dataclass
class ShipRunReport:
    shipped: List[str] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


class ShippingJob:
    def __init__(
        self, client: ShopClient, warehouse: Warehouse, handover_method: str = "DROP_OFF"
    ) -> None:
        self.client = client
        self.warehouse = warehouse
        self.handover_method = handover_method

    def ready_orders(self) -> List[Dict[str, Any]]:
        return self.client.get_order_list(order_status="AWAITING_SHIPMENT")

    def run(self) -> ShipRunReport:
        """Ship ready orders one package at a time."""
        report = ShipRunReport()
        for order in self.ready_orders():
            tracking = self.warehouse.tracking_for(order["id"])
            if tracking is not None:
                self._mark_shipped(order, tracking, report)
                continue
            for package_id in package_ids(order):
                self._ship_one(order, package_id, report)
        log.info("ship run: %s", report)
        return report

    def _ship_one(self, order: Order, package_id: str, report: ShipRunReport) -> None:
        try:
            self.client.ship_package(package_id, handover_method=self.handover_method)
        except TikTokAPIError as exc:
            # 21011007 appears when the buyer asked to cancel and nobody has
            # answered yet: TikTok will not ship until the request is rejected.
            if exc.code != AFTER_SALE_PENDING:
                report.failed[package_id] = str(exc)
                return
            if not self.warehouse.is_packed(order["id"]):
                log.info("order %s has a pending cancel request; leaving it", order["id"])
                report.skipped.append(package_id)
                return
            self._reject_pending_cancel(order["id"])
            try:
                self.client.ship_package(package_id, handover_method=self.handover_method)
            except TikTokAPIError as retry_exc:
                report.failed[package_id] = str(retry_exc)
                return
        report.shipped.append(package_id)

    def _reject_pending_cancel(self, order_id: str) -> None:
        """The parcel is packed: turn the buyer's cancel request down so we can ship."""
        for cancel in self.client.search_cancellations(
            order_ids=[order_id], cancel_status=[PENDING_BUYER_REQUEST]
        ):
            log.info("rejecting cancel %s so order %s can ship", cancel["cancel_id"], order_id)
            self.client.reject_cancellation(cancel["cancel_id"], REJECT_REASON_PACKED)

    def _mark_shipped(self, order: Order, tracking: Tracking, report: ShipRunReport) -> None:
        """Self-shipped orders: tell TikTok which tracking number covers the order."""
        line_item_ids = [li["id"] for li in order.get("line_items") or []]
        try:
            self.client.mark_package_as_shipped(
                order["id"], tracking.tracking_number, tracking.provider_id, line_item_ids
            )
        except TikTokAPIError as exc:
            if exc.code == AFTER_SALE_PENDING:
                report.skipped.append(order["id"])
            else:
                report.failed[order["id"]] = str(exc)
            return
        report.shipped.extend(package_ids(order))

    def run_batch(self) -> ShipRunReport:
        """Same job through Batch Ship Packages, for the peak-season backlog."""
        report = ShipRunReport()
        to_ship: List[str] = []
        for order in self.ready_orders():
            tracking = self.warehouse.tracking_for(order["id"])
            if tracking is not None:
                self._mark_shipped(order, tracking, report)
            else:
                to_ship.extend(package_ids(order))
        if not to_ship:
            return report
        data = self.client.batch_ship_packages(to_ship, handover_method=self.handover_method)

        errored: Set[str] = set()
        for err in data.get("errors") or []:
            package_id = str((err.get("detail") or {}).get("package_id", ""))
            errored.add(package_id)
            # Gateway nodes differ: some send the code as a string, some only the message.
            blocked_by_cancel = err["code"] in (AFTER_SALE_PENDING, str(AFTER_SALE_PENDING)) or (
                "Package item has after-sale request" in err.get("message", "")
            )
            if blocked_by_cancel:
                # The cancel worker decides these on its next run.
                report.skipped.append(package_id)
            elif err["code"] in RETRYABLE_CODES:
                log.warning("package %s: transient error %s, next run", package_id, err["code"])
                report.skipped.append(package_id)
            else:
                report.failed[package_id] = f'{err["code"]}: {err.get("message", "")}'
        report.shipped.extend(pid for pid in to_ship if pid not in errored)
        return report


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    job = ShippingJob(
        ShopClient(TikTokTransport(Settings.from_env())),
        InMemoryWarehouse.from_json(sys.argv[1]),  # nightly warehouse export
    )
    result = job.run_batch() if "--batch" in sys.argv else job.run()
    raise SystemExit(1 if result.failed else 0)
