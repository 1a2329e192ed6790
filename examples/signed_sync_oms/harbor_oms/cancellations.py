"""Cancel-request worker: answer buyers' pending cancel requests.

Cron: ``*/10 * * * * python -m harbor_oms cancels --warehouse export.json``.

Policy: a request on an order the DC has not packed yet is approved (the
picker skips it). Once the order is packed the parcel goes out anyway, so the
request is rejected with the "already packed" reason.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List

from .tiktok.client import TikTokShopClient
from .tiktok.errors import TikTokShopError
from .warehouse import Warehouse

log = logging.getLogger(__name__)

CANCELLATION_REQUEST_PENDING = "CANCELLATION_REQUEST_PENDING"
REJECT_REASON_PACKED = "seller_reject_apply_product_has_been_packed"


@dataclass
class CancelReport:
    approved: List[str] = field(default_factory=list)
    rejected: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


class CancelRequestWorker:
    def __init__(
        self,
        client: TikTokShopClient,
        warehouse: Warehouse,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.warehouse = warehouse
        self.clock = clock

    def run(self) -> CancelReport:
        report = CancelReport()
        pending = self.client.search_cancellations(cancel_status=CANCELLATION_REQUEST_PENDING)
        for cancel in pending:
            cancel_id, order_id = cancel["cancel_id"], cancel["order_id"]
            waited = (self.clock() - int(cancel.get("create_time") or 0)) / 3600
            try:
                if self.warehouse.is_packed(order_id):
                    log.info(
                        "rejecting cancel %s on packed order %s (waited %.1f h)",
                        cancel_id, order_id, waited,
                    )
                    self.client.reject_cancellation(cancel["cancel_id"], REJECT_REASON_PACKED)
                    report.rejected.append(cancel_id)
                else:
                    self.client.approve_cancellation(cancel_id)
                    report.approved.append(cancel_id)
            except TikTokShopError as exc:
                log.error("cancel %s on order %s: %s", cancel_id, order_id, exc)
                report.failed[cancel_id] = str(exc)
        log.info(
            "cancel run: approved=%d rejected=%d failed=%d",
            len(report.approved), len(report.rejected), len(report.failed),
        )
        return report
