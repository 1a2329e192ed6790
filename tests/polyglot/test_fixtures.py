"""Every fixture file yields exactly the findings its ``expect:`` comments name (and
decoys none), at the lowest confidence, scanned on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.polyglot.conftest import FIXTURES, expected, scan_paths

CODE_FIXTURES = sorted(
    p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in (".json", ".md")
)


@pytest.mark.parametrize("path", CODE_FIXTURES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_findings_are_exactly_the_marked_ones(path: Path) -> None:
    result = scan_paths(path)
    assert result.errors == ()
    found = {(f.line, f.rule) for f in result.findings}
    assert found == expected(path)


@pytest.mark.parametrize("path", CODE_FIXTURES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_non_python_findings_are_manual_with_a_hint_in_their_language(path: Path) -> None:
    for finding in scan_paths(path).findings:
        assert finding.language != "python"
        assert finding.fix == "manual"
        assert finding.hint, finding


def test_postman_collection_lists_reject_and_not_cancel_order() -> None:
    path = FIXTURES / "apispec" / "collection.postman_collection.json"
    result = scan_paths(path)
    [finding] = result.findings
    assert (finding.rule, finding.language, finding.line) == ("CA101", "postman", 5)
    assert sorted(i.endpoint for i in result.inventory) == ["cancel_order", "reject_cancellation"]
    assert {i.role for i in result.inventory} == {"url"}
