"""Tests generated from the rule units' fix examples: each before/after pair proves its fix.

A unit's ``examples/fix_<setting>/before/`` is a small project and ``after/`` is exactly
what ``cancel-audit fix --write --unsafe-fixes --rule <its rule>`` must make of it with
that market setting (``us``: ``markets: [US]``; ``mixed``: US and another market). A
second run changes nothing, and a re-scan of ``after/`` leaves the rule nothing it could
still fix. Which units need pairs comes from the catalog and the codemod registry, not
from a list here: a rule with a codemod needs a ``us`` pair, and a ``mixed`` one too when
its fix depends on the markets; a rule without a codemod has none.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit.catalog import RuleUnit, load_catalog, rule_units
from audit.config import Config
from audit.fix_examples import SETTINGS as MARKETS
from audit.fix_examples import files_of, fix_examples, fix_pairs
from audit.scanner import ScanOptions, scan
from cancel_audit_cli.cli import cli
from codemods.registry import fixable_rules

UNITS = rule_units()
CONFIG = ".cancel-audit.yaml"


def pairs(unit: RuleUnit) -> dict[str, Any]:
    return fix_pairs(unit.folder)


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (but the config the test writes) and its text."""
    return {path: text for path, text in files_of(root).items() if path != CONFIG}


def fix(project: Path, rule: str, *flags: str) -> Any:
    args = ["-q", "fix", "--no-cache", "--unsafe-fixes", "--rule", rule, *flags, str(project)]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_units_with_a_codemod_have_fix_pairs(unit: RuleUnit) -> None:
    settings = set(pairs(unit))
    assert settings <= set(MARKETS), f"{unit.folder.name}: unknown setting in {settings}"
    if unit.id not in fixable_rules():
        assert not settings, f"{unit.folder.name} has fix examples but no codemod"
        return
    needed = {"us"}
    if load_catalog().rules[unit.id].fix.mixed_markets:
        needed.add("mixed")  # the fix changes with the markets: show both
    assert needed <= settings, f"{unit.folder.name} needs fix_{sorted(needed - settings)}"


def _cases() -> list[Any]:
    return [
        pytest.param(unit, setting, folder, id=f"{unit.id}-{setting}")
        for unit in UNITS
        for setting, folder in sorted(pairs(unit).items())
    ]


@pytest.mark.parametrize(("unit", "setting", "folder"), _cases())
def test_fix_turns_before_into_after(
    unit: RuleUnit, setting: str, folder: Any, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(Path(str(folder.joinpath("before"))), project)
    (project / CONFIG).write_text(f"markets: [{', '.join(MARKETS[setting])}]\n")
    expected = tree(Path(str(folder.joinpath("after"))))

    first = fix(project, unit.id, "--write")
    assert first.exit_code == 0, first.output
    assert tree(project) == expected

    again = fix(project, unit.id, "--check")
    assert again.exit_code == 0, again.output  # nothing left to rewrite
    assert tree(project) == expected


@pytest.mark.parametrize(("unit", "setting", "folder"), _cases())
def test_after_leaves_nothing_the_rule_could_still_fix(
    unit: RuleUnit, setting: str, folder: Any
) -> None:
    after = Path(str(folder.joinpath("after")))
    result = scan(ScanOptions((after,), Config(markets=MARKETS[setting])))
    assert not result.errors
    fixable = [f for f in result.findings if f.rule == unit.id and f.fix in ("safe", "unsafe")]
    assert fixable == []


@pytest.mark.parametrize(("unit", "setting", "folder"), _cases())
def test_before_shows_what_the_fix_changes(unit: RuleUnit, setting: str, folder: Any) -> None:
    """A pair is about its rule: ``before`` has the rule's findings, and where the fix is
    manual under that setting (``after`` equal to ``before``) it says so."""
    before = Path(str(folder.joinpath("before")))
    result = scan(ScanOptions((before,), Config(markets=MARKETS[setting])))
    own = [f for f in result.findings if f.rule == unit.id]
    assert own, f"{unit.folder.name}/fix_{setting}: before has no {unit.id} finding"
    unchanged = tree(before) == tree(Path(str(folder.joinpath("after"))))
    assert unchanged == all(f.fix == "manual" for f in own)


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_explain_shows_the_proven_fix_examples(unit: RuleUnit) -> None:
    shown = CliRunner().invoke(cli, ["explain", unit.id]).output
    examples = fix_examples(unit.id)
    assert len(examples) == len(pairs(unit))
    for example in examples:
        assert f"What fix does, {example.title}" in shown
        for line in example.diff.splitlines():
            assert line.rstrip() in shown
