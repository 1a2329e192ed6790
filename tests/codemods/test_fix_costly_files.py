"""fix and SARIF fix planning parse where the scan does, and refuse files too costly to
rewrite: no crash, no hang, a reason per file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import codemods.cost
from cancel_audit_cli.cli import cli

URL = "https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{c}/reject"


def chain_file(path: Path, terms: int) -> None:
    chain = " or ".join(["a"] * terms)
    path.write_text(
        f'import requests\n\n\ndef run(c, a):\n    x = {chain}\n    requests.post(f"{URL}")\n',
        encoding="utf-8",
    )


def cancel_audit(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["fix", ".", "--check"],
        ["fix", "."],
        ["scan", ".", "--format", "sarif"],
        ["scan", ".", "--output", "sarif:out.sarif", "--output", "json:out.json"],
    ],
    ids=["fix-check", "fix-diff", "sarif", "outputs"],
)
def test_a_10000_term_or_chain_neither_crashes_nor_hangs(args: list[str], tmp_path: Path) -> None:
    chain_file(tmp_path / "app.py", 10_000)
    done = cancel_audit(args, tmp_path)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])  # -11: segfault
    if args[0] == "fix":
        assert "app.py: not fixed: expressions nest more than 1000 levels" in (
            done.stdout + done.stderr
        )
    if "--output" in args:
        assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"]
        assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["findings"]
    if "sarif" in args:
        results = json.loads(done.stdout)["runs"][0]["results"]
        assert results and not any("fixes" in r for r in results)


def test_a_short_chain_is_still_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chain_file(tmp_path / "app.py", 50)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fix", ".", "--write"])
    assert result.exit_code == 0, result.output
    assert "/reject" not in (tmp_path / "app.py").read_text(encoding="utf-8")


def test_a_file_over_the_size_bound_is_reported_not_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain_file(tmp_path / "app.py", 50)
    monkeypatch.setattr(codemods.cost, "MAX_REWRITE_BYTES", 100)
    monkeypatch.chdir(tmp_path)
    before = (tmp_path / "app.py").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["fix", ".", "--write"])
    assert result.exit_code == 1
    assert "app.py: not fixed: larger than 0 KB" in result.output
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == before
