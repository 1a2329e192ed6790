"""Nightly job: put orders whose buyer asked to cancel on hold in the warehouse."""

from shop.client import TikTokShopClient


def hold_pending_cancels(client: TikTokShopClient, warehouse) -> None:
    pending = client.get_order_list(
        is_buyer_request_cancel=True, page_size=50
    )
    for cancel in pending:
        warehouse.hold(cancel["id"], since=cancel["request_cancel_time"])
