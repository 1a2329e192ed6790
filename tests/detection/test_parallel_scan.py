"""The process pool gives the same result as the serial scan, in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import audit.scanner
from audit.config import Config
from audit.scanner import ScanOptions, scan

MODULE = """\
SHOP_CIPHER = "c"
AFTER_SALE = 21011007


def reject(client, cancel):
    client.reject_cancellation(cancel["cancel_id"])


def ship_all(client, ids):
    for package_id in ids:
        try:
            client.ship_package(package_id)
        except ApiError as exc:
            if exc.code == AFTER_SALE:
                continue
"""


def test_process_pool_matches_the_serial_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(6):
        (tmp_path / f"m{index}.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "broken.py").write_text("shop_cipher = (\n", encoding="utf-8")
    serial = scan(ScanOptions((tmp_path,), Config(jobs=1)))
    monkeypatch.setattr(audit.scanner, "_PARALLEL_MIN_BYTES", 0)
    pooled: list[int] = []
    real = audit.scanner._scan_in_processes

    def spy(*args: Any) -> Any:
        outcomes = real(*args)
        pooled.append(len(outcomes))  # only reached when the pool really ran
        return outcomes

    monkeypatch.setattr(audit.scanner, "_scan_in_processes", spy)
    parallel = scan(ScanOptions((tmp_path,), Config(jobs=2)))
    assert pooled == [7]
    assert parallel == serial
    assert len(serial.findings) == 6 * 4 and len(serial.errors) == 1
