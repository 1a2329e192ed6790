"""Runtime configuration, read from the environment (12-factor style)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

DEFAULT_BASE_URL = "https://open-api.tiktokglobalshop.com"

#: Version segment of every Open API path we call (``/order/202309/...``).
API_VERSION = "202309"

#: Our own warehouse id in the Acme OMS (not a TikTok identifier).
DEFAULT_WAREHOUSE_ID = 2101100


@dataclass(frozen=True)
class Settings:
    """Credentials and endpoints for one authorised TikTok Shop."""

    base_url: str
    app_key: str
    app_secret: str
    access_token: str
    shop_cipher: str
    timeout: float = 15.0

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(
            base_url=env.get("TTS_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            app_key=env.get("TTS_APP_KEY", ""),
            app_secret=env.get("TTS_APP_SECRET", ""),
            access_token=env.get("TTS_ACCESS_TOKEN", ""),
            shop_cipher=env.get("TTS_SHOP_CIPHER", ""),
            timeout=float(env.get("TTS_TIMEOUT", "15")),
        )
