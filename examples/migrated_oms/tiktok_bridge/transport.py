"""Signed HTTP transport for the TikTok Shop Open API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Mapping, Optional

import requests

from .config import Settings


class TikTokAPIError(Exception):
    def __init__(self, code: int, message: str, request_id: str = "") -> None:
        super().__init__(f"TikTok API error {code}: {message} (request_id={request_id})")
        self.code = code
        self.message = message
        self.request_id = request_id


def sign(path: str, params: Mapping[str, Any], body: str, secret: str) -> str:
    """HMAC-SHA256 over ``secret + path + sorted k/v pairs + body + secret``."""
    pairs = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in ("sign", "access_token"))
    payload = f"{secret}{path}{pairs}{body}{secret}"
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


class TikTokTransport:
    def __init__(self, settings: Settings, session: Optional[requests.Session] = None) -> None:
        self.settings = settings
        self.session = session or requests.Session()

    def request(
        self,
        method: str,
        path: str,
        params: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Call ``path`` and return the envelope's ``data``; raise on ``code != 0``."""
        query: Dict[str, Any] = {k: v for k, v in (params or {}).items() if v is not None}
        query.update(app_key=self.settings.app_key, timestamp=str(int(time.time())))
        if self.settings.shop_cipher:
            query["shop_cipher"] = self.settings.shop_cipher
        raw_body = json.dumps(body, separators=(",", ":")) if body is not None else ""
        query["sign"] = sign(path, query, raw_body, self.settings.app_secret)
        response = self.session.request(
            method,
            self.settings.base_url + path,
            params=query,
            data=raw_body or None,
            headers={
                "x-tts-access-token": self.settings.access_token,
                "content-type": "application/json",
            },
            timeout=self.settings.timeout,
        )
        envelope = response.json()
        if envelope.get("code") != 0:
            raise TikTokAPIError(
                envelope.get("code", -1),
                envelope.get("message", ""),
                envelope.get("request_id", ""),
            )
        return envelope.get("data") or {}
