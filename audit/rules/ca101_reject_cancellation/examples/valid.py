"""Answer buyers' cancel requests for orders the warehouse already packed (TikTok Shop)."""

from tiktok_shop import Client


def refuse_packed(client: Client, cancels: list[dict], packed: set[str]) -> None:
    for cancel in cancels:
        if cancel["order_id"] in packed:
            order_id = cancel["order_id"]
            for package in client.get_order_detail([order_id])[0]["packages"]:
                # in the US on v202309 shipping rejects the pending cancel request
                client.ship_package(package["id"])
