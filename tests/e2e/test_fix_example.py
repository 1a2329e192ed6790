"""``cancel-audit fix`` on the example integrator, proven against the sandbox over HTTP.

The example's own test suite asserts the new behaviour (pending cancel requests end
rejected by shipping, no Reject Cancellation call, other orders ship as before). It fails
on the legacy code, for the right reason, and passes once ``fix --write`` has run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEGACY = ROOT / "examples" / "legacy_oms"
FIXED_RULES = ("CA101", "CA201", "CA301")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def scan_findings(root: Path) -> list[dict[str, Any]]:
    scan = run(["-m", "audit", "scan", ".", "--format", "json", "--fail-on", "never"], root)
    findings: list[dict[str, Any]] = json.loads(scan.stdout)["findings"]
    return findings


def sites(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["path"], f["snippet"]) for f in findings)


@pytest.fixture()
def legacy_copy(tmp_path: Path) -> Path:
    target = tmp_path / "legacy_oms"
    shutil.copytree(LEGACY, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return target


def test_unfixed_example_fails_against_the_sandbox(legacy_copy: Path) -> None:
    suite = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], legacy_copy)
    assert suite.returncode == 1, suite.stdout + suite.stderr
    assert "36009004" in suite.stdout  # the sandbox's "Reject Cancellation is retired"
    assert "1 failed" in suite.stdout


def test_fixed_example_passes_against_the_sandbox(legacy_copy: Path) -> None:
    unsafe = ["--unsafe-fixes"] if "CA301" in FIXED_RULES else []
    due = [f for f in scan_findings(legacy_copy) if f["rule"] in FIXED_RULES]
    fixable = [f for f in due if f["fix"] != "manual"]
    manual = [f for f in due if f["fix"] == "manual"]
    first = run(["-m", "audit", "fix", ".", "--write", *unsafe], legacy_copy)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (legacy_copy / "tiktok_bridge" / "ship_to_reject.py").is_file()

    # fix did what the scan said, finding by finding: what it called fixable is gone,
    # what it called manual is untouched and has a note; the summary counts findings
    left = [f for f in scan_findings(legacy_copy) if f["rule"] in FIXED_RULES]
    assert sites(left) == sites(manual)
    assert (len(fixable), len(manual)) == (8, 4)
    assert "Fixed 8 finding(s) in 5 file(s); 4 need a manual change." in first.stdout
    for finding in manual:
        assert f"{finding['path']}:{finding['line']}:{finding['column']}: " in first.stdout

    suite = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], legacy_copy)
    assert suite.returncode == 0, suite.stdout + suite.stderr

    before_second = snapshot(legacy_copy)
    second = run(["-m", "audit", "fix", ".", "--write", *unsafe], legacy_copy)
    assert second.returncode == 0, second.stdout + second.stderr
    assert snapshot(legacy_copy) == before_second


def test_diff_mode_writes_nothing_and_exits_1(legacy_copy: Path) -> None:
    before = snapshot(legacy_copy)
    result = run(["-m", "audit", "fix", "."], legacy_copy)
    assert result.returncode == 1
    assert "+++ b/tiktok_bridge/ship_to_reject.py" in result.stdout
    assert "-    return transport.request(" in result.stdout
    # the cancel worker ships as the shipping job does (ShippingJob's handover default)
    assert '+                        handover_method="DROP_OFF",' in result.stdout
    assert snapshot(legacy_copy) == before


MIXED_MARKET_RUN = """
import sys
sys.path.insert(0, ".")
from audit.sandbox import Sandbox
from tiktok_bridge.cancel_worker import CancelRequestWorker
from tiktok_bridge.client import ShopClient
from tiktok_bridge.config import Settings
from tiktok_bridge.transport import TikTokTransport
from tiktok_bridge.warehouse import InMemoryWarehouse
import os

market = sys.argv[1]
with Sandbox(scenario="pending-cancel", market=market, as_of="2024-04-15") as sb:
    os.environ["TTS_BASE_URL"] = sb.base_url
    client = ShopClient(TikTokTransport(Settings.from_env()))
    CancelRequestWorker(client, InMemoryWarehouse(packed={"5760003"})).run()
    print(sb.cancellation("4030003")["cancel_status"], len(sb.calls_to("reject_cancellation")),
          sorted(p["status"] for p in sb.state()["packages"] if p["order_id"] == "5760003"))
"""


def test_mixed_markets_fix_keeps_reject_cancellation_for_the_uk(legacy_copy: Path) -> None:
    fixed = run(
        [
            "-m",
            "audit",
            "fix",
            ".",
            "--write",
            "--unsafe-fixes",
            "--markets",
            "US,UK",
            "--rule",
            "CA101",
        ],
        legacy_copy,
    )
    assert "reject=lambda: self.client.reject_cancellation(" in (
        legacy_copy / "tiktok_bridge" / "cancel_worker.py"
    ).read_text(encoding="utf-8")
    assert "keep Reject Cancellation for UK" in fixed.stdout + fixed.stderr  # transport sites

    us = run(["-c", MIXED_MARKET_RUN, "US"], legacy_copy)
    assert us.returncode == 0, us.stderr
    assert us.stdout.split()[:2] == ["REJECTED", "0"]  # shipped; no Reject Cancellation call

    uk = run(["-c", MIXED_MARKET_RUN, "UK"], legacy_copy)
    assert uk.returncode == 0, uk.stderr
    assert uk.stdout.split()[:2] == ["REJECTED", "1"]  # shipping blocked: rejected, then shipped
    assert "SHIPPED" in uk.stdout
