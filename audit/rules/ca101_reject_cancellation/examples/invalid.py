"""Answer buyers' cancel requests for orders the warehouse already packed (TikTok Shop)."""

from tiktok_shop import Client


def refuse_packed(client: Client, cancels: list[dict], packed: set[str]) -> None:
    for cancel in cancels:
        if cancel["order_id"] in packed:
            cancel_id = cancel["cancel_id"]
            client.reject_cancellation(cancel_id, reason="seller_packed")  # expect: CA101
