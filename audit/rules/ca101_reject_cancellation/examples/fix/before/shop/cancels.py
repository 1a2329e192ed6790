"""Answer buyers' cancel requests for orders the warehouse already packed."""

from shop.client import TikTokShopClient


def refuse_packed(client: TikTokShopClient, cancels: list[dict], packed: set[str]) -> None:
    for cancel in cancels:
        if cancel["order_id"] in packed:
            client.reject_cancellation(cancel["cancel_id"], reason="seller_packed")
