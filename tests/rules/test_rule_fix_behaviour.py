"""The rule units' fix examples run against the sandbox: ``after`` does what ``before`` meant.

``test_rule_fixes.py`` proves the text of each rewrite; here the example projects are
imported and run, before and after the fix, against the sandbox's ``pending-cancel``
shop (US, v202309: shipping rejects a pending cancel request, Reject Cancellation is
retired). Each example's client reads the API host from its module's ``API``, pointed at
the sandbox.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest
import requests

from audit.catalog import rule_units
from audit.fix_examples import fix_pairs
from audit.sandbox import Sandbox

PENDING_CANCEL = {"cancel_id": "4030001", "order_id": "5760001"}  # one package: 1150001
PENDING_ORDERS = {"5760001", "5760003"}  # the scenario's orders with a pending request


@pytest.fixture
def example(tmp_path: Path) -> Callable[[str, str, str], Path]:
    """The project of a rule's fix example, before or after the fix, as files on disk."""

    def project(rule: str, setting: str, side: str) -> Path:
        unit = next(u for u in rule_units() if u.id == rule)
        pair = next(p for p in fix_pairs(unit.folder) if p.setting == setting)
        files = pair.files_before() if side == "before" else pair.files_after()
        root = tmp_path / f"{rule}-{setting}-{side}"
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        return root

    return project


@pytest.fixture
def load() -> Iterator[Callable[[Path, str], ModuleType]]:
    """Import a module of an example project (its ``shop`` package), fresh each time."""

    def forget() -> None:
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            del sys.modules[name]

    added: list[str] = []

    def loader(root: Path, module: str) -> ModuleType:
        forget()
        sys.path.insert(0, str(root))
        added.append(str(root))
        return importlib.import_module(module)

    yield loader
    forget()
    for entry in added:
        sys.path.remove(entry)


def client_for(load: Callable[[Path, str], ModuleType], root: Path, sandbox: Sandbox) -> Any:
    client_module = load(root, "shop.client")
    client_module.API = sandbox.base_url  # type: ignore[attr-defined]
    session = requests.Session()
    session.trust_env = False  # loopback only, never a proxy
    return client_module.TikTokShopClient(session, "CIPHER")  # type: ignore[attr-defined]


def test_ca101_before_fails_after_rejects_by_shipping(load: Any, example: Any) -> None:
    for side in ("before", "after"):
        root = example("CA101", "us", side)
        with Sandbox(scenario="pending-cancel") as sandbox:
            client = client_for(load, root, sandbox)
            cancels = importlib.import_module("shop.cancels")
            if side == "before":
                retired = importlib.import_module("shop.client").TikTokAPIError
                with pytest.raises(retired):  # Reject Cancellation is retired for the US
                    cancels.refuse_packed(client, [PENDING_CANCEL], {"5760001"})
                assert sandbox.cancellation("4030001")["cancel_status"] == "PENDING"
                continue
            cancels.refuse_packed(client, [PENDING_CANCEL], {"5760001"})
            assert sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"
            assert sandbox.package("1150001")["status"] == "SHIPPED"
            assert sandbox.calls_to("reject_cancellation") == []


@pytest.mark.parametrize(("market", "rejects"), [("US", False), ("UK", True)])
def test_ca101_mixed_markets_ship_in_the_us_and_still_reject_elsewhere(
    load: Any, example: Any, market: str, rejects: bool
) -> None:
    """US: shipping rejects the request. UK: shipping still fails with 21011007, so the
    kept Reject Cancellation call runs, then the package ships as in the US."""
    root = example("CA101", "mixed", "after")
    with Sandbox(scenario="pending-cancel", market=market) as sandbox:
        client = client_for(load, root, sandbox)
        importlib.import_module("shop.cancels").refuse_packed(client, [PENDING_CANCEL], {"5760001"})
        assert sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"
        assert bool(sandbox.calls_to("reject_cancellation")) == rejects
        assert sandbox.package("1150001")["status"] == "SHIPPED"


def test_ca201_after_holds_the_order_with_a_pending_request_again(load: Any, example: Any) -> None:
    """On v202309 the old 21011007 branch never runs: ``before`` ships the order whose
    buyer asked to cancel; the fix moved the hold before the ship call."""
    held: dict[str, Any] = {}
    for side in ("before", "after"):
        with Sandbox(scenario="pending-cancel") as sandbox:
            client = client_for(load, example("CA201", "us", side), sandbox)
            shipping = importlib.import_module("shop.shipping")
            order = client.get_order_detail(["5760001"])["orders"][0]
            held[side] = shipping.ship_order(client, order)
            held[f"{side} status"] = sandbox.cancellation("4030001")["cancel_status"]
    assert held["before"] == ["1150001"]  # shipped: the request was rejected
    assert held["before status"] == "REJECTED"
    assert held["after"] == []  # held, as the code meant
    assert held["after status"] == "PENDING"


def test_ca201_after_still_ships_a_packed_order_to_reject_its_request(
    load: Any, example: Any
) -> None:
    with Sandbox(scenario="pending-cancel") as sandbox:
        client = client_for(load, example("CA201", "us", "after"), sandbox)
        shipping = importlib.import_module("shop.shipping")
        shipping.ship_packed_order(client, "1150001", "4030001")
        assert sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"
        assert sandbox.calls_to("reject_cancellation") == []


class Warehouse:
    def __init__(self) -> None:
        self.holds: dict[str, Any] = {}

    def hold(self, order_id: str, since: Any) -> None:
        self.holds[order_id] = since


def test_ca301_after_holds_the_same_orders_through_get_order_list(load: Any, example: Any) -> None:
    holds = {}
    for side in ("before", "after"):
        with Sandbox(scenario="pending-cancel") as sandbox:
            client = client_for(load, example("CA301", "us", side), sandbox)
            warehouse = Warehouse()
            importlib.import_module("shop.holds").hold_pending_cancels(client, warehouse)
            holds[side] = warehouse.holds
            assert bool(sandbox.calls_to("search_cancellations")) == (side == "before")
    assert set(holds["before"]) == set(holds["after"]) == PENDING_ORDERS
    assert all(holds["after"].values())  # each order's request_cancel_time
