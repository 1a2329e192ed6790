"""--changed-since reports changed files in every language scan reads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli

REJECT_TS = (
    "export const r = (h: any, id: string) =>"
    " h.post(`/return_refund/202309/cancellations/${id}/reject`);\n"
)
REJECT_PHP = "<?php\n$p = '/return_refund/202309/cancellations/1/reject';\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_changed_typescript_file_is_scanned_and_unchanged_php_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "old.php").write_text(REJECT_PHP, encoding="utf-8")
    git(tmp_path, "add", "old.php")
    git(tmp_path, "commit", "-q", "-m", "base")
    (tmp_path / "new.ts").write_text(REJECT_TS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--changed-since", "HEAD", "."])
    data = json.loads(result.output)
    assert [(f["path"], f["language"]) for f in data["findings"]] == [("new.ts", "typescript")]
