"""Drive headless Chromium over the DevTools protocol with the standard library only.

Why the protocol rather than ``--dump-dom``: it tells us what a person would see after
the page's JavaScript ran (``Runtime.evaluate``), and it reports every network request
(``Network.requestWillBeSent``), console message, uncaught exception and CSP violation
(``Log.entryAdded``) as structured events, so "no network, no errors" is an assertion on
data, not a grep of log text. The WebSocket client below is the minimum RFC 6455 needs
for a local, trusted peer: masked text frames out, fragmented frames in, ping/pong, close.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Optional

CHROMIUM = shutil.which("chromium")
_LISTENING = re.compile(r"DevTools listening on (ws://[^\s]+)")


class CDPError(RuntimeError):
    pass


class WebSocket:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        match = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        if not match:
            raise CDPError(f"not a ws:// URL: {url}")
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode("ascii"))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise CDPError("connection closed during the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise CDPError(f"WebSocket handshake refused: {head!r}")

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise CDPError("connection closed")
            data += chunk
        return data

    def send_frame(self, payload: bytes, opcode: int = 0x1) -> None:
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text: str) -> None:
        self.send_frame(text.encode("utf-8"))

    def receive(self) -> str:
        parts: list[bytes] = []
        while True:
            first, second = self._exact(2)
            fin, opcode = first & 0x80, first & 0x0F
            size = second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._exact(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._exact(8))
            mask = self._exact(4) if second & 0x80 else b""
            payload = self._exact(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:  # ping
                self.send_frame(payload, opcode=0xA)
                continue
            if opcode == 0x8:
                raise CDPError("the browser closed the connection")
            if opcode in (0x0, 0x1, 0x2):
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode("utf-8")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.send_frame(b"", opcode=0x8)
        self.sock.close()


class Session:
    """One page target: commands with replies, and every event kept in order."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, since: int, timeout: float = 30.0) -> dict[str, Any]:
        """The first ``event`` logged at or after index ``since``, reading until it comes."""
        for message in self.events[since:]:
            if message["method"] == event:
                return message
        self.ws.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.receive())
            if "method" in message:
                self.events.append(message)
                if message["method"] == event:
                    return message
        raise CDPError(f"timed out waiting for {event}")

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise CDPError(f"evaluation failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def named(self, *methods: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["method"] in methods]


class Chromium:
    """A headless Chromium we start, talk to, and stop (only this process, by handle)."""

    def __init__(self, user_data_dir: Path) -> None:
        if CHROMIUM is None:
            raise CDPError("chromium is not installed")
        self.stderr_lines: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={user_data_dir}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        self.browser_url = self._wait_listening(timeout=60.0)
        self.port = int(re.match(r"ws://[^:]+:(\d+)/", self.browser_url).group(1))  # type: ignore[union-attr]

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.put(line)

    def _wait_listening(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.stderr_lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise CDPError(f"chromium exited with {self.process.returncode}") from None
                continue
            found = _LISTENING.search(line)
            if found:
                return found.group(1)
        raise CDPError("chromium did not open its DevTools port in time")

    def page(self) -> Session:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=10) as r:
            targets = json.loads(r.read().decode("utf-8"))
        page = next(t for t in targets if t.get("type") == "page")
        return Session(WebSocket(page["webSocketDebuggerUrl"]))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_page(session: Session, url: str, width: int = 1280, height: int = 900) -> None:
    """Enable the event domains, size the viewport, load ``url`` and wait for it."""
    for domain in ("Page", "Runtime", "Log", "Network"):
        session.call(f"{domain}.enable")
    session.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    mark = len(session.events)
    session.call("Page.navigate", {"url": url})
    session.wait_for("Page.loadEventFired", since=mark)


def reload(session: Session) -> None:
    mark = len(session.events)
    session.call("Page.reload", {"ignoreCache": True})
    session.wait_for("Page.loadEventFired", since=mark)


def problems(session: Session, page_url: str) -> list[str]:
    """Console errors and warnings, uncaught exceptions, CSP violations, and any request
    for something other than the page itself."""
    found = []
    for event in session.named("Runtime.exceptionThrown"):
        found.append(f"uncaught: {event['params']['exceptionDetails'].get('text')}")
    for event in session.named("Runtime.consoleAPICalled"):
        if event["params"]["type"] in ("error", "warning", "assert"):
            found.append(f"console {event['params']['type']}: {event['params']['args']}")
    for event in session.named("Log.entryAdded"):
        entry = event["params"]["entry"]
        if entry["level"] in ("error", "warning"):
            found.append(f"log {entry['level']} ({entry['source']}): {entry['text']}")
    for event in session.named("Network.requestWillBeSent"):
        url = event["params"]["request"]["url"]
        if url != page_url and not url.startswith("data:"):
            found.append(f"request: {url}")
    return found


def screenshot(session: Session, path: Path, width: int = 1280) -> None:
    """A full-page PNG: grow the viewport to the content height, then capture."""
    metrics = session.call("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    height = min(int(size["height"]) + 1, 16000)
    session.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    shot = session.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
