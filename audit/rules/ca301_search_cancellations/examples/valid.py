"""Nightly job: hold orders whose buyer asked to cancel (TikTok Shop, shop_cipher signed)."""

from tiktok_shop import Client


def orders_to_hold(client: Client) -> set[str]:
    page = client.get_order_list(is_buyer_request_cancel=True, order_status="AWAITING_SHIPMENT")
    return {order["id"] for order in page["orders"]}
