"""Each fixture file marks the lines that must produce a finding with ``# expect: RULE``.

Every other line must produce none: the fixture is the rule's valid and invalid examples
at once (the Fixit model), so a new shape is one line in a fixture, not a new test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.config import Config
from audit.scanner import ScanOptions, scan

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def expected_findings(path: Path) -> list[tuple[int, str]]:
    expected = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            expected.extend((number, rule.strip()) for rule in match.group(1).split(","))
    return sorted(expected)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.stem)
def test_fixture_findings_match_expectations(fixture: Path) -> None:
    result = scan(ScanOptions((fixture,), Config()))
    assert result.errors == ()
    actual = sorted((f.line, f.rule) for f in result.findings)
    assert actual == expected_findings(fixture)


def test_every_rule_has_a_fixture() -> None:
    rules = {rule for path in FIXTURES.glob("*.py") for _, rule in expected_findings(path)}
    assert rules >= {"CA101", "CA102", "CA201", "CA301", "CA302", "CA401"}
