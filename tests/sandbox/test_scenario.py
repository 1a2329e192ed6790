"""Scenario loading and validation: built-ins, files, dicts, and one-sentence errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from audit.sandbox import Sandbox, ScenarioError, builtin_scenarios, load_scenario
from audit.sandbox.scenario import SCENARIO_DIR


def minimal(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"market": "US", "orders": [{"id": "O1", "packages": ["P1"]}]}
    data.update(extra)
    return data


def error_of(source: Any) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    message = str(info.value)
    assert message.endswith("."), message
    assert "\n" not in message
    assert message.count(". ") == 0, f"not one sentence: {message}"
    return message


def test_builtin_scenarios_ship_with_the_package() -> None:
    assert {"pending-cancel", "mixed-batch", "legacy"} <= set(builtin_scenarios())
    assert SCENARIO_DIR.parent.name == "sandbox"
    assert all((SCENARIO_DIR / f"{n}.yaml").is_file() for n in builtin_scenarios())


def test_pending_cancel_has_orders_with_and_without_requests() -> None:
    sc = load_scenario("pending-cancel")
    assert sc.market == "US"
    assert sc.as_of is None  # the sandbox uses today
    pending = {c.order_id for c in sc.cancellations if c.status == "PENDING"}
    assert pending == {"5760001", "5760003"}
    assert len(sc.orders) - len(pending) >= 2


def test_mixed_batch_and_legacy_pin_their_dates() -> None:
    assert load_scenario("mixed-batch").as_of == dt.date(2023, 12, 15)
    assert load_scenario("legacy").as_of == dt.date(2024, 2, 15)


def test_load_from_path_and_dict(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "market: uk\nas_of: 2024-05-01\norders:\n  - id: 42\n    packages: [7]\n"
        "cancellations:\n  - {cancel_id: C1, order_id: 42}\n"
    )
    sc = load_scenario(str(path))
    assert (sc.name, sc.market, sc.as_of) == ("mine", "UK", dt.date(2024, 5, 1))
    assert sc.orders[0].id == "42" and sc.orders[0].packages[0].id == "7"
    assert sc.orders[0].line_items == [{"id": "7-L1", "package_id": "7"}]
    assert sc.cancellations[0].status == "PENDING"
    assert sc.cancellations[0].create_time == sc.orders[0].create_time + 3600
    assert load_scenario(path).market == "UK"  # PathLike works too
    assert load_scenario(minimal()).name == "custom"


def test_overrides_replace_scenario_values() -> None:
    sc = load_scenario("mixed-batch").with_overrides(market="uk", as_of="2024-04-01")
    assert (sc.market, sc.as_of) == ("UK", dt.date(2024, 4, 1))


def test_unknown_name_lists_builtins() -> None:
    message = error_of("nope")
    assert "unknown scenario 'nope'" in message and "pending-cancel" in message


def test_missing_file() -> None:
    assert "does not exist" in error_of("missing/scenario.yaml")


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("market: US\norders: [\n  - id: 1\n")
    message = error_of(str(path))
    assert "is not valid YAML" in message and "line" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    assert "must be a mapping" in error_of(str(path))
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert "got nothing" in error_of(str(empty))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"orders": [{"id": "O1", "packages": ["P1"]}]}, "missing the required key 'market'"),
        (minimal(oders=[]), "unknown key 'oders'"),
        (minimal(orders=[{"id": "O1"}]), "orders[0] is missing the required key 'packages'"),
        (minimal(orders=[{"id": "O1", "packages": ["P1"], "staus": "x"}]), "unknown key 'staus'"),
        (minimal(orders=[]), "orders must not be empty"),
        (minimal(market="USA"), "two-letter market code"),
        (minimal(as_of="2024-13-01"), "as_of must be a date"),
        (minimal(orders=[{"id": "O1", "packages": ["P1"], "status": "LOST"}]), "status must be"),
        (minimal(orders=[{"id": "a/b", "packages": ["P1"]}]), "orders[0].id must be an id"),
        (
            minimal(orders=[{"id": "O1", "packages": ["P1"]}, {"id": "O1", "packages": ["P2"]}]),
            "order id 'O1' is used twice",
        ),
        (
            minimal(orders=[{"id": "O1", "packages": ["P1"]}, {"id": "O2", "packages": ["P1"]}]),
            "package id 'P1' is used twice",
        ),
        (minimal(cancellations=[{"cancel_id": "C1", "order_id": "O9"}]), "not in orders"),
        (minimal(cancellations=[{"order_id": "O1"}]), "missing the required key 'cancel_id'"),
        (
            minimal(cancellations=[{"cancel_id": "C1", "order_id": "O1", "state": "PENDING"}]),
            "unknown key 'state'",
        ),
        (
            minimal(
                cancellations=[
                    {"cancel_id": "C1", "order_id": "O1"},
                    {"cancel_id": "C2", "order_id": "O1"},
                ]
            ),
            "more than one PENDING cancellation",
        ),
        (
            minimal(
                orders=[{"id": "O1", "status": "CANCELLED", "packages": ["P1"]}],
                cancellations=[{"cancel_id": "C1", "order_id": "O1"}],
            ),
            "is already CANCELLED",
        ),
        (
            minimal(orders=[{"id": "O1", "packages": ["P1", "P2"], "line_items": [{"id": "L"}]}]),
            "must name its package_id",
        ),
        (
            minimal(
                orders=[
                    {"id": "O1", "packages": ["P1"], "line_items": [{"id": "L", "package_id": "X"}]}
                ]
            ),
            "is not one of order O1's packages",
        ),
    ],
)
def test_validation_errors_are_one_clear_sentence(data: dict[str, Any], expected: str) -> None:
    message = error_of(data)
    assert message.startswith("scenario dict: ")
    assert expected in message


def test_sandbox_rejects_bad_overrides() -> None:
    with pytest.raises(ScenarioError, match="two-letter market"):
        Sandbox("pending-cancel", market="United States")
    with pytest.raises(ScenarioError, match="as_of must be a date"):
        Sandbox("pending-cancel", as_of="yesterday")
