"""SARIF carries the rewrites of ``cancel-audit fix``: applying them gives its result."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from ci_helpers import invoke, validate_sarif

ROOT = Path(__file__).resolve().parents[2]


def apply_sarif_fixes(root: Path, document: dict[str, Any]) -> None:
    """Apply every fix's whole-line replacements, bottom-up within each file."""
    edits: dict[str, list[dict[str, Any]]] = {}
    for result in document["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                edits.setdefault(change["artifactLocation"]["uri"], []).extend(
                    change["replacements"]
                )
    for uri, replacements in edits.items():
        path = root / uri
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
        ordered = sorted(replacements, key=lambda r: r["deletedRegion"]["startLine"])
        for replacement in reversed(ordered):
            region = replacement["deletedRegion"]
            assert region["startColumn"] == region["endColumn"] == 1  # whole lines
            start, end = region["startLine"] - 1, region["endLine"] - 1
            lines[start:end] = [replacement["insertedContent"]["text"]]
        path.write_text("".join(lines), encoding="utf-8")


def test_sarif_fixes_reproduce_fix_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    via_sarif = tmp_path / "via_sarif"
    via_fix = tmp_path / "via_fix"
    shutil.copytree(ROOT / "examples" / "legacy_oms", via_sarif, ignore=ignore)
    shutil.copytree(ROOT / "examples" / "legacy_oms", via_fix, ignore=ignore)

    monkeypatch.chdir(via_sarif)
    scanned = invoke("scan", ".", "--format", "sarif", "--fail-on", "never")
    assert scanned.exit_code == 0, scanned.output
    document = json.loads(scanned.output)
    validate_sarif(document)
    fixed = [r for r in document["runs"][0]["results"] if r.get("fixes")]
    assert {r["ruleId"] for r in fixed} <= {"CA101", "CA201"}  # safe fixes only
    apply_sarif_fixes(via_sarif, document)

    monkeypatch.chdir(via_fix)
    assert invoke("fix", ".", "--write").exit_code == 0

    def texts(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.py")}

    assert texts(via_sarif) == texts(via_fix)
    assert (via_sarif / "tiktok_bridge" / "ship_to_reject.py").is_file()
