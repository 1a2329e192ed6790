"""Ship every packed TikTok Shop order (shop_cipher signed client)."""

from tiktok_shop import Client


def ship_packed(client: Client) -> int:
    shipped = 0
    for order in client.get_order_list(order_status="AWAITING_SHIPMENT")["orders"]:
        if order["is_buyer_request_cancel"]:
            continue  # the buyer asked to cancel: do not ship, it would reject the request
        for package in order["packages"]:
            client.ship_package(package["id"])
            shipped += 1
    return shipped
