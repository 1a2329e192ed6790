"""Scenario files: what the sandbox is seeded with, loaded with ``yaml.safe_load``.

A scenario is a name (a file in ``scenarios/``), a path to a YAML file, or a dict of the
same shape. Every problem is reported as one sentence in a :class:`ScenarioError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar, Union

import yaml

from audit.markets import REJECT_DEADLINE
from audit.sandbox.rules import CHANGE_DATE

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"

ORDER_STATUSES = (
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
)
SHIPPED_ORDER_STATUSES = ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")
PACKAGE_STATUSES = ("PROCESSING", "SHIPPED", "CANCELLED")
CANCEL_STATUSES = ("PENDING", "APPROVED", "REJECTED")
_CLOSED_FOR_CANCEL = ("CANCELLED", "DELIVERED", "COMPLETED")

_TOP_KEYS = (
    "name",
    "description",
    "market",
    "as_of",
    "change_date",
    "reject_deadline",
    "orders",
    "cancellations",
)
_ORDER_KEYS = ("id", "status", "create_time", "packages", "line_items")
_PACKAGE_KEYS = ("id", "status")
_LINE_ITEM_KEYS = ("id", "package_id", "sku_id", "seller_sku", "product_name", "quantity")
_CANCEL_KEYS = ("cancel_id", "order_id", "create_time", "status", "cancel_reason")
_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_MARKET_RE = re.compile(r"^[A-Z]{2}$")
_BASE_TIME = 1_700_000_000  # 2023-11-14, default create_time of seeded orders

T = TypeVar("T")
ScenarioSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]


class ScenarioError(ValueError):
    """A scenario (or an override) that cannot be used; the message is one sentence."""


@dataclass
class PackageSpec:
    id: str
    status: str


@dataclass
class OrderSpec:
    id: str
    status: str
    create_time: int
    packages: list[PackageSpec]
    line_items: list[dict[str, Any]]


@dataclass
class CancellationSpec:
    cancel_id: str
    order_id: str
    create_time: int
    status: str
    cancel_reason: str


@dataclass
class Scenario:
    name: str
    market: str
    orders: list[OrderSpec]
    cancellations: list[CancellationSpec] = field(default_factory=list)
    description: str = ""
    as_of: Optional[dt.date] = None  # None: the day the sandbox starts
    change_date: dt.date = CHANGE_DATE
    reject_deadline: dt.date = REJECT_DEADLINE

    def with_overrides(
        self,
        market: Optional[str] = None,
        as_of: Union[dt.date, str, None] = None,
        change_date: Union[dt.date, str, None] = None,
        reject_deadline: Union[dt.date, str, None] = None,
    ) -> Scenario:
        """A copy with any given value replacing the scenario's own."""
        changes: dict[str, Any] = {}
        if market is not None:
            changes["market"] = parse_market(market)
        for key, value in (
            ("as_of", as_of),
            ("change_date", change_date),
            ("reject_deadline", reject_deadline),
        ):
            if value is not None:
                changes[key] = parse_date(value, key)
        return dataclasses.replace(self, **changes)


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``audit/sandbox/scenarios``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def load_scenario(source: ScenarioSource) -> Scenario:
    """Load and validate a scenario given by built-in name, YAML path, or dict."""
    if isinstance(source, Mapping):
        return _build(source, "scenario dict", "custom")
    text = os.fspath(source)
    path = Path(text)
    if _looks_like_path(text):
        return _load_file(path, f"scenario file {text}")
    if text in builtin_scenarios():
        return _load_file(SCENARIO_DIR / f"{text}.yaml", f"scenario '{text}'")
    names = ", ".join(builtin_scenarios())
    raise ScenarioError(
        f"unknown scenario '{text}': give a YAML file path or one of the built-in names ({names})."
    )


def parse_market(value: object, where: str = "market") -> str:
    if isinstance(value, str) and _MARKET_RE.match(value.strip().upper()):
        return value.strip().upper()
    raise ScenarioError(
        f"{where} must be a two-letter market code such as US or UK, got {value!r}."
    )


def parse_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ScenarioError(f"{where} must be a date like 2024-04-15, got {value!r}.")


def _looks_like_path(text: str) -> bool:
    return (
        "/" in text
        or os.sep in text
        or text.endswith((".yaml", ".yml"))
        or (Path(text).exists() and text not in builtin_scenarios())
    )


def _load_file(path: Path, label: str) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{label} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{label} cannot be read ({exc}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or "unparsable"
        raise ScenarioError(f"{label} is not valid YAML ({problem}{where}).") from None
    return _build(data, label, path.stem)


def _build(data: object, label: str, default_name: str) -> Scenario:
    top = _mapping(data, "the top level", label, hint=" of keys such as market and orders")
    _check_keys(top, "the top level", label, required=("market", "orders"), allowed=_TOP_KEYS)
    orders_raw = _list(top["orders"], "orders", label, non_empty=True)
    orders = [_order(item, f"orders[{i}]", label, i) for i, item in enumerate(orders_raw)]
    cancels_raw = _list(top.get("cancellations", []), "cancellations", label)
    created = {order.id: order.create_time for order in orders}
    cancels = [
        _cancel(item, f"cancellations[{i}]", label, created) for i, item in enumerate(cancels_raw)
    ]
    scenario = Scenario(
        name=_text(top.get("name", default_name), "name", label),
        description=_text(top.get("description", ""), "description", label),
        market=_labelled(label, parse_market, top["market"], "market"),
        as_of=_labelled(label, parse_date, top["as_of"], "as_of") if "as_of" in top else None,
        change_date=_labelled(
            label, parse_date, top.get("change_date", CHANGE_DATE), "change_date"
        ),
        reject_deadline=_labelled(
            label, parse_date, top.get("reject_deadline", REJECT_DEADLINE), "reject_deadline"
        ),
        orders=orders,
        cancellations=cancels,
    )
    _cross_check(scenario, label)
    return scenario


def _order(item: object, where: str, label: str, index: int) -> OrderSpec:
    raw = _mapping(item, where, label)
    _check_keys(raw, where, label, required=("id", "packages"), allowed=_ORDER_KEYS)
    order_id = _ident(raw["id"], f"{where}.id", label)
    status = _choice(
        raw.get("status", "AWAITING_SHIPMENT"), ORDER_STATUSES, f"{where}.status", label
    )
    default_pkg = _default_package_status(status)
    packages: list[PackageSpec] = []
    for j, pkg in enumerate(_list(raw["packages"], f"{where}.packages", label, non_empty=True)):
        pwhere = f"{where}.packages[{j}]"
        if isinstance(pkg, Mapping):
            _check_keys(pkg, pwhere, label, required=("id",), allowed=_PACKAGE_KEYS)
            pstatus = _choice(
                pkg.get("status", default_pkg), PACKAGE_STATUSES, f"{pwhere}.status", label
            )
            packages.append(PackageSpec(_ident(pkg["id"], f"{pwhere}.id", label), pstatus))
        else:
            packages.append(PackageSpec(_ident(pkg, pwhere, label), default_pkg))
    package_ids = [p.id for p in packages]
    line_items: list[dict[str, Any]] = []
    raw_items = raw.get("line_items")
    if raw_items is None:
        line_items = [{"id": f"{pid}-L1", "package_id": pid} for pid in package_ids]
    for k, li in enumerate(_list(raw_items or [], f"{where}.line_items", label)):
        lwhere = f"{where}.line_items[{k}]"
        entry = dict(_mapping(li, lwhere, label))
        _check_keys(entry, lwhere, label, required=("id",), allowed=_LINE_ITEM_KEYS)
        entry["id"] = _ident(entry["id"], f"{lwhere}.id", label)
        if "package_id" not in entry:
            if len(package_ids) != 1:
                raise ScenarioError(
                    f"{label}: {lwhere} must name its package_id because order {order_id} "
                    "has several packages."
                )
            entry["package_id"] = package_ids[0]
        entry["package_id"] = _ident(entry["package_id"], f"{lwhere}.package_id", label)
        if entry["package_id"] not in package_ids:
            raise ScenarioError(
                f"{label}: {lwhere}.package_id '{entry['package_id']}' is not one of order "
                f"{order_id}'s packages."
            )
        line_items.append(entry)
    create_time = _int(
        raw.get("create_time", _BASE_TIME + 600 * index), f"{where}.create_time", label
    )
    return OrderSpec(order_id, status, create_time, packages, line_items)


def _cancel(
    item: object, where: str, label: str, order_created: dict[str, int]
) -> CancellationSpec:
    raw = _mapping(item, where, label)
    _check_keys(raw, where, label, required=("cancel_id", "order_id"), allowed=_CANCEL_KEYS)
    order_id = _ident(raw["order_id"], f"{where}.order_id", label)
    default_time = order_created.get(order_id, _BASE_TIME) + 3600
    return CancellationSpec(
        cancel_id=_ident(raw["cancel_id"], f"{where}.cancel_id", label),
        order_id=order_id,
        create_time=_int(raw.get("create_time", default_time), f"{where}.create_time", label),
        status=_choice(raw.get("status", "PENDING"), CANCEL_STATUSES, f"{where}.status", label),
        cancel_reason=_text(
            raw.get("cancel_reason", "Buyer changed mind"), f"{where}.cancel_reason", label
        ),
    )


def _cross_check(scenario: Scenario, label: str) -> None:
    seen: set[tuple[str, str]] = set()

    def claim(kind: str, ident: str) -> None:
        if (kind, ident) in seen:
            raise ScenarioError(f"{label}: {kind} id '{ident}' is used twice.")
        seen.add((kind, ident))

    orders: dict[str, OrderSpec] = {}
    for order in scenario.orders:
        claim("order", order.id)
        orders[order.id] = order
        for pkg in order.packages:
            claim("package", pkg.id)
        for li in order.line_items:
            claim("line item", li["id"])
    pending: set[str] = set()
    for cancel in scenario.cancellations:
        claim("cancellation", cancel.cancel_id)
        found = orders.get(cancel.order_id)
        if found is None:
            raise ScenarioError(
                f"{label}: cancellation {cancel.cancel_id} names order '{cancel.order_id}', "
                "which is not in orders."
            )
        order = found
        if cancel.status == "PENDING":
            if cancel.order_id in pending:
                raise ScenarioError(
                    f"{label}: order {cancel.order_id} has more than one PENDING cancellation."
                )
            if order.status in _CLOSED_FOR_CANCEL:
                raise ScenarioError(
                    f"{label}: cancellation {cancel.cancel_id} is PENDING but its order "
                    f"{order.id} is already {order.status}."
                )
            pending.add(cancel.order_id)


def _default_package_status(order_status: str) -> str:
    if order_status == "CANCELLED":
        return "CANCELLED"
    if order_status in SHIPPED_ORDER_STATUSES:
        return "SHIPPED"
    return "PROCESSING"


def _labelled(label: str, parse: Callable[[object, str], T], value: object, where: str) -> T:
    """Run a public parser and prefix its error with the scenario's label."""
    try:
        return parse(value, where)
    except ScenarioError as exc:
        raise ScenarioError(f"{label}: {exc}") from None


def _mapping(value: object, where: str, label: str, hint: str = "") -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise ScenarioError(f"{label}: {where} must be a mapping{hint}, got {_kind(value)}.")


def _list(value: object, where: str, label: str, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioError(f"{label}: {where} must be a list, got {_kind(value)}.")
    if non_empty and not value:
        raise ScenarioError(f"{label}: {where} must not be empty.")
    return value


def _check_keys(
    raw: Mapping[str, Any],
    where: str,
    label: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
) -> None:
    for key in required:
        if key not in raw:
            raise ScenarioError(f"{label}: {where} is missing the required key '{key}'.")
    unknown = [str(k) for k in raw if k not in allowed]
    if unknown:
        raise ScenarioError(
            f"{label}: {where} has unknown key '{unknown[0]}' (allowed: {', '.join(allowed)})."
        )


def _ident(value: object, where: str, label: str) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and _ID_RE.match(str(value)):
        return str(value)
    raise ScenarioError(
        f"{label}: {where} must be an id of letters, digits, '_', '.', ':' or '-', got {value!r}."
    )


def _choice(value: object, allowed: tuple[str, ...], where: str, label: str) -> str:
    if isinstance(value, str) and value.upper() in allowed:
        return value.upper()
    raise ScenarioError(f"{label}: {where} must be one of {', '.join(allowed)}, got {value!r}.")


def _int(value: object, where: str, label: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ScenarioError(f"{label}: {where} must be a unix timestamp in seconds, got {value!r}.")


def _text(value: object, where: str, label: str) -> str:
    if isinstance(value, str):
        return value
    raise ScenarioError(f"{label}: {where} must be text, got {_kind(value)}.")


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__
