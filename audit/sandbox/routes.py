"""Path -> endpoint: which handler serves a method and path, for any ``20YYMM`` version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import unquote

from audit.sandbox import handlers
from audit.sandbox.handlers import Handler

_V = r"(?P<version>20\d{4})"
_ID = r"(?P<{}>[^/]+)"


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    handler: Handler


def _route(name: str, method: str, template: str, handler: Handler) -> Route:
    regex = template.replace("{version}", _V)
    for param in ("cancel_id", "package_id", "order_id"):
        regex = regex.replace("{" + param + "}", _ID.format(param))
    return Route(name, method, re.compile("^" + regex + "$"), handler)


ROUTES: tuple[Route, ...] = (
    _route("order_list", "POST", "/order/{version}/orders/search", handlers.order_list),
    _route("order_detail", "GET", "/order/{version}/orders", handlers.order_detail),
    _route(
        "search_cancellations",
        "POST",
        "/return_refund/{version}/cancellations/search",
        handlers.search_cancellations,
    ),
    _route(
        "approve_cancellation",
        "POST",
        "/return_refund/{version}/cancellations/{cancel_id}/approve",
        handlers.approve_cancellation,
    ),
    _route(
        "reject_cancellation",
        "POST",
        "/return_refund/{version}/cancellations/{cancel_id}/reject",
        handlers.reject_cancellation,
    ),
    _route(
        "batch_ship_packages",
        "POST",
        "/fulfillment/{version}/packages/ship",
        handlers.batch_ship_packages,
    ),
    _route(
        "ship_package",
        "POST",
        "/fulfillment/{version}/packages/{package_id}/ship",
        handlers.ship_package,
    ),
    _route(
        "mark_package_shipped",
        "POST",
        "/fulfillment/{version}/orders/{order_id}/packages",
        handlers.mark_package_shipped,
    ),
    _route("legacy_order_list", "POST", "/api/orders/search", handlers.legacy_order_list),
    _route("legacy_order_detail", "POST", "/api/orders/detail/query", handlers.legacy_order_detail),
    _route("legacy_ship", "POST", "/api/fulfillment/rts", handlers.legacy_ship),
    _route("legacy_batch_ship", "POST", "/api/fulfillment/batch_rts", handlers.legacy_batch_ship),
    _route(
        "legacy_reverse_reject",
        "POST",
        "/api/reverse/reverse_request/reject",
        handlers.legacy_reverse_reject,
    ),
)

ENDPOINT_NAMES: tuple[str, ...] = tuple(r.name for r in ROUTES)


@dataclass(frozen=True)
class Match:
    route: Optional[Route]  # None: no route for this method (see ``allowed``)
    params: dict[str, str]
    allowed: tuple[str, ...]  # methods the path accepts; empty: unknown path


def normalise(path: str) -> str:
    """Drop a trailing slash so ``/api/orders/search/`` routes like ``/api/orders/search``."""
    return path.rstrip("/") or "/"


def match(method: str, path: str) -> Match:
    """Find the route for ``method`` and ``path``."""
    path = normalise(path)
    allowed: list[str] = []
    for route in ROUTES:
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.method == method.upper():
            params = {k: unquote(v) for k, v in found.groupdict().items()}
            return Match(route, params, (route.method,))
        allowed.append(route.method)
    return Match(None, {}, tuple(allowed))


def endpoint_of(path: str) -> Optional[str]:
    """The endpoint name a path belongs to, whatever the method; None if unknown."""
    path = normalise(path)
    for route in ROUTES:
        if route.pattern.match(path):
            return route.name
    return None
