"""Ship today's TikTok Shop packages (shop_cipher signed client)."""

import logging

from tiktok_shop import Client, TikTokAPIError

log = logging.getLogger(__name__)


def ship_all(client: Client, package_ids: list[str]) -> list[str]:
    held = []
    for package_id in package_ids:
        try:
            client.ship_package(package_id)
        except TikTokAPIError as exc:
            if exc.code == 21011007:  # expect: CA201
                log.info("package %s has a pending cancel request", package_id)
                held.append(package_id)
                continue
            raise
    return held
