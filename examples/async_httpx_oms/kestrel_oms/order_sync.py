"""Ship every TikTok order that is waiting for shipment (Batch Ship Packages).

Runs every 20 minutes from the scheduler (``python -m kestrel_oms ship``).
Business rule (OPS-2290): we do not ship while a buyer's cancel request is
pending; such orders are put on hold and the cancel worker decides them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping

from .settings import MAX_IDS_PER_CALL
from .tts import AFTER_SALE_REQUEST, TikTokShop
from .warehouse import Warehouse

log = logging.getLogger(__name__)

HOLD_CANCEL_PENDING = "buyer cancel request pending"


@dataclass
class ShipReport:
    shipped: List[str] = field(default_factory=list)
    #: Packages left for the cancel worker; they are picked up again next run.
    deferred: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


def package_ids(order: Mapping[str, Any]) -> List[str]:
    return [p["id"] for p in order.get("packages") or []]


class OrderSyncService:
    def __init__(
        self, shop: TikTokShop, warehouse: Warehouse, handover_method: str = "DROP_OFF"
    ) -> None:
        self.shop = shop
        self.warehouse = warehouse
        self.handover_method = handover_method

    async def ready_orders(self) -> List[Dict[str, Any]]:
        return await self.shop.get_order_list(order_status="AWAITING_SHIPMENT")

    async def ship_ready_orders(self) -> ShipReport:
        report = ShipReport()
        order_of: Dict[str, str] = {}
        for order in await self.ready_orders():
            for package_id in package_ids(order):
                order_of[package_id] = order["id"]

        queue = list(order_of)
        for start in range(0, len(queue), MAX_IDS_PER_CALL):
            batch = queue[start:start + MAX_IDS_PER_CALL]
            data = await self.shop.batch_ship_packages(batch, handover_method=self.handover_method)
            errored = set()
            for err in data.get("errors") or []:
                package_id = str((err.get("detail") or {}).get("package_id", ""))
                errored.add(package_id)
                if int(err.get("code", 0)) == AFTER_SALE_REQUEST:
                    # The buyer asked to cancel: leave it to the cancel worker.
                    self._defer(report, order_of.get(package_id, ""), package_id)
                else:
                    log.error("package %s not shipped: %s", package_id, err)
                    report.failed[package_id] = f"{err.get('code')}: {err.get('message', '')}"
            for package_id in batch:
                if package_id not in errored:
                    report.shipped.append(package_id)
                    self.warehouse.release(order_of[package_id])

        log.info(
            "ship run: %d shipped, %d deferred, %d failed",
            len(report.shipped), len(report.deferred), len(report.failed),
        )
        return report

    def _defer(self, report: ShipReport, order_id: str, package_id: str) -> None:
        log.info("package %s of order %s deferred: %s", package_id, order_id, HOLD_CANCEL_PENDING)
        self.warehouse.hold(order_id, HOLD_CANCEL_PENDING)
        report.deferred.append(package_id)
