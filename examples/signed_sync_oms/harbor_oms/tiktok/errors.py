"""TikTok Shop error codes we branch on, and the exception the client raises."""

from __future__ import annotations

from typing import Any, Dict, Optional

#: Ship Package refuses to ship while the buyer has a pending cancel request
#: ("Package item has after-sale request").
AFTER_SALE_PENDING = 21011007

#: Package already shipped (usually by hand from Seller Center).
PACKAGE_ALREADY_SHIPPED = 21011002

#: Gateway hiccups that clear up on the next cron run.
INTERNAL_ERROR = 36009003
RATE_LIMITED = 12019001
TRANSIENT_CODES = frozenset({INTERNAL_ERROR, RATE_LIMITED})


class TikTokShopError(Exception):
    """An Open API envelope with ``code != 0`` (or a response that is not one)."""

    def __init__(
        self,
        code: int,
        message: str,
        request_id: str = "",
        http_status: Optional[int] = None,
        data: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(f"[{code}] {message} (request_id={request_id or '-'})")
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.data = data or {}

    @property
    def transient(self) -> bool:
        return self.code in TRANSIENT_CODES
