"""The sandbox under load and abuse: bursts, stalled clients, huge or chunked bodies,
every method, clients that hang up."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

import audit.sandbox.server as server
from audit.sandbox import Sandbox


def _raw(port: int, data: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _envelope(reply: bytes) -> dict[str, Any]:
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"application/json" in head, head
    data: dict[str, Any] = json.loads(body)
    assert set(data) == {"code", "message", "request_id", "data"}
    return data


def test_a_burst_of_200_connections_gets_no_reset(tts_sandbox: Sandbox) -> None:
    barrier = threading.Barrier(200)

    def call(_: int) -> int:
        barrier.wait()
        return len(_raw(tts_sandbox.port, b"GET /order/202309/orders?ids=1 HTTP/1.0\r\n\r\n"))

    with ThreadPoolExecutor(200) as pool:
        sizes = list(pool.map(call, range(200)))
    assert all(size > 0 for size in sizes)


def test_a_stalled_client_is_dropped_and_others_are_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert 0 < server.SandboxRequestHandler.timeout <= 30  # on by default
    monkeypatch.setattr(server.SandboxRequestHandler, "timeout", 0.5)
    with Sandbox() as sb:
        stalled = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
        stalled.sendall(
            b"POST /order/202309/orders/search HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"
        )
        started = time.monotonic()
        leftover = stalled.recv(65536)  # the server gives up on the body and answers
        assert time.monotonic() - started < 4
        stalled.close()
        assert leftover == b"" or leftover.startswith(b"HTTP/1.")
        reply = requests.post(sb.url("/order/202309/orders/search"), json={}, timeout=5)
        assert reply.json()["code"] == 0


def test_a_10_mb_body_gets_the_400_envelope_not_a_broken_pipe(tts_sandbox: Sandbox) -> None:
    body = b"x" * (10 * 1024 * 1024)
    reply = requests.post(
        tts_sandbox.url("/order/202309/orders/search"),
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 400
    assert reply.json()["code"] == 36009004


def test_a_chunked_body_is_refused_with_an_envelope(tts_sandbox: Sandbox) -> None:
    reply = _raw(
        tts_sandbox.port,
        b"POST /order/202309/orders/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    )
    assert reply.startswith(b"HTTP/1.0 411")
    assert "Content-Length" in _envelope(reply)["message"]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "BREW", "PROPFIND"])
def test_every_method_gets_the_json_envelope(tts_sandbox: Sandbox, method: str) -> None:
    reply = _raw(tts_sandbox.port, f"{method} /order/202309/orders HTTP/1.0\r\n\r\n".encode())
    assert reply.split(b" ")[1] in (b"404", b"405", b"501")
    assert _envelope(reply)["code"] in (36009009, 36009010)


def test_head_gets_the_envelope_headers_and_no_body(tts_sandbox: Sandbox) -> None:
    reply = requests.head(tts_sandbox.url("/order/202309/orders"), timeout=5)
    assert reply.headers["Content-Type"].startswith("application/json")
    assert int(reply.headers["Content-Length"]) > 0 and reply.content == b""


def test_bad_request_lines_get_the_envelope(tts_sandbox: Sandbox) -> None:
    reply = _raw(tts_sandbox.port, b"GET /x HTTP/9.9\r\n\r\n")
    assert _envelope(reply)["code"] == 36009004
    reply = _raw(tts_sandbox.port, b"GET /" + b"a" * 70000 + b" HTTP/1.0\r\n\r\n")
    assert _envelope(reply)["code"] in (36009004, 36009009)


def test_the_request_log_keeps_bounded_bodies(tts_sandbox: Sandbox) -> None:
    big = {"note": "x" * (4 * 1024 * 1024)}
    for _ in range(3):
        requests.post(tts_sandbox.url("/order/202309/orders/search"), json=big, timeout=30)
    entries = tts_sandbox.request_log[-3:]
    assert all(entry["body"]["truncated"] for entry in entries)
    assert len(json.dumps(entries)) < 10_000
    log = server.RequestLog(limit=3)
    for n in range(5):
        log.append({"n": n})
    assert [e["n"] for e in log.entries()] == [2, 3, 4]


def test_a_client_that_hangs_up_prints_no_traceback(
    tts_sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(20):
        conn = socket.create_connection(("127.0.0.1", tts_sandbox.port), timeout=5)
        conn.sendall(b"POST /order/202309/orders/search HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()  # RST: the server's read or write fails
    time.sleep(0.5)
    assert requests.get(tts_sandbox.url("/order/202309/orders"), timeout=5).status_code
    err = capsys.readouterr().err
    assert "Traceback" not in err
