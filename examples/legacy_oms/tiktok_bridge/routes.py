"""Open API route table.

Paths carry ``{version}`` plus their own placeholders and are expanded with
``str.format`` by :mod:`tiktok_bridge.client`.
"""

from __future__ import annotations

ROUTES = {
    "order_list": "/order/{version}/orders/search",
    "order_detail": "/order/{version}/orders",
    "search_cancellations": "/return_refund/{version}/cancellations/search",
    "approve_cancellation": "/return_refund/{version}/cancellations/{cancel_id}/approve",
    "reject_cancellation": "/return_refund/{version}/cancellations/{cancel_id}/reject",
    "ship_package": "/fulfillment/{version}/packages/{package_id}/ship",
    "batch_ship_packages": "/fulfillment/{version}/packages/ship",
    "mark_package_as_shipped": "/fulfillment/{version}/orders/{order_id}/packages",
}
