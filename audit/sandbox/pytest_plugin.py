"""pytest plugin: the ``tts_sandbox`` fixture and the ``sandbox`` marker.

Enable with ``-p audit.sandbox.pytest_plugin`` on the command line, or with
``pytest_plugins = ["audit.sandbox.pytest_plugin"]`` in a top-level conftest.py. Then::

    @pytest.mark.sandbox(scenario="mixed-batch", market="UK", as_of="2024-04-01")
    def test_ship(tts_sandbox):
        requests.post(tts_sandbox.url("/fulfillment/202309/packages/ship"), json=...)
        assert tts_sandbox.calls_to("reject_cancellation") == []

Without a marker the fixture serves the ``pending-cancel`` scenario. Indirect
parametrisation with a dict of the same keywords also works. ``app_secret="..."`` makes the
sandbox strict (it verifies every request's signature); sign with ``tts_sandbox.app_secret``
and :func:`audit.sandbox.signing.sign`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from audit.sandbox.harness import Sandbox

MARKER_HELP = (
    "sandbox(scenario='pending-cancel', market=None, as_of=None, **options): configure the "
    "tts_sandbox fixture (options: change_date, reject_deadline; strict mode, which verifies "
    "request signatures: app_secret, app_key, verify_signatures)"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


def sandbox_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The keyword arguments for :class:`Sandbox` from the marker and any indirect param."""
    options: dict[str, Any] = {}
    marker = request.node.get_closest_marker("sandbox")
    if marker is not None:
        if len(marker.args) > 1:
            raise pytest.UsageError("@pytest.mark.sandbox takes at most one positional scenario")
        if marker.args:
            options["scenario"] = marker.args[0]
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if isinstance(param, dict):
        options.update(param)
    elif param is not None:
        options["scenario"] = param
    return options


@pytest.fixture
def tts_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A started TikTok Shop sandbox on a free loopback port, stopped after the test."""
    with Sandbox(**sandbox_options(request)) as sb:
        yield sb
