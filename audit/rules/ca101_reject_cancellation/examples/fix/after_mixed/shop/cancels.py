"""Answer buyers' cancel requests for orders the warehouse already packed."""

from shop.client import TikTokShopClient
from .ship_to_reject import ship_to_reject


def refuse_packed(client: TikTokShopClient, cancels: list[dict], packed: set[str]) -> None:
    for cancel in cancels:
        if cancel["order_id"] in packed:
            ship_to_reject(
                client,
                order_id=cancel["order_id"],
                # cancel-audit: ignore[CA101] still how ID rejects
                reject=lambda: client.reject_cancellation(
                    cancel["cancel_id"], reason="seller_packed"
                ),
            )
