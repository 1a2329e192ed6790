from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.config import Config
from audit.findings import ScanResult
from audit.scanner import ScanOptions, scan

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"(?://|#)\s*expect:\s*(CA\d+)")


def expected(path: Path) -> set[tuple[int, str]]:
    """(line, rule) pairs the fixture marks with ``// expect: CA101`` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {(n, m.group(1)) for n, line in enumerate(lines, 1) for m in _EXPECT.finditer(line)}


def scan_paths(*paths: Path, **config: object) -> ScanResult:
    settings = {"min_confidence": "low", **config}
    return scan(ScanOptions(tuple(paths), Config(**settings)))  # type: ignore[arg-type]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
