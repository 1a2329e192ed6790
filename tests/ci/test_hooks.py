"""The pre-commit hook definitions and the GitHub Action, run for real where possible."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_helpers import CANCELS, CLEAN, REPO_ROOT, Git, clean_env, write

PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "LICENSE")
PACKAGE_DIRS = ("audit", "codemods", "reports", "cancel_audit_cli")


def _load(name: str) -> Any:
    return yaml.safe_load((REPO_ROOT / name).read_text(encoding="utf-8"))


def test_pre_commit_hooks_definition() -> None:
    hooks = {hook["id"]: hook for hook in _load(".pre-commit-hooks.yaml")}
    assert set(hooks) == {"cancel-audit", "cancel-audit-fix"}
    assert hooks["cancel-audit"]["entry"] == "cancel-audit scan"
    assert hooks["cancel-audit-fix"]["entry"] == "cancel-audit fix --write"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["require_serial"] is True


# --- the GitHub Action ------------------------------------------------------------------


def _action() -> dict[str, Any]:
    action: dict[str, Any] = _load("action.yml")
    return action


def _step(name: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in _action()["runs"]["steps"] if s["name"] == name)
    return step


def test_action_is_composite_with_the_documented_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "fail-on", "baseline", "sarif-file", "upload-sarif"}
    upload = _step("Upload SARIF")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    for step in action["runs"]["steps"]:
        # Inputs reach scripts through env only: no ${{ }} expansion inside a script.
        assert "${{" not in step.get("run", "")


def _run_step(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", _step(name)["run"]],
        cwd=cwd,
        env={**clean_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_scan_and_gate_steps(tmp_path: Path) -> None:
    runner_temp = tmp_path / "runner"
    (runner_temp / "cancel-audit-venv/bin").mkdir(parents=True)
    installed = Path(sys.executable).parent / "cancel-audit"
    (runner_temp / "cancel-audit-venv/bin/cancel-audit").symlink_to(installed)
    work = tmp_path / "work"
    write(work, "src/shop/cancel.py", CANCELS)
    write(work, "lib/clean.py", CLEAN)
    github_output = tmp_path / "github_output"
    env = {
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(github_output),
        "CA_PATHS": "src lib",
        "CA_FAIL_ON": "error",
        "CA_BASELINE": "",
        "CA_SARIF": "out.sarif",
    }
    done = _run_step("Scan", env, work)
    assert done.returncode == 0, done.stderr  # the step records the status, the gate fails
    assert "exit-code=1" in github_output.read_text()
    assert "::error file=src/shop/cancel.py,line=7," in done.stdout
    assert (work / "out.sarif").is_file()
    assert _run_step("Gate", {"CA_STATUS": "1"}, work).returncode == 1

    base = subprocess.run(
        [str(installed), "baseline", "write", "src", "lib", "-o", "base.json"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert base.returncode == 0, base.stderr
    github_output.write_text("")
    done = _run_step("Scan", {**env, "CA_BASELINE": "base.json"}, work)
    assert "exit-code=0" in github_output.read_text()
    assert "::error" not in done.stdout
    assert _run_step("Gate", {"CA_STATUS": "0"}, work).returncode == 0
    assert _run_step("Gate", {"CA_STATUS": ""}, work).returncode == 2


# --- pre-commit try-repo, for real ------------------------------------------------------


def _hook_repository(root: Path) -> Path:
    """A committed copy of this project: try-repo needs a git repository holding the hook."""
    repo = root / "hook-repo"
    repo.mkdir()
    for name in PACKAGE_FILES:
        if (REPO_ROOT / name).is_file():
            shutil.copy2(REPO_ROOT / name, repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PACKAGE_DIRS:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, repo / name, ignore=ignore)
    git = Git(repo)
    git("init", "-q", "-b", "main")
    git.commit_all("cancel-audit for try-repo")
    return repo


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path) -> None:
    # pre-commit is a declared test dependency: missing, this test fails rather than skips.
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    assert os.path.exists(pre_commit), "pre-commit is not installed: pip install -e '.[test]'"
    hook_repo = _hook_repository(tmp_path)
    target = tmp_path / "target"
    target.mkdir()
    git = Git(target)
    git("init", "-q", "-b", "main")
    write(target, "shop/cancel.py", CANCELS)
    write(target, "shop/notes.txt", "client.reject_cancellation(cid)  # not Python: not passed\n")
    git("add", "-A")
    env = {**clean_env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(hook_repo), "cancel-audit", "--all-files"],
            cwd=target,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    failed = try_repo()
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "cancel-audit" in output
    assert "Failed" in output
    assert "shop/cancel.py" in output
    assert "CA101" in output
    assert "notes.txt" not in output

    write(target, "shop/cancel.py", CLEAN)
    git("add", "-A")
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
