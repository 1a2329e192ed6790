"""When the new shipping behaviour applies and when Reject Cancellation is retired.

TikTok Shop (changelog seed 000): in the US market, on API version v202309, shipping a
package whose order has a pending buyer cancel request succeeds and rejects that request;
everywhere else it fails with 21011007. US integrators must stop calling Reject
Cancellation before 2024-03-31; other markets keep it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from audit.markets import DEADLINE_MARKET, REJECT_DEADLINE

CHANGE_DATE = dt.date(2024, 1, 1)  # sandbox's "change live" date
CHANGE_MARKETS = frozenset({DEADLINE_MARKET})
FIRST_NEW_VERSION = "202309"


@dataclass(frozen=True)
class Rules:
    market: str
    as_of: dt.date
    change_date: dt.date = CHANGE_DATE
    reject_deadline: dt.date = REJECT_DEADLINE

    def ship_rejects_pending_cancel(self, api_version: Optional[str]) -> bool:
        """True when shipping auto-rejects a pending cancel; False when it fails 21011007.

        ``api_version`` is the path's ``20YYMM`` segment, ``None`` for the legacy API.
        """
        return (
            api_version is not None
            and api_version >= FIRST_NEW_VERSION
            and self.market in CHANGE_MARKETS
            and self.as_of >= self.change_date
        )

    @property
    def reject_retired(self) -> bool:
        return self.market in CHANGE_MARKETS and self.as_of >= self.reject_deadline

    def describe(self) -> list[str]:
        """One line per behaviour, for the CLI banner."""
        if self.ship_rejects_pending_cancel(FIRST_NEW_VERSION):
            ship = "ship succeeds and auto-rejects the pending cancel request"
        else:
            ship = "ship fails with 21011007 while a cancel request is pending"
        reject = "retired (error 36009004)" if self.reject_retired else "available"
        return [
            f"v{FIRST_NEW_VERSION}+ ship APIs: {ship}",
            "legacy /api ship APIs: ship fails with 21011007 while a cancel request is pending",
            f"Reject Cancellation: {reject}",
        ]
