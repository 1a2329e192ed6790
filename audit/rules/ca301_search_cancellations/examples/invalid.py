"""Nightly job: hold orders whose buyer asked to cancel (TikTok Shop, shop_cipher signed)."""

from tiktok_shop import Client


def orders_to_hold(client: Client) -> set[str]:
    page = client.search_cancellations(cancel_status=["BUYER_CANCEL_REQUEST_PENDING"])  # expect: CA301
    return {item["order_id"] for item in page["cancellations"]}
