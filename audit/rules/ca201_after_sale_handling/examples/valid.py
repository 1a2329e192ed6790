"""Ship today's TikTok Shop packages (shop_cipher signed client)."""

import logging

from tiktok_shop import Client

log = logging.getLogger(__name__)


def ship_all(client: Client, package_ids: list[str]) -> None:
    for package_id in package_ids:
        # In the US on v202309 the ship call itself rejects a pending cancel request.
        client.ship_package(package_id)
        log.info("shipped %s", package_id)
