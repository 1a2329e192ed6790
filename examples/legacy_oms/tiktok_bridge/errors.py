"""TikTok Shop error codes the bridge reacts to.

Only codes we actually branch on live here; everything else is logged and
surfaced to the on-call channel as-is.
"""

from __future__ import annotations

#: Ship Package / Batch Ship / Mark As Shipped refuse to ship while the buyer
#: has a pending cancel request on the order.
AFTER_SALE_PENDING = 21011007
AFTER_SALE_PENDING_MESSAGE = "Package item has after-sale request"

#: "Package status does not allow this operation" in our logs; usually the
#: package was shipped from Seller Center by hand. Never retried.
PACKAGE_STATE_CONFLICT = 21011008

#: Gateway / throttling errors that the ops team has seen clear up on retry.
INTERNAL_ERROR = 36009003
RATE_LIMITED = 12019001
RETRYABLE_CODES = frozenset({INTERNAL_ERROR, RATE_LIMITED})
