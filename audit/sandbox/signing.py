"""TikTok Shop's request signature: ``sign()`` for clients and tests, ``Verifier`` for strict mode.

The documented algorithm: take the query parameters except ``sign`` and ``access_token``,
sort them by key and concatenate each ``key + value``; the string to sign is
``app_secret + path + those pairs + body + app_secret``, where ``path`` is the URL path (no
host, no query) and ``body`` the raw request body (empty when there is none, and for
``multipart/form-data``). ``sign`` is the lowercase hex HMAC-SHA256 of that string, keyed
with the app secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional, Union

from audit.sandbox.errors import INVALID_CREDENTIALS, ApiError

UNSIGNED_PARAMS = ("sign", "access_token")
REQUIRED_PARAMS = ("app_key", "timestamp", "sign")

Body = Union[str, bytes]


def string_to_sign(
    app_secret: str, path: str, query: Mapping[str, object], body: Body = ""
) -> bytes:
    """``app_secret + path + k1v1k2v2... + body + app_secret`` as UTF-8 bytes."""
    pairs = "".join(f"{key}{query[key]}" for key in sorted(query) if key not in UNSIGNED_PARAMS)
    raw_body = body.encode("utf-8") if isinstance(body, str) else body
    secret = app_secret.encode("utf-8")
    return secret + (path + pairs).encode("utf-8") + raw_body + secret


def sign(app_secret: str, path: str, query: Mapping[str, object], body: Body = "") -> str:
    """The ``sign`` query parameter for a request: lowercase hex HMAC-SHA256."""
    message = string_to_sign(app_secret, path, query, body)
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_body(raw: bytes, content_type: str) -> bytes:
    """The part of a request body that is signed: all of it, or nothing for multipart."""
    media = content_type.split(";")[0].strip().lower()
    return b"" if media == "multipart/form-data" else raw


def refused(param: str, problem: str) -> ApiError:
    """TikTok's gateway answer for bad credentials: HTTP 401, code 106001."""
    return ApiError(
        INVALID_CREDENTIALS,
        f"Invalid credentials. The '{param}' query parameter is {problem}.",
        401,
    )


@dataclass(frozen=True)
class Verifier:
    """Strict mode's check; ``app_key`` set means only that app key is accepted."""

    app_secret: str
    app_key: Optional[str] = None

    def check(self, path: str, query: Mapping[str, str], raw: bytes, content_type: str) -> None:
        """Raise the 106001 :class:`ApiError` unless the request is signed correctly."""
        for param in REQUIRED_PARAMS:
            if not query.get(param):
                raise refused(param, "missing")
        if self.app_key is not None and query["app_key"] != self.app_key:
            raise refused("app_key", "invalid")
        expected = sign(self.app_secret, path, query, signed_body(raw, content_type))
        if not hmac.compare_digest(expected.encode("ascii"), query["sign"].encode("utf-8")):
            raise refused("sign", "invalid")
