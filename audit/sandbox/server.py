"""HTTP plumbing: a loopback ``ThreadingHTTPServer`` that speaks TikTok's JSON envelope.

Each request is checked (in strict mode, its signature: see :mod:`audit.sandbox.signing`),
routed, handled against the shared :class:`SandboxState`, logged, and answered with
``{code, message, request_id, data}``. Nothing escapes as a stack trace or
a dropped connection: unexpected exceptions become an HTTP 500 internal-error envelope.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import datetime as dt
import json
import socket
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, urlsplit

from audit.sandbox import errors, routes
from audit.sandbox.errors import ApiError, invalid
from audit.sandbox.handlers import Request
from audit.sandbox.signing import Verifier
from audit.sandbox.state import SandboxState

MAX_BODY = 5 * 1024 * 1024
# A bigger body is read and thrown away (so the client gets its 400, not a broken pipe)
# up to this much; beyond it the connection is closed after the answer.
MAX_DRAIN = 64 * 1024 * 1024
JSON_TYPES = ("application/json", "text/json")
LISTEN_BACKLOG = 512  # socketserver's default of 5 resets connections in a burst
CONNECTION_TIMEOUT = 10.0  # seconds a slow or half-sent request may hold its thread
LOG_BODY_LIMIT = 64 * 1024  # bytes of a body the request log keeps
LOG_ENTRIES = 10_000  # the request log keeps the latest this many

LogEntry = dict[str, Any]
RequestHook = Callable[[LogEntry], None]


def new_request_id() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    return stamp + uuid.uuid4().hex[:20].upper()


def envelope(code: int, message: str, data: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": new_request_id(), "data": data or {}}


class RequestLog:
    """Every request the sandbox answered, oldest first; safe to read from any thread."""

    def __init__(self, limit: int = LOG_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[LogEntry] = collections.deque(maxlen=limit)

    def append(self, entry: LogEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[LogEntry]:
        with self._lock:
            return copy.deepcopy(list(self._entries))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is not an error worth a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def __init__(
        self,
        address: tuple[str, int],
        state: SandboxState,
        log: RequestLog,
        on_request: Optional[RequestHook] = None,
        verifier: Optional[Verifier] = None,
    ) -> None:
        self.state = state
        self.log = log
        self.on_request = on_request
        self.verifier = verifier  # None: signatures are not checked
        super().__init__(address, SandboxRequestHandler)


class SandboxServer6(SandboxServer):
    address_family = socket.AF_INET6


def server_class(host: str) -> type[SandboxServer]:
    return SandboxServer6 if ":" in host else SandboxServer


class SandboxRequestHandler(BaseHTTPRequestHandler):
    server: SandboxServer
    server_version = "tts-sandbox/1"
    timeout = CONNECTION_TIMEOUT  # per connection: a stalled client frees its thread

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):  # the client went away
            super().handle()

    def send_error(
        self, code: int, message: Optional[str] = None, explain: Optional[str] = None
    ) -> None:
        """The stdlib's own errors (unknown method, bad request line, headers too long)
        in TikTok's JSON envelope, not an HTML page."""
        self.close_connection = True
        self.request_version = "HTTP/1.0"  # a refused request line: answer with headers
        api_code = {
            404: errors.INVALID_PATH,
            405: errors.INVALID_METHOD,
            501: errors.INVALID_METHOD,
        }
        reply = envelope(
            api_code.get(code, errors.INVALID_PARAMETER), message or explain or "Bad request"
        )
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._send(code, reply)

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_TRACE(self) -> None:
        self._dispatch()

    def do_CONNECT(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's stderr access log; the request log replaces it."""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        entry: LogEntry = {
            "method": self.command,
            "path": parts.path,
            "query": query,
            "body": None,
            "status": 500,
            "code": errors.INTERNAL_ERROR,
            "endpoint": routes.endpoint_of(parts.path),
        }
        verifier = self.server.verifier
        if verifier is not None:
            entry["signature_valid"] = False  # until checked
        try:
            raw = self._read_body()
            entry["body"] = _loggable(raw)
            if verifier is not None:
                content_type = self.headers.get("Content-Type") or ""
                verifier.check(parts.path, query, raw, content_type)
                entry["signature_valid"] = True
            status, reply = self._answer(parts.path, query, raw)
        except ApiError as exc:
            status, reply = exc.http_status, envelope(exc.code, exc.message)
        except Exception as exc:  # never a stack trace or a dropped connection
            status = 500
            reply = envelope(errors.INTERNAL_ERROR, f"Internal error: {type(exc).__name__}: {exc}")
        entry["status"], entry["code"] = status, reply["code"]
        self.server.log.append(entry)  # before replying, so a client sees its own call
        if self.server.on_request is not None:
            # a broken hook must not cost the client its answer
            with contextlib.suppress(Exception):
                self.server.on_request(copy.deepcopy(entry))
        self._send(status, reply)

    def _answer(self, path: str, query: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        found = routes.match(self.command, path)
        if found.route is None:
            if found.allowed:
                raise ApiError(
                    errors.INVALID_METHOD,
                    f"Invalid method: {path} accepts {', '.join(found.allowed)}, "
                    f"not {self.command}",
                    405,
                )
            raise ApiError(errors.INVALID_PATH, f"Invalid path: {path}", 404)
        body = self._parse_json(raw)
        request = Request(self.command, path, query, body, found.params)
        data = found.route.handler(self.server.state, request)
        return 200, envelope(errors.SUCCESS, "Success", data)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise ApiError(
                errors.INVALID_PARAMETER,
                "Transfer-Encoding is not supported: send the body with a Content-Length",
                411,
            )
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        if not length_text.isdigit() or int(length_text) > MAX_BODY:
            self.close_connection = True
            if length_text.isdigit() and int(length_text) <= MAX_DRAIN:
                self._discard(int(length_text))
            raise invalid(f"Content-Length must be a number of bytes up to {MAX_BODY}")
        return self.rfile.read(int(length_text))

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                return
            length -= len(chunk)

    def _parse_json(self, raw: bytes) -> dict[str, Any]:
        if not raw.strip():
            return {}
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media and media not in JSON_TYPES:
            raise invalid(f"Content-Type must be application/json, got {media}")
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise invalid(f"Request body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise invalid("Request body must be a JSON object")
        return body

    def _send(self, status: int, reply: dict[str, Any]) -> None:
        payload = json.dumps(reply).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has the envelope's headers, no body
            self.wfile.write(payload)


def _loggable(raw: bytes) -> Any:
    """The body as logged: parsed JSON when it parses, else the text, else None; a body
    over LOG_BODY_LIMIT is logged by its size only, so the log's memory stays bounded."""
    if not raw:
        return None
    if len(raw) > LOG_BODY_LIMIT:
        return {"truncated": True, "bytes": len(raw)}
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
