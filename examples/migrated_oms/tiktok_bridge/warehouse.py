"""What the Acme warehouse knows about TikTok orders (OMS database in production)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Set


@dataclass(frozen=True)
class Tracking:
    tracking_number: str
    provider_id: str


@dataclass
class InMemoryWarehouse:
    packed: Set[str] = field(default_factory=set)
    self_shipped: Dict[str, Tracking] = field(default_factory=dict)

    def is_packed(self, order_id: str) -> bool:
        return order_id in self.packed or order_id in self.self_shipped

    def tracking_for(self, order_id: str) -> Optional[Tracking]:
        return self.self_shipped.get(order_id)
