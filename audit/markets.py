"""The markets an integration serves, and the one market the Reject Cancellation change is for.

TikTok Shop retired Reject Cancellation for US shops only: with other markets configured
a rule or fix that is US-only must keep a path for them. Every "is the US in it?" check
asks this value, so the market and the deadline are written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

DEADLINE_MARKET = "US"  # the market the change (and its deadline) applies to
REJECT_DEADLINE = dt.date(2024, 3, 31)  # Reject Cancellation retired for the US on this day


@dataclass(frozen=True)
class Markets:
    """The configured markets, as two-letter codes in the order given."""

    names: tuple[str, ...] = (DEADLINE_MARKET,)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    @property
    def includes_us(self) -> bool:
        return DEADLINE_MARKET in self.names

    @property
    def us_only(self) -> bool:
        return self.names == (DEADLINE_MARKET,)

    @property
    def others(self) -> tuple[str, ...]:
        """The markets that keep the old behaviour (every one but the US)."""
        return tuple(m for m in self.names if m != DEADLINE_MARKET)

    def others_text(self) -> str:
        """The other markets for a sentence: "UK, ID"."""
        return ", ".join(self.others)
