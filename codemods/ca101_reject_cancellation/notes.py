"""CA101's manual notes: what a person is told where the rewrite leaves a call alone."""

from __future__ import annotations

from typing import Optional

from codemods.helper_module import TRANSPORT_FUNCTION


def transport_kept_for(others: str) -> str:
    """A raw reject call with other markets configured: they still reject this way."""
    return (
        f"keep Reject Cancellation for {others}; for US shops call "
        f"{TRANSPORT_FUNCTION}(send, cancel_id=...) instead"
    )


def ship_by_hand(function: str) -> str:
    """An SDK-style call whose client, receiver or order id the codemod cannot see."""
    return (
        f"replace with {function}(<client>, order_id=<the request's order id>): "
        "read the order (Get Order Detail) and ship its packages (Ship Package) "
        "through the client, which rejects the request"
    )


def needs_more(method: str, unbound: tuple[str, ...], function: str) -> str:
    """The client's method needs arguments the helper cannot pass."""
    names = " and ".join(unbound)
    return (
        f"the client's {method}() also needs {names}, which {function}() cannot supply: "
        "ship the order's packages here as the project's own shipping does (shipping "
        f"rejects the request), or give {names} a default and run fix again"
    )


TRANSPORT_BY_HAND = (
    f"replace with {TRANSPORT_FUNCTION}(send, cancel_id=<cancel id>) where "
    "send(method, path, query, body) calls the API through this transport, "
    "its query through the transport's own query argument"
)


def route_still_used(key: Optional[str]) -> str:
    """A route-table entry that something may still look up."""
    return f"remove the route {key!r} once nothing looks it up"
