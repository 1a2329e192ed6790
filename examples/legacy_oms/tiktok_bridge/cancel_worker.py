"""Cancel-request worker.

Runs every 10 minutes (``python -m tiktok_bridge.cancel_worker``). Buyers may
ask to cancel an order until it ships; our policy is to honour the request
unless the warehouse has already packed the order, in which case we reject it
and the parcel goes out anyway.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping

from .client import ShopClient
from .config import Settings
from .transport import TikTokAPIError, TikTokTransport
from .warehouse import InMemoryWarehouse, Warehouse

log = logging.getLogger(__name__)

PENDING_BUYER_REQUEST = "CANCELLATION_REQUEST_PENDING"
#: TikTok-side statuses that mean the parcel is already on its way to the carrier.
READY_STATUSES = frozenset({"AWAITING_COLLECTION"})
REJECT_REASON_PACKED = "seller_packed"


@dataclass
class CancelRunReport:
    approved: List[str] = field(default_factory=list)
    rejected: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


class CancelRequestWorker:
    def __init__(
        self,
        client: ShopClient,
        warehouse: Warehouse,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.warehouse = warehouse
        self.clock = clock

    def is_packed(self, order: Mapping[str, Any]) -> bool:
        return order.get("status") in READY_STATUSES or self.warehouse.is_packed(order["id"])

    def run(self) -> CancelRunReport:
        """Decide every pending buyer cancel request once."""
        report = CancelRunReport()
        pending = self.client.search_cancellations(cancel_status=[PENDING_BUYER_REQUEST])
        if not pending:
            return report
        order_ids = sorted({c["order_id"] for c in pending})
        orders = {o["id"]: o for o in self.client.get_order_detail(order_ids)}

        for cancel in pending:
            cancel_id, order = cancel["cancel_id"], orders.get(cancel["order_id"])
            if order is None:
                log.warning("cancel %s: order %s not found", cancel_id, cancel["order_id"])
                continue
            try:
                if self.is_packed(order):
                    age_hours = (self.clock() - int(cancel["create_time"])) / 3600
                    log.info(
                        "rejecting cancel %s on order %s (requested %.1f h ago): already packed",
                        cancel_id, order["id"], age_hours,
                    )
                    self.client.reject_cancellation(
                        cancel_id,
                        reason=REJECT_REASON_PACKED,
                        comment="Your order was packed before the request arrived.",
                    )
                    report.rejected.append(cancel_id)
                else:
                    self.client.approve_cancellation(cancel_id)
                    report.approved.append(cancel_id)
            except TikTokAPIError as exc:
                log.error("cancel %s on order %s failed: %s", cancel_id, order["id"], exc)
                report.failed[cancel_id] = str(exc)
        log.info("cancel run: %s", report)
        return report


def pending_digest(client: ShopClient, now: float) -> List[str]:
    """Morning digest for the support channel: orders whose buyer asked to cancel."""
    lines = []
    for cancel in client.search_cancellations(cancel_status=[PENDING_BUYER_REQUEST]):
        waited = (now - int(cancel["create_time"])) / 3600
        lines.append(f"order {cancel['order_id']}: cancel requested {waited:.1f} h ago")
    return lines


def force_reject(transport: TikTokTransport, cid: str, comment: str = "") -> Dict[str, Any]:
    """Ops escape hatch: reject one cancel request by id, skipping the packed check.

    Used from the support runbook when a buyer cancels after the parcel was
    handed to the carrier outside our system.
    """
    return transport.request(
        "POST",
        f"https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{cid}/reject",
        params={"idempotency_key": uuid.uuid4().hex},
        body={"reject_reason": REJECT_REASON_PACKED, "comment": comment},
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    transport = TikTokTransport(Settings.from_env())
    warehouse = InMemoryWarehouse.from_json(sys.argv[1])  # nightly warehouse export
    result = CancelRequestWorker(ShopClient(transport), warehouse).run()
    raise SystemExit(1 if result.failed else 0)
