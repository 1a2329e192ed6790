"""Nightly job: put orders whose buyer asked to cancel on hold in the warehouse."""

from shop.client import TikTokShopClient


def hold_pending_cancels(client: TikTokShopClient, warehouse) -> None:
    pending = client.search_cancellations(
        cancel_status=["CANCELLATION_REQUEST_PENDING"], page_size=50
    )
    for cancel in pending:
        warehouse.hold(cancel["order_id"], since=cancel["create_time"])
