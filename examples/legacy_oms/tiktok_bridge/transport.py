"""Signed HTTP transport for the TikTok Shop Open API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlsplit

import requests

from .config import Settings

#: Query parameters that never take part in the signature.
_UNSIGNED = frozenset({"sign", "access_token"})


class TikTokAPIError(Exception):
    """A response envelope with ``code != 0``."""

    def __init__(
        self, code: int, message: str, request_id: str = "", data: Optional[Dict[str, Any]] = None
    ) -> None:
        super().__init__(f"TikTok API error {code}: {message} (request_id={request_id})")
        self.code = code
        self.message = message
        self.request_id = request_id
        self.data = data or {}


def sign(path: str, params: Mapping[str, Any], body: str, secret: str) -> str:
    """TikTok Shop request signature (HMAC-SHA256, hex).

    ``secret + path + k1v1k2v2... (sorted by key) + body + secret``, keyed
    with the app secret.
    """
    pairs = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in _UNSIGNED)
    payload = f"{secret}{path}{pairs}{body}{secret}"
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


class TikTokTransport:
    """Adds auth to every call and unwraps the ``{code, message, request_id, data}`` envelope."""

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
        """Call ``path`` and return the envelope's ``data`` (``{}`` when absent).

        ``path`` may also be a full URL copied from the partner docs; its host is
        replaced by the configured base URL so staging setups keep working.
        """
        if path.startswith(("http://", "https://")):
            path = urlsplit(path).path
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
        try:
            envelope = response.json()
        except ValueError:
            raise TikTokAPIError(-1, f"non-JSON response (HTTP {response.status_code})") from None

        code = int(envelope.get("code", -1))
        if code != 0:
            raise TikTokAPIError(
                code,
                envelope.get("message", ""),
                envelope.get("request_id", ""),
                envelope.get("data"),
            )
        return envelope.get("data") or {}
