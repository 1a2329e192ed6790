"""CA301's manual notes: the order lookup to write where the rewrite leaves a search."""

from __future__ import annotations

_ORDER_FIELDS = 'each order has "id" and "request_cancel_time" (not a cancel id)'


def by_path(described: str, order_list_path: str, flag: str) -> str:
    """Search Cancellations sent by path (a raw URL, a route table entry)."""
    return (
        f"Search Cancellations called by path ({described}): to find orders with a"
        f" pending buyer cancel request, call Get Order List instead: POST"
        f' {order_list_path} with body {{"{flag}": true}}; {_ORDER_FIELDS}'
    )


def as_function(described: str, spelling: str, flag: str) -> str:
    """Search Cancellations called as a bare function: no client to ask."""
    return (
        f"Search Cancellations called as a function ({described}): to find orders"
        f" with a pending buyer cancel request, call the client's `{spelling}("
        f"{flag}=True)` instead; {_ORDER_FIELDS}"
    )


def kept(reasons: list[str], receiver: str, method: str, flag: str) -> str:
    """An SDK-style search the rewrite cannot decide, with every reason why."""
    return (
        f"Search Cancellations kept: {'; '.join(dict.fromkeys(reasons))}. To list the orders"
        f" that have a pending buyer cancel request, call `{receiver}.{method}("
        f'{flag}=True)`; each order has "id", "{flag}" and'
        ' "request_cancel_time" (a cancel id is only on the cancellation)'
    )


def path_found(matched: str, order_list_path: str, flag: str) -> str:
    """A Search Cancellations path outside a call (a wrapper's URL, a route table)."""
    return (
        f"Search Cancellations path ({matched}): where it is used to find"
        " pending cancel requests, call Get Order List instead: POST"
        f' {order_list_path} with body {{"{flag}": true}}; {_ORDER_FIELDS}'
    )
