"""The sandbox's domain objects and how each API version renders them as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

# Legacy (pre-202309) numeric order statuses.
LEGACY_ORDER_STATUS = {
    "UNPAID": 100,
    "ON_HOLD": 105,
    "AWAITING_SHIPMENT": 111,
    "AWAITING_COLLECTION": 112,
    "PARTIALLY_SHIPPING": 114,
    "IN_TRANSIT": 121,
    "DELIVERED": 122,
    "COMPLETED": 130,
    "CANCELLED": 140,
}
SHIPPABLE_ORDER_STATUSES = ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING")


@dataclass
class Package:
    id: str
    order_id: str
    status: str  # PROCESSING, SHIPPED, CANCELLED
    handover_method: Optional[str] = None
    tracking_number: Optional[str] = None
    shipping_provider_id: Optional[str] = None
    shipped_via: Optional[str] = None  # endpoint name that shipped it
    ship_time: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "order_id": self.order_id,
            "status": self.status,
            "handover_method": self.handover_method,
            "tracking_number": self.tracking_number,
            "shipping_provider_id": self.shipping_provider_id,
            "shipped_via": self.shipped_via,
            "ship_time": self.ship_time,
        }


@dataclass
class Cancellation:
    cancel_id: str
    order_id: str
    status: str  # PENDING, APPROVED, REJECTED
    create_time: int
    update_time: int
    cancel_reason: str
    reject_reason: Optional[str] = None
    reject_comment: Optional[str] = None
    rejected_by: Optional[str] = None  # SELLER (Reject Cancellation) or SYSTEM (shipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cancel_id": self.cancel_id,
            "order_id": self.order_id,
            "cancel_status": self.status,
            "cancel_type": "BUYER_CANCEL",
            "cancel_reason": self.cancel_reason,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "reject_reason": self.reject_reason,
            "reject_comment": self.reject_comment,
            "rejected_by": self.rejected_by,
        }


@dataclass
class Order:
    id: str
    status: str
    create_time: int
    update_time: int
    package_ids: list[str]
    line_items: list[dict[str, Any]]
    pending_cancel: Optional[Cancellation] = field(default=None, repr=False)

    @property
    def is_buyer_request_cancel(self) -> bool:
        return self.pending_cancel is not None

    def to_dict(self) -> dict[str, Any]:
        """The v202309 order shape (Get Order List / Get Order Detail)."""
        pending = self.pending_cancel
        return {
            "id": self.id,
            "status": self.status,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "is_buyer_request_cancel": pending is not None,
            "request_cancel_time": pending.create_time if pending is not None else 0,
            "packages": [{"id": pid} for pid in self.package_ids],
            "line_items": [dict(li) for li in self.line_items],
        }

    def to_legacy_dict(self) -> dict[str, Any]:
        """The legacy /api/orders/detail/query shape (no cancel-request fields)."""
        return {
            "order_id": self.id,
            "order_status": LEGACY_ORDER_STATUS[self.status],
            "create_time": self.create_time,
            "update_time": self.update_time,
            "package_list": [{"package_id": pid} for pid in self.package_ids],
            "order_line_list": [
                {"order_line_id": li["id"], **{k: v for k, v in li.items() if k != "id"}}
                for li in self.line_items
            ],
        }
