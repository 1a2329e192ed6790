"""What the Kestrel warehouse knows about TikTok orders.

Production reads the WMS database; the in-memory version backs the tests and
the ops shell (``python -m kestrel_oms --warehouse export.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Protocol, Set, Union


class Warehouse(Protocol):
    def is_packed(self, order_id: str) -> bool:
        """True once the order is packed and labelled at the dock."""

    def hold(self, order_id: str, reason: str) -> None:
        """Keep the order off the next truck until someone releases it."""

    def release(self, order_id: str) -> None:
        """Lift a hold (the order shipped or was cancelled)."""


@dataclass
class InMemoryWarehouse:
    packed: Set[str] = field(default_factory=set)
    holds: Dict[str, str] = field(default_factory=dict)

    def is_packed(self, order_id: str) -> bool:
        return order_id in self.packed

    def hold(self, order_id: str, reason: str) -> None:
        self.holds[order_id] = reason

    def release(self, order_id: str) -> None:
        self.holds.pop(order_id, None)

    @classmethod
    def from_json(cls, path: Union[str, Path]) -> "InMemoryWarehouse":
        """The nightly WMS export: ``{"packed": [order ids], "holds": {order id: reason}}``."""
        raw = json.loads(Path(path).read_text())
        return cls(packed=set(raw.get("packed", [])), holds=dict(raw.get("holds", {})))
