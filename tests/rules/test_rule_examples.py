"""Tests generated from the rule units: each unit's examples prove its rule.

The set of rules comes from the catalog (``audit.catalog.rule_units``), not from a list
here: a rule unit without examples fails.

- ``examples/invalid*.py``: every line marked ``# expect: CAxxx`` gets that rule's finding,
  and the rule fires on no other line.
- ``examples/valid*.py``: the rule is silent.

The before/after pairs of each unit's fix are proven in ``test_rule_fixes.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from audit.catalog import RuleUnit, load_catalog, rule_units, shown_example
from audit.config import Config
from audit.markets import Markets
from audit.scanner import ScanOptions, scan

UNITS = rule_units()
EXPECT = re.compile(r"#\s*expect:\s*((?:CA\d{3}[ ,]*)+)")


def examples(unit: RuleUnit, prefix: str) -> list[Any]:
    folder = unit.folder.joinpath("examples")
    if not folder.is_dir():
        return []
    return sorted(
        (e for e in folder.iterdir() if e.name.startswith(prefix) and e.name.endswith(".py")),
        key=lambda e: e.name,
    )


def findings_for(tmp_path: Path, name: str, source: str, markets: tuple[str, ...] = ("US",)):
    target = tmp_path / "integration" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    result = scan(ScanOptions((tmp_path,), Config(markets=Markets(markets))))
    assert not result.errors, result.errors
    return result.findings


def test_every_catalog_rule_has_a_unit() -> None:
    assert [u.id for u in UNITS] == list(load_catalog().rules)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_unit_has_examples(unit: RuleUnit) -> None:
    invalid, valid = examples(unit, "invalid"), examples(unit, "valid")
    assert invalid, f"{unit.folder.name} has no invalid example"
    assert valid, f"{unit.folder.name} has no valid example"
    for example in invalid:
        assert EXPECT.search(example.read_text(encoding="utf-8")), f"{example.name}: no mark"


def _cases(prefix: str) -> list[Any]:
    return [
        pytest.param(unit, example, id=f"{unit.id}-{example.name}")
        for unit in UNITS
        for example in examples(unit, prefix)
    ]


@pytest.mark.parametrize(("unit", "example"), _cases("invalid"))
def test_invalid_example_fires_at_marked_lines(unit: RuleUnit, example: Any, tmp_path) -> None:
    source = example.read_text(encoding="utf-8")
    marked = {
        number
        for number, line in enumerate(source.splitlines(), 1)
        for found in EXPECT.finditer(line)
        if unit.id in re.findall(r"CA\d{3}", found.group(1))
    }
    fired = {f.line for f in findings_for(tmp_path, example.name, source) if f.rule == unit.id}
    assert fired == marked


@pytest.mark.parametrize(("unit", "example"), _cases("valid"))
def test_valid_example_is_silent(unit: RuleUnit, example: Any, tmp_path) -> None:
    source = example.read_text(encoding="utf-8")
    fired = [f for f in findings_for(tmp_path, example.name, source) if f.rule == unit.id]
    assert fired == []


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_explain_shows_the_proven_examples(unit: RuleUnit) -> None:
    rule = load_catalog().rules[unit.id]
    folder = unit.folder.joinpath("examples")
    invalid = folder.joinpath("invalid.py").read_text(encoding="utf-8")
    assert rule.example == shown_example(invalid)
    assert "expect:" not in rule.example
    assert rule.instead == folder.joinpath("valid.py").read_text(encoding="utf-8")
