"""CA301: what becomes of a Search Cancellations filter on Get Order List.

Each filter (keyword argument or body-dict entry) is kept, dropped, or turned into the
``is_buyer_request_cancel`` flag; the loop's reads of cancellation keys are renamed to
the order's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import libcst as cst

# Keys of a cancellation that an order carries under another name.
KEY_MAP = {"order_id": "id", "create_time": "request_cancel_time"}
# Filters (and paging) that mean the same on Get Order List: kept as they are.
ORDER_FILTERS = frozenset(
    {"order_status", "shipping_type", "buyer_user_id", "warehouse_ids", "page_size", "sort_order"}
)
STATUS = "cancel_status"  # replaced by the order flag when it asks for pending requests
PENDING = "PENDING"  # CANCELLATION_REQUEST_PENDING, the status of an unanswered request
TYPES = "cancel_types"  # dropped when it asks only for buyer requests: the flag implies it
BUYER_CANCEL = "BUYER_CANCEL"

KEEP, DROP, FLAG = "keep", "drop", "flag"  # what happens to one filter

_Item = TypeVar("_Item", cst.Arg, cst.DictElement)


def apply_actions(
    items: Sequence[_Item], actions: Sequence[str], flag: Callable[[_Item], _Item]
) -> list[_Item]:
    """``items`` with each filter kept, dropped or replaced by ``flag(item)``."""
    kept: list[_Item] = []
    for item, action in zip(items, actions):
        if action == DROP:
            continue
        kept.append(flag(item) if action == FLAG else item)
    if kept and actions and actions[-1] == DROP:  # the last one keeps the old end
        kept[-1] = kept[-1].with_changes(comma=items[-1].comma)
    return kept


def literal_like(string: cst.SimpleString, text: str) -> str:
    """``text`` quoted as ``string`` is (same prefix and quotes)."""
    return f"{string.prefix}{string.quote}{text}{string.quote}"
