"""Run the Harbor OMS jobs against the cancel-audit TikTok Shop sandbox over HTTP.

Every test module marks the sandbox strict (``app_secret=``): the sandbox then
verifies each request's signature, so the suite also covers the client's own
signing and query-string building.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXAMPLE_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(EXAMPLE_ROOT))
# The sandbox ships with the cancel-audit checkout this example lives in; outside the
# checkout it comes from the installed cancel-audit package.
for _parent in EXAMPLE_ROOT.parents:
    if (_parent / "audit" / "sandbox").is_dir():
        sys.path.insert(0, str(_parent))
        break

pytest_plugins = ["audit.sandbox.pytest_plugin"]

from harbor_oms.tiktok.client import TikTokShopClient  # noqa: E402


@pytest.fixture
def client(tts_sandbox, monkeypatch) -> TikTokShopClient:
    """A client configured from the environment, as in production, aimed at the sandbox."""
    monkeypatch.setenv("TTS_BASE_URL", tts_sandbox.base_url)
    monkeypatch.setenv("TTS_APP_KEY", "6bk2harbor")
    monkeypatch.setenv("TTS_APP_SECRET", tts_sandbox.app_secret)
    monkeypatch.setenv("TTS_ACCESS_TOKEN", "ROW_harbor-test-token")
    monkeypatch.setenv("TTS_SHOP_CIPHER", "ROW_harbor-us")
    return TikTokShopClient.from_env()
