"""Tests generated from the rule units' fix examples: each before/after pair proves its fix.

A unit's ``examples/fix/before/`` is a small project and ``after_<setting>/`` holds what
``cancel-audit fix --write --unsafe-fixes --rule <its rule>`` must change or write in it
with that market setting (``us``: ``markets: [US]``; ``mixed``: US and another market).
A second run changes nothing, and a re-scan of the result leaves the rule nothing it
could still fix. Which units need pairs comes from the catalog and the codemod registry,
not from a list here: a rule with a codemod needs a ``us`` pair, and a ``mixed`` one too
when its fix depends on the markets; a rule without a codemod has none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit.catalog import RuleUnit, load_catalog, rule_units
from audit.config import Config
from audit.fix_examples import SETTINGS, FixPair, files_of, fix_examples, fix_pairs
from audit.scanner import ScanOptions, scan
from cancel_audit_cli.cli import cli
from codemods.registry import fixable_rules

UNITS = rule_units()
CONFIG = ".cancel-audit.yaml"


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (but the config the test writes) and its text."""
    return {path: text for path, text in files_of(root).items() if path != CONFIG}


def materialize(files: dict[str, str], root: Path) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def fix(project: Path, rule: str, *flags: str) -> Any:
    args = ["-q", "fix", "--no-cache", "--unsafe-fixes", "--rule", rule, *flags, str(project)]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_units_with_a_codemod_have_fix_pairs(unit: RuleUnit) -> None:
    settings = {pair.setting for pair in fix_pairs(unit.folder)}
    assert settings <= set(SETTINGS), f"{unit.folder.name}: unknown setting in {settings}"
    if unit.id not in fixable_rules():
        assert not settings, f"{unit.folder.name} has fix examples but no codemod"
        return
    needed = {"us"}
    if load_catalog().rules[unit.id].fix.mixed_markets:
        needed.add("mixed")  # the fix changes with the markets: show both
    assert needed <= settings, f"{unit.folder.name} needs after_{sorted(needed - settings)}"


def _cases() -> list[Any]:
    return [
        pytest.param(unit, pair, id=f"{unit.id}-{pair.setting}")
        for unit in UNITS
        for pair in fix_pairs(unit.folder)
    ]


@pytest.mark.parametrize(("unit", "pair"), _cases())
def test_fix_turns_before_into_after(unit: RuleUnit, pair: FixPair, tmp_path: Path) -> None:
    project = materialize(pair.files_before(), tmp_path / "project")
    (project / CONFIG).write_text(f"markets: [{', '.join(pair.markets)}]\n")
    expected = pair.files_after()

    first = fix(project, unit.id, "--write")
    assert first.exit_code == 0, first.output
    assert tree(project) == expected

    again = fix(project, unit.id, "--check")
    assert again.exit_code == 0, again.output  # nothing left to rewrite
    assert tree(project) == expected


@pytest.mark.parametrize(("unit", "pair"), _cases())
def test_after_leaves_nothing_the_rule_could_still_fix(
    unit: RuleUnit, pair: FixPair, tmp_path: Path
) -> None:
    after = materialize(pair.files_after(), tmp_path / "after")
    result = scan(ScanOptions((after,), Config(markets=pair.markets)))
    assert not result.errors
    fixable = [f for f in result.findings if f.rule == unit.id and f.fix in ("safe", "unsafe")]
    assert fixable == []


@pytest.mark.parametrize(("unit", "pair"), _cases())
def test_before_shows_what_the_fix_changes(unit: RuleUnit, pair: FixPair) -> None:
    """A pair is about its rule: ``before`` has the rule's findings, and where the fix is
    manual under that setting (``UNCHANGED``) it says so."""
    before = Path(str(pair.before))
    result = scan(ScanOptions((before,), Config(markets=pair.markets)))
    own = [f for f in result.findings if f.rule == unit.id]
    assert own, f"{unit.folder.name}: before has no {unit.id} finding"
    unchanged = pair.files_before() == pair.files_after()
    assert unchanged == all(f.fix == "manual" for f in own)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_explain_shows_the_proven_fix_examples(unit: RuleUnit) -> None:
    shown = CliRunner().invoke(cli, ["explain", unit.id]).output
    examples = fix_examples(unit.id)
    assert len(examples) == len(fix_pairs(unit.folder))
    for example in examples:
        assert f"What fix does, {example.title}" in shown
        for line in example.diff().splitlines():
            assert line.rstrip() in shown
