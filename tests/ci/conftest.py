"""Fixtures for the CI-gate tests; helpers live in ci_helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ci_helpers import Git


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds environments or talks to PyPI (minutes)")


@pytest.fixture
def git_repo(tmp_path: Path) -> Git:
    assert shutil.which("git"), "git is needed for --changed-since and baseline tests"
    root = tmp_path / "repo"
    root.mkdir()
    git = Git(root)
    git("init", "-q", "-b", "main")
    return git


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder that is also the working directory (finding paths are relative)."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root
