"""The sandbox's shop: orders, packages and cancel requests, and the rules that move them.

Every public method takes the lock, so the HTTP server's threads see one consistent shop.
Failures raise :class:`ApiError`; the server turns them into TikTok envelopes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import threading
import time
from collections.abc import Sequence
from typing import Any, Optional

from audit.sandbox import errors
from audit.sandbox.errors import ApiError
from audit.sandbox.model import SHIPPABLE_ORDER_STATUSES, Cancellation, Order, Package
from audit.sandbox.rules import Rules
from audit.sandbox.scenario import Scenario

AUTO_REJECT_REASON = "seller shipped"

ShipDetails = dict[str, Any]


class SandboxState:
    def __init__(self, scenario: Scenario, as_of: dt.date) -> None:
        self.rules = Rules(scenario.market, as_of, scenario.change_date, scenario.reject_deadline)
        self._lock = threading.RLock()
        self._epoch = calendar.timegm(as_of.timetuple())
        self._started = time.monotonic()
        self.orders: dict[str, Order] = {}
        self.packages: dict[str, Package] = {}
        self.cancellations: dict[str, Cancellation] = {}
        for spec in scenario.orders:
            self.orders[spec.id] = Order(
                id=spec.id,
                status=spec.status,
                create_time=spec.create_time,
                update_time=spec.create_time,
                package_ids=[p.id for p in spec.packages],
                line_items=[dict(li) for li in spec.line_items],
            )
            for pkg in spec.packages:
                self.packages[pkg.id] = Package(pkg.id, spec.id, pkg.status)
        for c in scenario.cancellations:
            cancel = Cancellation(
                c.cancel_id, c.order_id, c.status, c.create_time, c.create_time, c.cancel_reason
            )
            self.cancellations[c.cancel_id] = cancel
            if c.status == "PENDING":
                self.orders[c.order_id].pending_cancel = cancel

    def now(self) -> int:
        """Simulated unix time: midnight (UTC) of ``as_of`` plus the time since start."""
        return self._epoch + int(time.monotonic() - self._started)

    # -- reading -------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        with self._lock:
            return {
                "market": self.rules.market,
                "as_of": self.rules.as_of.isoformat(),
                "change_date": self.rules.change_date.isoformat(),
                "reject_deadline": self.rules.reject_deadline.isoformat(),
                "orders": [o.to_dict() for o in self.orders.values()],
                "cancellations": [c.to_dict() for c in self.cancellations.values()],
                "packages": [p.to_dict() for p in self.packages.values()],
            }

    def find_orders(
        self,
        status: Optional[str] = None,
        buyer_cancel: Optional[bool] = None,
        legacy: bool = False,
    ) -> list[dict[str, Any]]:
        """Orders as v202309 (or legacy) dicts, filtered by status and cancel request."""
        with self._lock:
            return [
                o.to_legacy_dict() if legacy else o.to_dict()
                for o in self.orders.values()
                if (status is None or o.status == status)
                and (buyer_cancel is None or o.is_buyer_request_cancel == buyer_cancel)
            ]

    def get_orders(self, ids: Sequence[str], legacy: bool = False) -> list[dict[str, Any]]:
        """Orders by id, in the order asked; any unknown id fails the whole call."""
        with self._lock:
            orders = [self._order(i) for i in ids]
            return [o.to_legacy_dict() if legacy else o.to_dict() for o in orders]

    def _order(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise ApiError(errors.ORDER_NOT_FOUND, f"Order does not exist: {order_id}")
        return order

    def search_cancellations(
        self,
        cancel_ids: Optional[Sequence[str]] = None,
        order_ids: Optional[Sequence[str]] = None,
        statuses: Optional[Sequence[str]] = None,
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [
                c.to_dict()
                for c in self.cancellations.values()
                if (not cancel_ids or c.cancel_id in cancel_ids)
                and (not order_ids or c.order_id in order_ids)
                and (not statuses or c.status in statuses)
            ]

    # -- cancellations -------------------------------------------------------------------

    def approve(self, cancel_id: str) -> Cancellation:
        with self._lock:
            cancel = self._pending(cancel_id)
            order = self.orders[cancel.order_id]
            cancel.status = "APPROVED"
            cancel.update_time = self.now()
            order.pending_cancel = None
            order.status = "CANCELLED"
            order.update_time = cancel.update_time
            for pid in order.package_ids:
                if self.packages[pid].status != "SHIPPED":
                    self.packages[pid].status = "CANCELLED"
            return cancel

    def reject(self, cancel_id: str, reason: str, comment: str = "") -> Cancellation:
        with self._lock:
            if self.rules.reject_retired:
                raise ApiError(
                    errors.REJECT_RETIRED,
                    f"Reject Cancellation is retired for the {self.rules.market} market since "
                    f"{self.rules.reject_deadline.isoformat()}: ship the package instead, which "
                    "rejects the buyer's cancel request automatically.",
                    400,
                )
            cancel = self._pending(cancel_id)
            self._close_request(cancel, reason, comment, "SELLER")
            return cancel

    def _pending(self, cancel_id: str) -> Cancellation:
        cancel = self.cancellations.get(cancel_id)
        if cancel is None:
            raise ApiError(
                errors.CANCELLATION_NOT_FOUND, f"Cancellation does not exist: {cancel_id}"
            )
        if cancel.status != "PENDING":
            raise ApiError(
                errors.CANCELLATION_NOT_PENDING,
                f"Cancellation {cancel_id} is {cancel.status}; only PENDING requests can change.",
            )
        return cancel

    def _close_request(
        self, cancel: Cancellation, reason: str, comment: Optional[str], by: str
    ) -> None:
        cancel.status = "REJECTED"
        cancel.reject_reason = reason
        cancel.reject_comment = comment or None
        cancel.rejected_by = by
        cancel.update_time = self.now()
        order = self.orders[cancel.order_id]
        order.pending_cancel = None
        order.update_time = cancel.update_time

    # -- shipping ------------------------------------------------------------------------

    def ship(
        self, package_ids: Sequence[str], api_version: Optional[str], via: str, details: ShipDetails
    ) -> None:
        """Ship all of ``package_ids`` or none of them (Ship Package, Mark As Shipped)."""
        with self._lock:
            for pid in package_ids:
                self._check_ship(pid, api_version)
            for pid in package_ids:
                self._apply_ship(pid, via, details)

    def ship_each(
        self, items: Sequence[tuple[str, ShipDetails]], api_version: Optional[str], via: str
    ) -> list[tuple[str, ApiError]]:
        """Ship packages one by one (batch APIs); return the failures in request order."""
        failures: list[tuple[str, ApiError]] = []
        with self._lock:
            for pid, details in items:
                try:
                    self._check_ship(pid, api_version)
                except ApiError as exc:
                    failures.append((pid, exc))
                else:
                    self._apply_ship(pid, via, details)
        return failures

    def packages_for_lines(self, order_id: str, line_item_ids: Sequence[str]) -> list[str]:
        """Packages that Mark Package As Shipped targets: the lines' or all unshipped ones."""
        with self._lock:
            order = self._order(order_id)
            if not line_item_ids:
                open_ids = [p for p in order.package_ids if self.packages[p].status != "SHIPPED"]
                return open_ids or list(order.package_ids)
            by_line = {li["id"]: li["package_id"] for li in order.line_items}
            missing = [lid for lid in line_item_ids if lid not in by_line]
            if missing:
                raise ApiError(
                    errors.LINE_ITEM_NOT_FOUND,
                    f"Order {order_id} has no line item {', '.join(missing)}",
                )
            return list(dict.fromkeys(by_line[lid] for lid in line_item_ids))

    def _check_ship(self, package_id: str, api_version: Optional[str]) -> None:
        pkg = self.packages.get(package_id)
        if pkg is None:
            raise ApiError(errors.PACKAGE_NOT_FOUND, f"Package does not exist: {package_id}")
        order = self.orders[pkg.order_id]
        if order.status == "CANCELLED" or pkg.status == "CANCELLED":
            raise ApiError(
                errors.ORDER_CANCELLED,
                f"Order {order.id} is cancelled; package {package_id} cannot be shipped",
            )
        if pkg.status == "SHIPPED":
            raise ApiError(
                errors.PACKAGE_ALREADY_SHIPPED, f"Package {package_id} has already been shipped"
            )
        if order.status not in SHIPPABLE_ORDER_STATUSES:
            raise ApiError(
                errors.ORDER_NOT_READY,
                f"Order {order.id} is {order.status}; only AWAITING_SHIPMENT or "
                "PARTIALLY_SHIPPING orders can ship",
            )
        if order.pending_cancel is not None and not self.rules.ship_rejects_pending_cancel(
            api_version
        ):
            raise ApiError(errors.AFTER_SALE_REQUEST, errors.AFTER_SALE_MESSAGE)

    def _apply_ship(self, package_id: str, via: str, details: ShipDetails) -> None:
        pkg = self.packages[package_id]
        order = self.orders[pkg.order_id]
        if order.pending_cancel is not None:
            self._close_request(order.pending_cancel, AUTO_REJECT_REASON, None, "SYSTEM")
        pkg.status = "SHIPPED"
        pkg.shipped_via = via
        pkg.ship_time = self.now()
        pkg.handover_method = details.get("handover_method")
        pkg.tracking_number = details.get("tracking_number")
        pkg.shipping_provider_id = details.get("shipping_provider_id")
        live = [
            self.packages[p] for p in order.package_ids if self.packages[p].status != "CANCELLED"
        ]
        done = all(p.status == "SHIPPED" for p in live)
        order.status = "IN_TRANSIT" if done else "PARTIALLY_SHIPPING"
        order.update_time = pkg.ship_time
