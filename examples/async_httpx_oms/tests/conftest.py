"""Run the Kestrel jobs against the cancel-audit TikTok Shop sandbox over HTTP.

The sandbox runs in strict mode (``app_secret=`` on the marker): it checks every
request's signature, so these tests also cover ``kestrel_oms.tts.sign``.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

import pytest

EXAMPLE_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(EXAMPLE_ROOT))
# The sandbox ships with the cancel-audit checkout this example lives in; outside
# the checkout it comes from the installed cancel-audit package.
for _parent in EXAMPLE_ROOT.parents:
    if (_parent / "audit" / "sandbox").is_dir():
        sys.path.insert(0, str(_parent))
        break

pytest_plugins = ["audit.sandbox.pytest_plugin"]

from kestrel_oms.settings import Settings  # noqa: E402
from kestrel_oms.tts import TikTokShop  # noqa: E402

T = TypeVar("T")


@pytest.fixture
def settings(tts_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings from the environment, pointed at the sandbox with its app secret."""
    monkeypatch.setenv("TTS_BASE_URL", tts_sandbox.base_url)
    monkeypatch.setenv("TTS_APP_KEY", "6a8kestrel")
    monkeypatch.setenv("TTS_APP_SECRET", tts_sandbox.app_secret)
    monkeypatch.setenv("TTS_ACCESS_TOKEN", "ROW_kestrel-test-token")
    monkeypatch.setenv("TTS_SHOP_CIPHER", "ROW_kestrel-us")
    return Settings.from_env()


@pytest.fixture
def with_shop(settings: Settings) -> Callable[[Callable[[TikTokShop], Awaitable[T]]], T]:
    """``with_shop(lambda shop: job(shop))``: run a coroutine on a fresh client."""

    def run(job: Callable[[TikTokShop], Awaitable[T]]) -> T:
        async def main() -> T:
            async with TikTokShop(settings) as shop:
                return await job(shop)

        return asyncio.run(main())

    return run
