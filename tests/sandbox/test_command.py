"""``cancel-audit sandbox``: option errors via CliRunner, and one real served run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from audit.sandbox.command import HOST_ENV, is_loopback, sandbox
from audit.sandbox.signing import sign

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(sandbox, list(args), env=env)
    return result.exit_code, result.output


def error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, output
    return lines[0]


def test_help_says_auth_is_not_verified() -> None:
    code, out = run("--help")
    assert code == 0
    assert "does NOT verify signatures or auth" in out
    for option in ("--port", "--host", "--market", "--scenario", "--as-of", "--log-requests"):
        assert option in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--scenario", "missing/file.yaml"], "does not exist"),
        (["--market", "USA"], "two-letter market code"),
        (["--as-of", "2024-02-30"], "'--as-of': must be a date like 2024-04-15, got '2024-02-30'"),
        (["--change-date", "soon"], "'--change-date': must be a date"),
        (["--port", "70000"], "70000"),
    ],
)
def test_bad_options_exit_2_with_one_sentence(args: list[str], needle: str) -> None:
    code, out = run(*args)
    assert code == 2, out
    assert needle in error_line(out)


def test_bad_scenario_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("market: US\norders:\n  - id: 1\n    packages: [1]\n    color: red\n")
    code, out = run("--scenario", str(path), "--port", "0")
    assert code == 2
    assert error_line(out) == (
        f"Error: scenario file {path}: orders[0] has unknown key 'color' "
        "(allowed: id, status, create_time, packages, line_items)."
    )


def test_port_in_use_exits_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out = run("--port", str(port))
    assert code == 2
    assert error_line(out) == (
        f"Error: port {port} on 127.0.0.1 is already in use; pick another with --port, "
        "or --port 0 for a free one."
    )


def test_non_loopback_host_from_environment_is_refused() -> None:
    code, out = run("--port", "0", env={HOST_ENV: "0.0.0.0"})
    assert code == 2
    assert "refusing to serve on non-loopback address 0.0.0.0" in error_line(out)


def test_explicit_non_loopback_host_warns() -> None:
    # 192.0.2.1 (TEST-NET-1) is never assigned locally, so binding fails after the warning
    code, out = run("--host", "192.0.2.1", "--port", "0")
    assert "Warning: serving on 192.0.2.1" in out
    assert code == 2
    assert "cannot listen on 192.0.2.1:0" in error_line(out)


def test_is_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.9.1", "localhost", "::1", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.1", "example.com", "::"]))


def test_serves_for_real_until_ctrl_c() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from audit.sandbox.command import sandbox; sandbox()",
            "--port",
            "0",
            "--market",
            "US",
            "--scenario",
            "pending-cancel",
            "--as-of",
            "2024-04-15",
            "--log-requests",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        banner = "".join(lines)
        assert "serving on http://127.0.0.1:" in banner, banner + proc.stderr.read()
        assert "5760001  AWAITING_SHIPMENT" in banner and "pending cancel 4030001" in banner
        assert "Reject Cancellation: retired" in banner
        url = banner.split("serving on ")[1].split()[0]
        session = requests.Session()
        session.trust_env = False
        reply = session.post(f"{url}/fulfillment/202309/packages/1150001/ship", json={}, timeout=5)
        assert reply.json()["code"] == 0
        reply = session.get(f"{url}/order/202309/orders", params={"ids": "5760001"}, timeout=5)
        order = reply.json()["data"]["orders"][0]
        assert (order["status"], order["is_buyer_request_cancel"]) == ("IN_TRANSIT", False)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "POST /fulfillment/202309/packages/1150001/ship -> HTTP 200 code 0" in out
    assert "Stopped." in out


def test_help_describes_strict_mode() -> None:
    code, out = run("--help")
    assert code == 0
    assert "--app-secret" in out and "--app-key" in out
    assert "106001" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--app-key", "k"], "--app-key is only checked in strict mode; pass --app-secret too."),
        (["--app-secret", ""], "--app-secret must not be empty."),
    ],
)
def test_bad_strict_mode_options_exit_2(args: list[str], needle: str) -> None:
    code, out = run("--port", "0", *args)
    assert code == 2, out
    assert error_line(out) == f"Error: {needle}"


def test_serves_strict_mode_with_app_secret_and_app_key() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    args = ["--port", "0", "--as-of", "2024-04-15", "--log-requests"]
    args += ["--app-secret", "cli-secret", "--app-key", "cli-key"]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from audit.sandbox.command import sandbox; sandbox()", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        banner = "".join(lines)
        assert "Strict mode: signatures are verified" in banner, banner + proc.stderr.read()
        assert "app_key cli-key" in banner
        assert "not verified" not in banner
        url = banner.split("serving on ")[1].split()[0]
        session = requests.Session()
        session.trust_env = False
        path = "/order/202309/orders"
        unsigned = session.get(url + path, params={"ids": "5760001"}, timeout=5)
        assert (unsigned.status_code, unsigned.json()["code"]) == (401, 106001)
        query = {"ids": "5760001", "app_key": "cli-key", "timestamp": "1713139200"}
        query["sign"] = sign("cli-secret", path, query, "")
        signed = session.get(url + path, params=query, timeout=5)
        assert (signed.status_code, signed.json()["code"]) == (200, 0)
        other_key = {**query, "app_key": "someone-else"}
        other_key["sign"] = sign("cli-secret", path, other_key, "")
        assert session.get(url + path, params=other_key, timeout=5).status_code == 401
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "GET /order/202309/orders -> HTTP 401 code 106001" in out
    assert "GET /order/202309/orders -> HTTP 200 code 0" in out
