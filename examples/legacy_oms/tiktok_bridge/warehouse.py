"""What the Acme warehouse knows about TikTok orders.

In production this is backed by the OMS database; the in-memory version is
what the jobs use in tests and from the ops shell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Protocol, Set, Union


@dataclass(frozen=True)
class Tracking:
    """A self-shipped parcel handed to our own carrier account."""

    tracking_number: str
    provider_id: str


class Warehouse(Protocol):
    def is_packed(self, order_id: str) -> bool:
        """True once the picker has packed and labelled the order."""

    def tracking_for(self, order_id: str) -> Optional[Tracking]:
        """Tracking for orders we ship ourselves, ``None`` for TikTok-arranged shipping."""


@dataclass
class InMemoryWarehouse:
    packed: Set[str] = field(default_factory=set)
    self_shipped: Dict[str, Tracking] = field(default_factory=dict)

    def is_packed(self, order_id: str) -> bool:
        return order_id in self.packed or order_id in self.self_shipped

    def tracking_for(self, order_id: str) -> Optional[Tracking]:
        return self.self_shipped.get(order_id)

    @classmethod
    def from_json(cls, path: Union[str, Path]) -> "InMemoryWarehouse":
        """Load the nightly warehouse export: ``{"packed": [...], "self_shipped": {id: {...}}}``."""
        raw = json.loads(Path(path).read_text())
        return cls(
            packed=set(raw.get("packed", [])),
            self_shipped={oid: Tracking(**t) for oid, t in raw.get("self_shipped", {}).items()},
        )
