"""`cancel-audit fix` on two more legacy integrators, proven by their own test suites.

Each example has its own pytest suite against the sandbox in strict mode (every request
must carry a valid TikTok Shop signature): it fails as the API now behaves in the US,
and after ``fix --write --unsafe-fixes``, run from another directory, it passes. The
scan's ``fix`` field and what fix does agree, finding by finding.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXED_RULES = ("CA101", "CA201", "CA301")


@dataclass(frozen=True)
class Integrator:
    name: str
    package: str
    failing_before: frozenset[str]


INTEGRATORS = {
    "signed_sync_oms": Integrator(
        "signed_sync_oms",
        "harbor_oms",
        frozenset(
            {
                "test_cancel_worker.py::test_requests_on_packed_orders_end_rejected_by_shipping",
                "test_shipping_job.py::test_package_with_pending_cancel_request_stays_on_hold"
                "[one-package]",
                "test_shipping_job.py::test_package_with_pending_cancel_request_stays_on_hold"
                "[two-packages]",
            }
        ),
    ),
    "async_httpx_oms": Integrator(
        "async_httpx_oms",
        "kestrel_oms",
        frozenset(
            {
                "test_cancel_worker.py::"
                "test_packed_orders_cancel_requests_end_rejected_unpacked_approved",
                "test_order_sync.py::test_pending_cancel_orders_are_deferred_not_shipped",
            }
        ),
    ),
}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def cancel_audit(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(["-m", "audit", *args], cwd)


def failing_tests(root: Path) -> set[str]:
    suite = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", "tests"], root)
    assert "error" not in suite.stdout.splitlines()[-1], suite.stdout  # no setup errors
    return {m.group(1) for m in re.finditer(r"^FAILED tests/(\S+)", suite.stdout, re.M)}


def findings(root: Path) -> list[dict[str, Any]]:
    scan = cancel_audit(["scan", ".", "--format", "json", "--fail-on", "never"], root)
    found: list[dict[str, Any]] = json.loads(scan.stdout)["findings"]
    return [f for f in found if f["rule"] in FIXED_RULES]


def sites(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["path"], f["snippet"]) for f in found)


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


@pytest.fixture(params=list(INTEGRATORS))
def integrator(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Integrator, Path]:
    example = INTEGRATORS[request.param]
    copy = tmp_path / "repo" / example.name
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    shutil.copytree(ROOT / "examples" / example.name, copy, ignore=ignore)
    return example, copy


def test_fix_from_another_directory_keeps_what_the_code_meant(
    integrator: tuple[Integrator, Path], tmp_path: Path
) -> None:
    example, copy = integrator
    assert failing_tests(copy) == example.failing_before

    elsewhere = tmp_path / "elsewhere"  # neither the project nor a parent of it
    elsewhere.mkdir()
    relative = Path("..") / "repo" / example.name
    before = snapshot(copy)
    check = cancel_audit(["fix", str(relative), "--check", "--unsafe-fixes"], elsewhere)
    assert check.returncode == 1, check.stdout + check.stderr
    diff = cancel_audit(["fix", str(copy), "--unsafe-fixes"], elsewhere)  # absolute path
    assert diff.returncode == 1
    assert f"+++ b/{example.package}/ship_to_reject.py" in diff.stdout
    assert snapshot(copy) == before and list(elsewhere.iterdir()) == []

    due = findings(copy)
    fixable = [f for f in due if f["fix"] != "manual"]
    manual = [f for f in due if f["fix"] == "manual"]
    fixed = cancel_audit(["fix", str(relative), "--write", "--unsafe-fixes"], elsewhere)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert list(elsewhere.iterdir()) == []  # nothing written where fix was run from
    assert fixable
    assert f"Fixed {len(fixable)} finding(s)" in fixed.stdout
    assert f"; {len(manual)} need a manual change." in fixed.stdout
    # what the scan called fixable is gone; what it called manual is there, with a note
    assert sites(findings(copy)) == sites(manual)
    for finding in manual:
        assert f"{finding['path']}:{finding['line']}:{finding['column']}: " in fixed.stdout

    # its own suite, strict sandbox: held packages are still held, no Reject Cancellation
    assert failing_tests(copy) == set()

    after = snapshot(copy)
    again = cancel_audit(["fix", ".", "--write", "--unsafe-fixes"], copy)
    assert again.returncode == 0
    assert snapshot(copy) == after


def test_the_hold_moves_before_the_ship_call(tmp_path: Path) -> None:
    copy = tmp_path / "signed_sync_oms"
    shutil.copytree(ROOT / "examples" / "signed_sync_oms", copy)
    cancel_audit(["fix", ".", "--write", "--unsafe-fixes"], copy)
    shipping = (copy / "harbor_oms" / "shipping.py").read_text(encoding="utf-8")
    guard = shipping.index('if order.get("is_buyer_request_cancel"):')
    assert guard < shipping.index("self._hold(order[") < shipping.index("        try:\n")
    assert "AFTER_SALE_PENDING" not in shipping
    worker = (copy / "harbor_oms" / "cancellations.py").read_text(encoding="utf-8")
    # it ships the way the shipping job does: HANDOVER_METHOD, imported from config
    assert (
        'ship_to_reject( self.client, order_id=cancel["order_id"], handover_method="PICKUP", )'
        in " ".join(worker.split())
    )
    client = (copy / "harbor_oms" / "tiktok" / "client.py").read_text(encoding="utf-8")
    assert "def reject_cancellation" not in client  # its only caller ships to reject now
