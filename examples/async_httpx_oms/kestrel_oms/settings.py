"""Settings for the TikTok Shop jobs, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

DEFAULT_BASE_URL = "https://open-api.tiktokglobalshop.com"

#: Every Open API path we call is ``/{resource}/{API_VERSION}/{action}``.
API_VERSION = "202309"

#: Batch Ship Packages and Get Order Detail take at most this many ids.
MAX_IDS_PER_CALL = 50


@dataclass(frozen=True)
class Settings:
    base_url: str
    app_key: str
    app_secret: str
    access_token: str
    shop_cipher: str
    timeout: float = 20.0
    #: How many cancel requests the worker decides at the same time.
    concurrency: int = 4

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(
            base_url=env.get("TTS_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            app_key=env.get("TTS_APP_KEY", ""),
            app_secret=env.get("TTS_APP_SECRET", ""),
            access_token=env.get("TTS_ACCESS_TOKEN", ""),
            shop_cipher=env.get("TTS_SHOP_CIPHER", ""),
            timeout=float(env.get("TTS_TIMEOUT", "20")),
            concurrency=int(env.get("KESTREL_TTS_CONCURRENCY", "4")),
        )
