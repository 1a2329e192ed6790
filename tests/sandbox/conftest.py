"""Shared helpers for the sandbox tests: the plugin, and a tiny JSON client."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `pytest` run without an installed package or `python -m`
    sys.path.insert(0, str(ROOT))

from audit.sandbox import Sandbox, pytest_plugin  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is not allowed in a non-root conftest; register the plugin by hand.
    if not config.pluginmanager.is_registered(pytest_plugin):
        config.pluginmanager.register(pytest_plugin, "audit.sandbox.pytest_plugin")


class Api:
    """POST/GET JSON against a sandbox and return (HTTP status, envelope)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.session = requests.Session()
        self.session.trust_env = False  # never route loopback calls through a proxy

    def post(
        self, path: str, body: Optional[dict[str, Any]] = None, **query: Any
    ) -> tuple[int, dict[str, Any]]:
        resp = self.session.post(self.sandbox.url(path), json=body or {}, params=query, timeout=5)
        return resp.status_code, resp.json()

    def get(self, path: str, **query: Any) -> tuple[int, dict[str, Any]]:
        resp = self.session.get(self.sandbox.url(path), params=query, timeout=5)
        return resp.status_code, resp.json()

    def raw(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.sandbox.url(path), timeout=5, **kwargs)


@pytest.fixture
def api(tts_sandbox: Sandbox) -> Api:
    return Api(tts_sandbox)


@pytest.fixture
def api_for() -> Callable[[Sandbox], Api]:
    return Api
