"""Answer buyers' cancel requests.

Runs every 10 minutes (``python -m kestrel_oms cancels``). Policy: a buyer may
cancel until we have packed the order. Packed orders go out anyway, so their
cancel request is rejected; everything else is approved.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping

from .tts import TikTokShop, TikTokShopError
from .warehouse import Warehouse

log = logging.getLogger(__name__)

PENDING = "CANCELLATION_REQUEST_PENDING"
REJECT_REASON_PACKED = "PACKED"


@dataclass
class CancelReport:
    approved: List[str] = field(default_factory=list)
    rejected: List[str] = field(default_factory=list)
    failed: Dict[str, str] = field(default_factory=dict)


class CancelWorker:
    def __init__(
        self,
        shop: TikTokShop,
        warehouse: Warehouse,
        concurrency: int = 4,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.shop = shop
        self.warehouse = warehouse
        self.clock = clock
        self._slots = asyncio.Semaphore(concurrency)

    async def run(self) -> CancelReport:
        report = CancelReport()
        pending = await self.shop.search_cancellations(cancel_status=PENDING)
        log.info("%d pending cancel requests", len(pending))
        await asyncio.gather(*(self._decide(cancel, report) for cancel in pending))
        return report

    async def _decide(self, cancel: Mapping[str, Any], report: CancelReport) -> None:
        cancel_id, order_id = cancel["cancel_id"], cancel["order_id"]
        waited = (self.clock() - int(cancel.get("create_time") or 0)) / 3600
        async with self._slots:
            try:
                if self.warehouse.is_packed(order_id):
                    log.info("cancel %s (order %s, %.1f h): packed, rejecting",
                             cancel_id, order_id, waited)
                    await self.shop.reject_cancellation(cancel["cancel_id"], REJECT_REASON_PACKED)
                    report.rejected.append(cancel_id)
                else:
                    log.info("cancel %s (order %s, %.1f h): approving", cancel_id, order_id, waited)
                    await self.shop.approve_cancellation(cancel_id)
                    report.approved.append(cancel_id)
            except TikTokShopError as exc:
                log.error("cancel %s on order %s failed: %s", cancel_id, order_id, exc)
                report.failed[cancel_id] = f"{exc.code}: {exc.message}"
                return
        self.warehouse.release(order_id)
