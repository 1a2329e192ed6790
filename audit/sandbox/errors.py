"""Result codes the sandbox answers with, and the exception that carries one.

Codes marked *real* are the ones TikTok Shop's gateway and fulfillment APIs use; the
others are sandbox choices in TikTok's style (documented in docs/sandbox.md). Client code
should branch on ``code != 0`` and on the few real codes, not on the sandbox-only ones.
"""

from __future__ import annotations

SUCCESS = 0

# Real codes.
AFTER_SALE_REQUEST = 21011007  # ship blocked by a pending buyer cancel request
INTERNAL_ERROR = 36009003  # HTTP 500
INVALID_PARAMETER = 36009004  # HTTP 400; TikTok overloads it and tells cases apart by message
INVALID_PATH = 36009009  # HTTP 404
INVALID_METHOD = 36009010  # HTTP 405
# HTTP 401, strict mode only: app_key, timestamp or sign missing, app_key not the expected
# one, or sign wrong; the message names the query parameter ("Invalid credentials. The
# 'sign' query parameter is invalid.").
INVALID_CREDENTIALS = 106001

# Sandbox-chosen: the endpoint is gone for this market (HTTP 400, shares 36009004 like
# TikTok's other gateway refusals; the message names the retirement).
REJECT_RETIRED = INVALID_PARAMETER

# Sandbox-chosen business codes (HTTP 200, code != 0).
ORDER_NOT_FOUND = 21001001
PACKAGE_NOT_FOUND = 21011001
PACKAGE_ALREADY_SHIPPED = 21011002
ORDER_CANCELLED = 21011003
ORDER_NOT_READY = 21011004
LINE_ITEM_NOT_FOUND = 21011005
CANCELLATION_NOT_FOUND = 25003001
CANCELLATION_NOT_PENDING = 25003002

AFTER_SALE_MESSAGE = "Package item has after-sale request"


class ApiError(Exception):
    """A TikTok-shaped failure: becomes ``{code, message, request_id, data: {}}``."""

    def __init__(self, code: int, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


def invalid(message: str) -> ApiError:
    """A request the gateway refuses before any business rule runs (HTTP 400)."""
    return ApiError(INVALID_PARAMETER, message, 400)
