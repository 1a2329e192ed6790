"""Smaller hardening cases: special files, late NUL bytes, two roots with the same
names, a scan result cut short."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli

REJECT = (
    "import requests\n"
    'requests.post("https://open-api.tiktokglobalshop.com/return_refund/202309/'
    'cancellations/1/reject")\n'
)


def scan_json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["scan", *args, "--format", "json"])
    assert "internal error" not in result.output, result.output
    return result.exit_code, json.loads(result.output)


@pytest.mark.skipif(sys.platform == "win32", reason="no FIFOs or Unix sockets")
def test_fifos_sockets_and_links_to_them_are_skipped_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe.py")
    os.symlink("pipe.py", "link.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind("sock.py")
    try:
        code, data = scan_json(".")
    finally:
        server.close()
    assert {s["path"]: s["reason"] for s in data["skipped"]} == {
        "pipe.py": "not a regular file (a FIFO)",
        "link.py": "symlink to a FIFO",
        "sock.py": "not a regular file (a socket)",
    }
    assert code == 0


def test_a_nul_byte_after_the_binary_probe_is_a_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("late.py").write_bytes(REJECT.encode() + b"#" * 9000 + b"\n\x00\n")
    Path("good.py").write_text(REJECT, encoding="utf-8")
    code, data = scan_json(".")
    assert code == 1
    assert data["errors"] == [
        {
            "path": "late.py",
            "message": "cannot read as source: a NUL byte on line 4 (a binary file?)",
        }
    ]
    assert [f["path"] for f in data["findings"]] == ["good.py"]


def test_two_roots_outside_the_working_directory_keep_their_names_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "cwd"):
        (tmp_path / name).mkdir()
    (tmp_path / "a" / "mod.py").write_text(REJECT, encoding="utf-8")
    (tmp_path / "b" / "mod.py").write_text(REJECT, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "cwd")
    _, data = scan_json("../a", "../b")
    assert sorted(f["path"] for f in data["findings"]) == ["a/mod.py", "b/mod.py"]
    assert len({f["fingerprint"] for f in data["findings"]}) == 2
    sarif = json.loads(
        CliRunner().invoke(cli, ["scan", "../a", "../b", "--format", "sarif"]).output
    )
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    )
    assert uris == ["a/mod.py", "b/mod.py"]
    _, single = scan_json("../a")
    assert [f["path"] for f in single["findings"]] == ["mod.py"]  # one root: as before


def test_a_scan_result_cut_short_is_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cut.json").write_text('{"schema_version": 1}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--from", "cut.json", "-o", "r.md"])
    assert result.exit_code == 2
    assert "cut.json is not a complete scan result (no findings or summary)" in result.output
    assert not Path("r.md").exists()


def test_a_file_with_only_cr_newlines_keeps_its_last_one_after_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = "https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{c}/reject"
    Path("app.py").write_bytes(
        f'import requests\r\r\rdef run(c):\r    requests.post(f"{url}")\r'.encode()
    )
    result = CliRunner().invoke(cli, ["fix", ".", "--write"])
    assert result.exit_code == 0, result.output
    data = Path("app.py").read_bytes()
    assert data.endswith(b")\r") and b"\n" not in data and b"/reject" not in data
    assert "Would fix 0 finding(s)" in CliRunner().invoke(cli, ["fix", ".", "--check"]).output
