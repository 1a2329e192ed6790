"""What scan says a finding's fix is, fix does: on every example and detection fixture.

For each tree: the findings scan stamps ``safe``/``unsafe`` are gone after
``fix --write --unsafe-fixes``, the ones it stamps ``manual`` are still there (each with
a note in fix's summary), and fix's summary counts exactly the findings that went.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli

ROOT = Path(__file__).resolve().parents[2]
FIXED_RULES = ("CA101", "CA201", "CA301")
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
FIXTURES = sorted(p.name for p in (ROOT / "tests" / "detection" / "fixtures").glob("*.py"))


def findings(root: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.output)["findings"]
    return [f for f in found if f["rule"] in FIXED_RULES]


def sites(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["path"], f["snippet"].strip()) for f in found)


def agree(root: Path) -> None:
    due = findings(root)
    fixable = [f for f in due if f["fix"] in ("safe", "unsafe")]
    manual = [f for f in due if f["fix"] == "manual"]
    result = CliRunner().invoke(cli, ["fix", str(root), "--write", "--unsafe-fixes"])
    summary = result.output.strip().splitlines()[-1]
    counted = re.match(r"Fixed (\d+) finding\(s\) in \d+ file\(s\); (\d+) need", summary)
    assert counted is not None, result.output
    assert sites(findings(root)) == sites(manual), result.output
    assert int(counted.group(1)) == len(fixable), result.output
    for finding in manual:
        assert f"{finding['line']}:{finding['column']}: {finding['rule']} manual:" in result.output


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example(tmp_path: Path, name: str) -> None:
    copy = tmp_path / name
    shutil.copytree(ROOT / "examples" / name, copy, ignore=shutil.ignore_patterns("__pycache__"))
    agree(copy)


@pytest.mark.parametrize("name", FIXTURES)
def test_every_detection_fixture(tmp_path: Path, name: str) -> None:
    shutil.copy(ROOT / "tests" / "detection" / "fixtures" / name, tmp_path / name)
    agree(tmp_path)
