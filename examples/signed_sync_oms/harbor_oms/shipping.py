"""Shipping job: hand every TikTok order awaiting shipment to the carrier.

Cron: ``*/20 6-18 * * 1-6 python -m harbor_oms ship --warehouse export.json``.

Business rule (ops, 2022): never ship an order whose buyer asked to cancel.
Such packages go on hold and to the support queue; support (or the cancel
worker on its next run) decides the request, and the next run ships whatever
is still awaiting shipment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping

from .config import HANDOVER_METHOD
from .tiktok.client import TikTokShopClient
from .tiktok.errors import AFTER_SALE_PENDING, TikTokShopError
from .warehouse import Warehouse

log = logging.getLogger(__name__)

HOLD_REASON = "buyer requested cancellation"


@dataclass(frozen=True)
class Hold:
    order_id: str
    package_id: str
    reason: str


@dataclass
class ShipReport:
    shipped: List[str] = field(default_factory=list)
    held: List[Hold] = field(default_factory=list)
    retry: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)

    @property
    def held_packages(self) -> List[str]:
        return [h.package_id for h in self.held]

    def summary(self) -> str:
        return (
            f"shipped={len(self.shipped)} held={len(self.held)} "
            f"retry={len(self.retry)} failed={len(self.failed)}"
        )


class ShippingJob:
    def __init__(
        self,
        client: TikTokShopClient,
        warehouse: Warehouse,
        handover_method: str = HANDOVER_METHOD,
    ) -> None:
        self.client = client
        self.warehouse = warehouse
        self.handover_method = handover_method

    def awaiting_shipment(self) -> List[Dict[str, Any]]:
        return self.client.get_order_list(order_status="AWAITING_SHIPMENT")

    def run(self) -> ShipReport:
        report = ShipReport()
        for order in self.awaiting_shipment():
            for package in order.get("packages") or []:
                self._ship(order, package["id"], report)
        log.info("shipping run: %s", report.summary())
        return report

    def _ship(self, order: Mapping[str, Any], package_id: str, report: ShipReport) -> None:
        try:
            self.client.ship_package(package_id, handover_method=self.handover_method)
        except TikTokShopError as exc:
            if exc.code == AFTER_SALE_PENDING:
                # The buyer has a pending cancel request: TikTok refuses to ship
                # and we would not ship it anyway. A person decides.
                self._hold(order["id"], package_id, report)
            elif exc.transient:
                log.warning("package %s: %s, retrying next run", package_id, exc)
                report.retry.append(package_id)
            else:
                log.error("package %s of order %s failed: %s", package_id, order["id"], exc)
                report.failed[package_id] = str(exc)
            return
        report.shipped.append(package_id)

    def _hold(self, order_id: str, package_id: str, report: ShipReport) -> None:
        log.info("holding package %s of order %s: %s", package_id, order_id, HOLD_REASON)
        self.warehouse.put_on_hold(order_id, HOLD_REASON)
        report.held.append(Hold(order_id, package_id, HOLD_REASON))
