"""What the Harbor DC knows about TikTok orders.

Production reads the WMS replica; the in-memory warehouse is what the jobs use
from the ops shell (loaded from the nightly export) and in tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Protocol, Set, Union


class Warehouse(Protocol):
    def is_packed(self, order_id: str) -> bool:
        """True once the order is packed, labelled and on the outbound dock."""

    def put_on_hold(self, order_id: str, reason: str) -> None:
        """Pull the order off the outbound dock and open a support ticket."""


@dataclass
class InMemoryWarehouse:
    packed: Set[str] = field(default_factory=set)
    on_hold: Dict[str, str] = field(default_factory=dict)

    def is_packed(self, order_id: str) -> bool:
        return order_id in self.packed

    def put_on_hold(self, order_id: str, reason: str) -> None:
        self.on_hold.setdefault(order_id, reason)

    @classmethod
    def from_json(cls, path: Union[str, Path]) -> "InMemoryWarehouse":
        """Nightly export: ``{"packed": ["5760003", ...], "on_hold": {"id": "reason"}}``."""
        raw = json.loads(Path(path).read_text())
        return cls(packed=set(raw.get("packed", [])), on_hold=dict(raw.get("on_hold", {})))
