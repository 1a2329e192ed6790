"""Fixtures for the report tests: the realistic repository scanned for real, the
catalog, the artifacts folder and a JSON writer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from report_helpers import LEGACY_SHOP, ROOT, write_tree

from audit.catalog import load_catalog
from audit.config import Config
from audit.findings import ScanResult
from audit.scanner import ScanOptions, scan


@pytest.fixture
def legacy_shop(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "legacy_shop", LEGACY_SHOP)


@pytest.fixture
def legacy_result(legacy_shop: Path) -> ScanResult:
    return scan(ScanOptions((legacy_shop,), Config()))


@pytest.fixture
def catalog() -> Any:
    return load_catalog()


@pytest.fixture
def artifacts() -> Path:
    path = Path(os.environ.get("CANCEL_AUDIT_ARTIFACTS", ROOT / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[str, ScanResult], Path]:
    def write(name: str, result: ScanResult) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(result.to_dict("0.0-test")), encoding="utf-8")
        return path

    return write
