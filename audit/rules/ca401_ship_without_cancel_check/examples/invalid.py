"""Ship every packed TikTok Shop order (shop_cipher signed client)."""

from tiktok_shop import Client


def ship_packed(client: Client) -> int:
    shipped = 0
    for order in client.get_order_list(order_status="AWAITING_SHIPMENT")["orders"]:
        for package in order["packages"]:
            client.ship_package(package["id"])  # expect: CA401
            shipped += 1
    return shipped
