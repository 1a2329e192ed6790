"""Fixtures for the scanner-pipeline tests; helpers live in scan_helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project that is the working directory, so finding paths are relative to it.

    It holds a ``.git`` folder: the repository root, where the search for config files and
    parent ``.gitignore`` files stops.
    """
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return root
