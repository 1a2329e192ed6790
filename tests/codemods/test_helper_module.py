"""The generated ship_to_reject helper: valid, lint-clean, scan-clean, in both variants."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audit.config import Config
from audit.markets import Markets
from audit.scanner import ScanOptions, scan
from codemods.helper_module import ClientMethods, render_helper


@pytest.mark.parametrize("us_only", [True, False], ids=["us-only", "mixed-markets"])
def test_generated_helper_is_clean(tmp_path: Path, us_only: bool) -> None:
    helper = tmp_path / "ship_to_reject.py"
    helper.write_text(render_helper(ClientMethods(ship_package="shipPackage"), us_only=us_only))
    (tmp_path / "context.py").write_text('HEADER = "x-tts-access-token"\n')
    markets = ("US",) if us_only else ("US", "UK")
    result = scan(ScanOptions((tmp_path,), Config(markets=Markets(markets))))
    assert result.findings == ()  # its own lookups carry reasoned suppressions
    assert "client.shipPackage(" in helper.read_text()
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run(
        [
            *ruff,
            "check",
            "--isolated",
            "--line-length",
            "100",
            "--target-version",
            "py39",
            "--select",
            "E,F,W,B,UP",
            "--ignore",
            "UP007,UP045",  # Optional[...] keeps the helper readable on any target
            str(helper),
        ],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [*ruff, "format", "--isolated", "--line-length", "100", "--check", str(helper)],
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout


def test_mixed_market_helper_falls_back_to_reject_once() -> None:
    namespace: dict[str, object] = {}
    exec(compile(render_helper(ClientMethods(), us_only=False), "helper", "exec"), namespace)

    class Blocked(Exception):
        code = 21011007

    class Client:
        def __init__(self) -> None:
            self.calls: list[str] = []
            self.rejected = False

        def get_order_detail(self, ids: list[str]) -> list[dict[str, object]]:
            return [
                {
                    "id": ids[0],
                    "is_buyer_request_cancel": True,
                    "packages": [{"id": "p1"}, {"id": "p2"}],
                }
            ]

        def ship_package(self, package_id: str) -> None:
            self.calls.append(f"ship {package_id}")
            if not self.rejected:
                raise Blocked()

        def reject(self) -> None:
            self.calls.append("reject")
            self.rejected = True

    client = Client()
    ship_to_reject = namespace["ship_to_reject"]
    assert callable(ship_to_reject)
    shipped = ship_to_reject(client, order_id="o1", reject=client.reject)
    assert shipped == ["p1", "p2"]
    assert client.calls == ["ship p1", "reject", "ship p1", "ship p2"]
