"""``--changed-since REF`` in a real git repository with a branch and history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ci_helpers import CANCELS, Git, invoke, write

from audit.changed import ChangedFilesError, changed_python_files

REJECT = "# shop_cipher\n\n\ndef refuse(client, cid):\n    client.reject_cancellation(cid)\n"


def _history(git: Git) -> Path:
    """main: a.py, b.py; feature (from main): edits b.py, adds c.py; main moves on (f.py)."""
    root = git.root
    write(root, "a.py", REJECT)
    write(root, "b.py", REJECT)
    write(root, ".gitignore", "generated/\n")
    git.commit_all("initial")
    git("checkout", "-q", "-b", "feature")
    write(
        root, "b.py", REJECT + "\n\ndef again(client, cid):\n    client.reject_cancellation(cid)\n"
    )
    write(root, "pkg/c.py", CANCELS)
    write(root, "notes.md", "client.reject_cancellation(cid) shop_cipher\n")
    git.commit_all("feature work")
    git("checkout", "-q", "main")
    write(root, "f.py", REJECT)
    git.commit_all("main moves on")
    git("checkout", "-q", "feature")
    return root


def _paths(root: Path, *args: str) -> tuple[int, set[str]]:
    result = invoke("scan", ".", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, {f["path"] for f in json.loads(result.output)["findings"]}


def test_only_files_changed_since_the_merge_base_are_scanned(
    git_repo: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root)
    write(root, "d.py", REJECT)  # untracked: new code not yet added counts
    write(root, "generated/e.py", REJECT)  # untracked but ignored: not changed
    write(root, "a.py", REJECT + "# touched\n")  # unstaged edit of a tracked file
    status, paths = _paths(root, "--changed-since", "main")
    # f.py changed on main after the branch point: not this branch's change.
    assert paths == {"a.py", "b.py", "pkg/c.py", "d.py"}
    assert status == 1

    git_repo("stash", "-q", "--include-untracked")
    _, paths = _paths(root, "--changed-since", "main")
    assert paths == {"b.py", "pkg/c.py"}


def test_renamed_and_staged_files_count_and_deleted_ones_do_not(
    git_repo: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root)
    git_repo("mv", "a.py", "renamed.py")
    git_repo("rm", "-q", "b.py")
    _, paths = _paths(root, "--changed-since", "main")
    assert paths == {"renamed.py", "pkg/c.py"}


def test_nothing_changed_means_nothing_scanned(
    git_repo: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root)
    status, paths = _paths(root, "--changed-since", "HEAD")
    assert (status, paths) == (0, set())


def test_changed_since_with_a_baseline_keeps_unscanned_entries_out_of_fixed(
    git_repo: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root)
    assert invoke("baseline", "write", "--exclude", "pkg/").exit_code == 0
    result = invoke(
        "scan", ".", "--format", "json", "--changed-since", "main", "--baseline",
        ".cancel-audit-baseline.json",
    )  # fmt: skip
    data = json.loads(result.output)
    statuses = sorted((f["path"], f["status"]) for f in data["findings"])
    assert statuses == [
        ("b.py", "baselined"),
        ("b.py", "baselined"),
        ("pkg/c.py", "new"),
        ("pkg/c.py", "new"),
        ("pkg/c.py", "new"),
    ]
    assert data["fixed"] == []  # a.py and f.py were not scanned, so nothing is "fixed"
    assert result.exit_code == 1


def test_a_subfolder_scan_uses_the_repository_root(
    git_repo: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root / "pkg")
    changed = changed_python_files("main", [Path(".")])
    assert changed == frozenset({(root / "b.py").resolve(), (root / "pkg/c.py").resolve()})


def test_unknown_ref_exits_2(git_repo: Git, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root)
    result = invoke("scan", ".", "--changed-since", "no-such-branch")
    assert result.exit_code == 2
    assert "'no-such-branch' is not a known git revision" in result.output
    result = invoke("scan", ".", "--changed-since", "--output=x")
    assert result.exit_code == 2
    assert "is not a git revision" in result.output


def test_unrelated_history_exits_2(git_repo: Git, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _history(git_repo)
    monkeypatch.chdir(root)
    git_repo("checkout", "-q", "--orphan", "island")
    git_repo.commit_all("unrelated root")
    result = invoke("scan", ".", "--changed-since", "main")
    assert result.exit_code == 2
    assert "no common ancestor" in result.output


def test_outside_a_git_repository_exits_2(project: Path) -> None:
    write(project, "a.py", REJECT)
    result = invoke("scan", ".", "--changed-since", "main")
    assert result.exit_code == 2
    assert "is not inside a git repository, and --changed-since needs one." in result.output


def test_missing_git_is_a_clear_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(project))
    with pytest.raises(ChangedFilesError, match="git is not installed"):
        changed_python_files("main", [project])
