"""Ship the packed TikTok Shop orders (Get Order List records)."""

import logging

from shop.client import TikTokAPIError, TikTokShopClient

log = logging.getLogger(__name__)

# Ship Package refuses while the buyer's cancel request is pending.
AFTER_SALE_PENDING = 21011007


def ship_order(client: TikTokShopClient, order: dict) -> list[str]:
    shipped = []
    for package in order["packages"]:
        try:
            client.ship_package(package["id"])
        except TikTokAPIError as exc:
            if exc.code == AFTER_SALE_PENDING:
                log.info("order %s: the cancel job answers its buyer first", order["id"])
                return shipped
            raise
        shipped.append(package["id"])
    return shipped


def ship_packed_order(client: TikTokShopClient, package_id: str, cancel_id: str) -> None:
    """The warehouse packed it: refuse the buyer's cancel request and ship."""
    try:
        client.ship_package(package_id)
    except TikTokAPIError as exc:
        if exc.code != AFTER_SALE_PENDING:
            raise
        client.reject_cancellation(cancel_id, reason="seller_packed")
        client.ship_package(package_id)
