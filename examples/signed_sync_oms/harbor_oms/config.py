"""Settings and constants for the TikTok Shop integration.

Everything secret comes from the environment (see ``deploy/harbor-oms.env`` in
the infra repo); the constants below are product decisions, not secrets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

DEFAULT_BASE_URL = "https://open-api.tiktokglobalshop.com"

#: Version segment of every Open API path we call (``/order/202309/...``).
API_VERSION = "202309"

#: The DC has a daily carrier pickup booked through TikTok, so every package is
#: handed over by PICKUP (never DROP_OFF; nobody drives parcels to a depot).
HANDOVER_METHOD = "PICKUP"

#: Orders per page for Get Order List / Search Cancellations.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Settings:
    """Credentials for the one TikTok Shop US shop we operate."""

    base_url: str
    app_key: str
    app_secret: str
    access_token: str
    shop_cipher: str
    timeout: float = 20.0

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        missing = [k for k in ("TTS_APP_KEY", "TTS_APP_SECRET") if not env.get(k)]
        if missing:
            raise RuntimeError(f"missing TikTok Shop settings: {', '.join(missing)}")
        return cls(
            base_url=env.get("TTS_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            app_key=env["TTS_APP_KEY"],
            app_secret=env["TTS_APP_SECRET"],
            access_token=env.get("TTS_ACCESS_TOKEN", ""),
            shop_cipher=env.get("TTS_SHOP_CIPHER", ""),
            timeout=float(env.get("TTS_TIMEOUT", "20")),
        )
