"""The ``tts_sandbox`` fixture and the ``sandbox`` marker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from audit.sandbox import Sandbox
from audit.sandbox.pytest_plugin import sandbox_options

ROOT = Path(__file__).resolve().parents[2]


def test_fixture_defaults_to_pending_cancel(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.scenario.name == "pending-cancel"
    assert tts_sandbox.base_url.startswith("http://127.0.0.1:")
    assert tts_sandbox.request_log == []


@pytest.mark.sandbox(scenario="mixed-batch", market="UK", as_of="2024-05-01")
def test_marker_keywords_configure_the_fixture(tts_sandbox: Sandbox) -> None:
    state = tts_sandbox.state()
    assert (state["market"], state["as_of"]) == ("UK", "2024-05-01")
    assert tts_sandbox.scenario.name == "mixed-batch"
    assert tts_sandbox.rules.ship_rejects_pending_cancel("202309") is False


@pytest.mark.sandbox("legacy")
def test_marker_takes_a_positional_scenario(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.scenario.name == "legacy"


@pytest.mark.sandbox(scenario={"market": "ID", "orders": [{"id": "O1", "packages": ["P1"]}]})
def test_marker_takes_a_scenario_dict(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.state()["market"] == "ID"


@pytest.mark.parametrize(
    "tts_sandbox", [{"market": "MY"}, {"scenario": "legacy", "market": "TH"}], indirect=True
)
def test_indirect_parametrisation(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.state()["market"] in {"MY", "TH"}


def test_each_test_gets_a_fresh_sandbox(tts_sandbox: Sandbox, api: Any) -> None:
    # runs after tests that shipped packages: nothing of theirs is visible here
    assert tts_sandbox.package("1150001")["status"] == "PROCESSING"


def test_two_positional_arguments_are_refused() -> None:
    marker = pytest.mark.sandbox("a", "b").mark
    request = SimpleNamespace(node=SimpleNamespace(get_closest_marker=lambda name: marker))
    with pytest.raises(pytest.UsageError, match="at most one positional"):
        sandbox_options(request)  # type: ignore[arg-type]


def test_plugin_works_standalone_with_strict_markers(tmp_path: Path) -> None:
    (tmp_path / "test_uses_plugin.py").write_text(
        textwrap.dedent(
            """
            import pytest, requests

            @pytest.mark.sandbox(scenario="pending-cancel", market="US", as_of="2024-04-15")
            def test_ship(tts_sandbox):
                url = tts_sandbox.url("/fulfillment/202309/packages/1150001/ship")
                assert requests.post(url, json={}, timeout=5).json()["code"] == 0
                assert tts_sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"
                assert len(tts_sandbox.calls_to("ship_package")) == 1
                assert tts_sandbox.calls_to("reject_cancellation") == []
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "audit.sandbox.pytest_plugin",
            "--strict-markers",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    markers = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "audit.sandbox.pytest_plugin", "--markers"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "@pytest.mark.sandbox(scenario='pending-cancel'" in markers.stdout
