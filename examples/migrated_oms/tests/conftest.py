"""Run the migrated bridge against the cancel-audit TikTok Shop sandbox over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXAMPLE_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(EXAMPLE_ROOT))
# The sandbox ships with the cancel-audit checkout this example lives in.
for _parent in EXAMPLE_ROOT.parents:
    if (_parent / "audit" / "sandbox").is_dir():
        sys.path.insert(0, str(_parent))
        break

pytest_plugins = ["audit.sandbox.pytest_plugin"]

from tiktok_bridge.client import ShopClient  # noqa: E402
from tiktok_bridge.config import Settings  # noqa: E402
from tiktok_bridge.transport import TikTokTransport  # noqa: E402


@pytest.fixture
def client(tts_sandbox, monkeypatch) -> ShopClient:
    """A ShopClient configured from the environment, pointed at the sandbox."""
    monkeypatch.setenv("TTS_BASE_URL", tts_sandbox.base_url)
    return ShopClient(TikTokTransport(Settings.from_env()))
