"""One function per endpoint: read the request, call the state, shape the ``data`` object.

Handlers return the envelope's ``data`` on success and raise :class:`ApiError` otherwise.
Batch endpoints report per-package failures inside ``data`` with envelope code 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from audit.sandbox.errors import ApiError, invalid
from audit.sandbox.model import LEGACY_ORDER_STATUS
from audit.sandbox.state import SandboxState, ShipDetails

MAX_IDS = 50
HANDOVER_METHODS = ("PICKUP", "DROP_OFF")
CANCEL_STATUS_ALIASES = {
    "CANCELLATION_REQUEST_PENDING": "PENDING",
    "CANCELLATION_REQUEST_SUCCESS": "APPROVED",
    "CANCELLATION_REQUEST_COMPLETE": "APPROVED",
    "CANCELLATION_REQUEST_CANCEL": "REJECTED",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)  # from the path, incl. "version"

    @property
    def version(self) -> Optional[str]:
        return self.params.get("version")


Handler = Callable[[SandboxState, Request], dict[str, Any]]


# -- v202309 orders ---------------------------------------------------------------------


def order_list(state: SandboxState, req: Request) -> dict[str, Any]:
    status = _opt_str(req.body, "order_status")
    only_requests = _opt_bool(req.body, "is_buyer_request_cancel")
    orders = state.find_orders(status, True if only_requests else None)
    page, token = _page(orders, req.query)
    return {
        "orders": page,
        "next_page_token": token,
        "total_count": len(orders),
    }


def order_detail(state: SandboxState, req: Request) -> dict[str, Any]:
    ids = [i.strip() for i in req.query.get("ids", "").split(",") if i.strip()]
    if not ids:
        raise invalid("Ids is a required field")
    _check_count(ids, "ids")
    return {"orders": state.get_orders(ids)}


# -- v202309 cancellations --------------------------------------------------------------


def search_cancellations(state: SandboxState, req: Request) -> dict[str, Any]:
    statuses = _str_or_list(req.body, "cancel_status")
    statuses = [CANCEL_STATUS_ALIASES.get(s.upper(), s.upper()) for s in statuses]
    types = _str_list(req.body, "cancel_types")
    found = state.search_cancellations(
        _str_list(req.body, "cancel_ids"), _str_list(req.body, "order_ids"), statuses
    )
    if types and "BUYER_CANCEL" not in types:
        found = []
    page, token = _page(found, req.query)
    return {"cancellations": page, "next_page_token": token, "total_count": len(found)}


def approve_cancellation(state: SandboxState, req: Request) -> dict[str, Any]:
    state.approve(req.params["cancel_id"])
    return {}


def reject_cancellation(state: SandboxState, req: Request) -> dict[str, Any]:
    reason = _opt_str(req.body, "reject_reason") or "seller rejected"
    comment = _opt_str(req.body, "comment") or ""
    state.reject(req.params["cancel_id"], reason, comment)
    return {}


# -- v202309 fulfillment ----------------------------------------------------------------


def ship_package(state: SandboxState, req: Request) -> dict[str, Any]:
    state.ship([req.params["package_id"]], req.version, "ship_package", _ship_details(req.body))
    return {}


def batch_ship_packages(state: SandboxState, req: Request) -> dict[str, Any]:
    items = _object_list(req.body, "packages", "id")
    failures = state.ship_each(items, req.version, "batch_ship_packages")
    return {
        "errors": [
            {"code": err.code, "message": err.message, "detail": {"package_id": pid}}
            for pid, err in failures
        ]
    }


def mark_package_shipped(state: SandboxState, req: Request) -> dict[str, Any]:
    order_id = req.params["order_id"]
    details: ShipDetails = {
        "tracking_number": _req_str(req.body, "tracking_number"),
        "shipping_provider_id": _req_str(req.body, "shipping_provider_id"),
    }
    lines = _str_list(req.body, "order_line_item_ids")
    package_ids = state.packages_for_lines(order_id, lines)
    state.ship(package_ids, req.version, "mark_package_shipped", details)
    return {"order_id": order_id, "packages": [{"id": pid} for pid in package_ids]}


# -- legacy API -------------------------------------------------------------------------


def legacy_order_list(state: SandboxState, req: Request) -> dict[str, Any]:
    code = req.body.get("order_status")
    names = {v: k for k, v in LEGACY_ORDER_STATUS.items()}
    if code is not None and (type(code) is not int or code not in names):
        raise invalid(f"order_status must be one of {sorted(names)}")
    orders = state.find_orders(names[code] if code is not None else None, legacy=True)
    size = req.body.get("page_size", 20)
    cursor = req.body.get("cursor", "")
    page, token = _page(orders, {"page_size": str(size), "page_token": str(cursor)})
    return {
        "order_list": [
            {k: o[k] for k in ("order_id", "order_status", "update_time")} for o in page
        ],
        "more": bool(token),
        "next_cursor": token,
        "total": len(orders),
    }


def legacy_order_detail(state: SandboxState, req: Request) -> dict[str, Any]:
    ids = _str_list(req.body, "order_id_list")
    if not ids:
        raise invalid("order_id_list is a required field")
    _check_count(ids, "order_id_list")
    return {"order_list": state.get_orders(ids, legacy=True)}


def legacy_ship(state: SandboxState, req: Request) -> dict[str, Any]:
    package_id = _req_str(req.body, "package_id")
    failures = state.ship_each([(package_id, _ship_details(req.body))], None, "legacy_ship")
    return {"fail_packages": _fail_packages(failures)}


def legacy_batch_ship(state: SandboxState, req: Request) -> dict[str, Any]:
    items = _object_list(req.body, "package_list", "package_id")
    failures = state.ship_each(items, None, "legacy_batch_ship")
    return {"fail_packages": _fail_packages(failures)}


def legacy_reverse_reject(state: SandboxState, req: Request) -> dict[str, Any]:
    cancel_id = _req_str(req.body, "reverse_order_id")
    reason = _opt_str(req.body, "reverse_reject_reason_key") or "seller rejected"
    comment = _opt_str(req.body, "reverse_reject_comments") or ""
    state.reject(cancel_id, reason, comment)
    return {}


# -- helpers ----------------------------------------------------------------------------


def _fail_packages(failures: Sequence[tuple[str, ApiError]]) -> list[dict[str, Any]]:
    return [
        {"package_id": pid, "fail_code": err.code, "fail_reason": err.message}
        for pid, err in failures
    ]


def _ship_details(body: Mapping[str, Any]) -> ShipDetails:
    method = _opt_str(body, "handover_method")
    if method is not None and method not in HANDOVER_METHODS:
        raise invalid(f"handover_method must be one of {', '.join(HANDOVER_METHODS)}")
    own = body.get("self_shipment") or {}
    if not isinstance(own, Mapping):
        raise invalid("self_shipment must be an object")
    return {
        "handover_method": method,
        "tracking_number": _opt_str(own, "tracking_number"),
        "shipping_provider_id": _opt_str(own, "shipping_provider_id"),
    }


def _object_list(body: Mapping[str, Any], key: str, id_key: str) -> list[tuple[str, ShipDetails]]:
    raw = body.get(key)
    if not isinstance(raw, list) or not raw:
        raise invalid(f"{key} is a required field and must be a non-empty list")
    _check_count(raw, key)
    items: list[tuple[str, ShipDetails]] = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            raise invalid(f"every entry of {key} must be an object with {id_key}")
        items.append((_req_str(entry, id_key), _ship_details(entry)))
    return items


def _check_count(items: Sequence[Any], key: str) -> None:
    if len(items) > MAX_IDS:
        raise invalid(f"{key} accepts at most {MAX_IDS} values, got {len(items)}")


def _page(items: Sequence[Any], query: Mapping[str, str]) -> tuple[list[Any], str]:
    size_text = query.get("page_size", "20")
    token = query.get("page_token", "")
    if not size_text.isdigit() or not 1 <= int(size_text) <= 100:
        raise invalid("page_size must be an integer from 1 to 100")
    if token and not token.isdigit():
        raise invalid("page_token is invalid")
    start, size = int(token or 0), int(size_text)
    end = start + size
    return list(items[start:end]), (str(end) if end < len(items) else "")


def _opt_str(body: Mapping[str, Any], key: str) -> Optional[str]:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise invalid(f"{key} must be a string")


def _req_str(body: Mapping[str, Any], key: str) -> str:
    value = _opt_str(body, key)
    if not value:
        raise invalid(f"{key} is a required field")
    return value


def _opt_bool(body: Mapping[str, Any], key: str) -> Optional[bool]:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(f"{key} must be true or false")


def _str_list(body: Mapping[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if isinstance(value, list) and all(
        isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
    ):
        return [str(v) for v in value]
    raise invalid(f"{key} must be a list of strings")


def _str_or_list(body: Mapping[str, Any], key: str) -> list[str]:
    if isinstance(body.get(key), str):
        return [body[key]]
    return _str_list(body, key)
