"""``Sandbox``: start the simulator on a loopback port, seed it, inspect it, stop it."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from types import TracebackType
from typing import Any, Optional, Union

from audit.sandbox.routes import ENDPOINT_NAMES
from audit.sandbox.rules import Rules
from audit.sandbox.scenario import Scenario, ScenarioSource, load_scenario
from audit.sandbox.server import RequestHook, RequestLog, SandboxServer, server_class
from audit.sandbox.signing import Verifier
from audit.sandbox.state import SandboxState

DateLike = Union[dt.date, str, None]


class Sandbox:
    """A running TikTok Shop simulator; use as a context manager or call start()/stop().

    ``scenario`` is a built-in name, a YAML path, a dict or a loaded :class:`Scenario`;
    ``market``, ``as_of``, ``change_date`` and ``reject_deadline`` override the scenario's.
    ``port=0`` (the default) picks a free port; ``on_request`` is called with each log entry.

    Strict mode: ``app_secret="..."`` (or ``verify_signatures=True``, which makes up a random
    secret when none is given) checks every request's ``sign`` against that secret and
    requires ``app_key``, ``timestamp`` and ``sign``; ``app_key="..."`` also requires that
    app key. Refusals are HTTP 401, code 106001. Off by default: nothing is checked.
    """

    def __init__(
        self,
        scenario: Union[ScenarioSource, Scenario] = "pending-cancel",
        market: Optional[str] = None,
        as_of: DateLike = None,
        *,
        change_date: DateLike = None,
        reject_deadline: DateLike = None,
        host: str = "127.0.0.1",
        port: int = 0,
        on_request: Optional[RequestHook] = None,
        poll_interval: float = 0.02,
        verify_signatures: Optional[bool] = None,
        app_secret: Optional[str] = None,
        app_key: Optional[str] = None,
    ) -> None:
        if app_secret == "":
            raise ValueError("app_secret must not be empty")
        if verify_signatures is None:
            verify_signatures = app_secret is not None
        if app_key is not None and not verify_signatures:
            raise ValueError("app_key is only checked with verify_signatures; pass app_secret=")
        self._app_secret = app_secret
        self._verifier: Optional[Verifier] = None
        if verify_signatures:
            self._app_secret = app_secret or secrets.token_hex(16)
            self._verifier = Verifier(self._app_secret, app_key)
        loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.scenario = loaded.with_overrides(market, as_of, change_date, reject_deadline)
        self.host = host
        self._port = port
        self._on_request = on_request
        self._poll_interval = poll_interval  # how fast stop() returns
        self._log = RequestLog()
        self._state = SandboxState(self.scenario, self.scenario.as_of or dt.date.today())
        self._server: Optional[SandboxServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind and serve in a background thread; raises OSError if the port is taken."""
        if self._server is not None:
            return self
        server = server_class(self.host)(
            (self.host, self._port), self._state, self._log, self._on_request, self._verifier
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": self._poll_interval},
            name=f"tts-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- inspection ----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        return int(self._server.server_address[1])

    @property
    def verify_signatures(self) -> bool:
        """Strict mode: every request must be signed with :attr:`app_secret`."""
        return self._verifier is not None

    @property
    def app_secret(self) -> Optional[str]:
        """The secret clients sign with (made up if ``verify_signatures=True`` came alone)."""
        return self._app_secret

    @property
    def app_key(self) -> Optional[str]:
        """The only app key strict mode accepts; None: any."""
        return None if self._verifier is None else self._verifier.app_key

    @property
    def rules(self) -> Rules:
        """Which behaviour applies: market, simulated date, change date, deadline."""
        return self._state.rules

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() or use `with`")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        """``base_url`` joined with an API path such as ``/order/202309/orders/search``."""
        return self.base_url + "/" + path.lstrip("/")

    @property
    def request_log(self) -> list[dict[str, Any]]:
        """A copy of the log: ``{method, path, query, body, status, code, endpoint}`` each.

        In strict mode each entry also has ``signature_valid``: False for a request refused
        for its credentials (or whose body could not be read), True otherwise.
        """
        return self._log.entries()

    def clear_log(self) -> None:
        self._log.clear()

    def state(self) -> dict[str, Any]:
        """The shop now: ``{market, as_of, orders, cancellations, packages, ...}``."""
        return self._state.dump()

    def calls_to(self, endpoint_name: str) -> list[dict[str, Any]]:
        """Log entries whose path is that endpoint's (any version, any method)."""
        if endpoint_name not in ENDPOINT_NAMES:
            raise ValueError(
                f"unknown endpoint name {endpoint_name!r}; use one of {', '.join(ENDPOINT_NAMES)}"
            )
        return [e for e in self.request_log if e["endpoint"] == endpoint_name]

    # -- convenience for tests -----------------------------------------------------------

    def order(self, order_id: str) -> dict[str, Any]:
        return _one(self.state()["orders"], "id", order_id)

    def package(self, package_id: str) -> dict[str, Any]:
        return _one(self.state()["packages"], "id", package_id)

    def cancellation(self, cancel_id: str) -> dict[str, Any]:
        return _one(self.state()["cancellations"], "cancel_id", cancel_id)


def _one(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    for item in items:
        if item[key] == value:
            return item
    raise KeyError(f"no {key} {value!r} in the sandbox")
