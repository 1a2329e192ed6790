"""``--changed-since`` runs nothing the scanned repository configures: fsmonitor,
hooks, pager, external diff, textconv, filter drivers."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from ci_helpers import Git, invoke, write

from audit.changed import _git_command

REJECT = "# shop_cipher\n\n\ndef refuse(client, cid):\n    client.reject_cancellation(cid)\n"


def _trap(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "ran.txt"
    script = tmp_path / "trap.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, marker


def test_a_hostile_repository_config_runs_no_command(
    git_repo: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = git_repo.root
    script, marker = _trap(tmp_path)
    write(root, "a.py", REJECT)
    git_repo.commit_all("initial")
    hooks = root / "hooks"
    hooks.mkdir()
    for hook in ("post-index-change", "post-checkout", "fsmonitor-watchman", "pre-commit"):
        (hooks / hook).symlink_to(script)
    for key, value in {
        "core.fsmonitor": str(script),
        "core.hooksPath": str(hooks),
        "core.pager": str(script),
        "pager.diff": str(script),
        "diff.external": str(script),
        "diff.evil.textconv": str(script),
        "diff.evil.command": str(script),
        "filter.evil.clean": str(script),
        "filter.evil.smudge": str(script),
        "filter.evil.process": str(script),
        "filter.evil.required": "true",
    }.items():
        git_repo("config", key, value)
    write(root, ".gitattributes", "* filter=evil diff=evil\n")
    write(root, "a.py", REJECT + "# edited\n")
    os.utime(root / "a.py", (1_500_000_000, 1_500_000_000))  # stat-dirty: git looks inside
    write(root, "b.py", REJECT)
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(script))
    monkeypatch.setenv("GIT_PAGER", str(script))
    result = invoke("scan", ".", "--format", "json", "--changed-since", "HEAD")
    assert result.exit_code == 1, result.output
    assert {f["path"] for f in json.loads(result.output)["findings"]} == {"a.py", "b.py"}
    assert not marker.exists(), marker.read_text(encoding="utf-8")


def test_git_is_called_with_everything_that_runs_switched_off() -> None:
    command = _git_command(["diff", "--name-only"], ["lfs"])
    settings = {command[i + 1] for i, part in enumerate(command) if part == "-c"}
    assert command[:2] == ["git", "--no-pager"]
    assert {
        "core.fsmonitor=false",
        "core.hooksPath=/dev/null",
        "diff.external=",
        "core.pager=cat",
        "filter.lfs.clean=",
        "filter.lfs.process=",
    } <= settings
