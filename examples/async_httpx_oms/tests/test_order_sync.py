"""The batch shipping run against TikTok Shop US after the change.

Scenario ``pending-cancel``: orders 5760002 and 5760004 await shipment with no
pending cancel request (5760004's earlier request was already rejected).
Orders 5760001 (package 1150001, request 4030001) and 5760003 (packages
1150003 and 1150004, request 4030003) have a pending buyer cancel request:
before the change Batch Ship Packages failed them with 21011007 and the run put
them on hold for the cancel worker. That is still the business rule.
"""

import pytest

from kestrel_oms.order_sync import HOLD_CANCEL_PENDING, OrderSyncService
from kestrel_oms.warehouse import InMemoryWarehouse

APP_SECRET = "kestrel-sandbox-secret"
SANDBOX = pytest.mark.sandbox(
    scenario="pending-cancel", market="US", as_of="2024-04-15", app_secret=APP_SECRET
)

NO_REQUEST_ORDERS = ("5760002", "5760004")
PENDING = {"5760001": "4030001", "5760003": "4030003"}
PENDING_PACKAGES = ("1150001", "1150003", "1150004")


@SANDBOX
def test_orders_without_cancel_request_ship(tts_sandbox, with_shop):
    warehouse = InMemoryWarehouse()

    report = with_shop(lambda shop: OrderSyncService(shop, warehouse).ship_ready_orders())

    assert report.failed == {}
    for order_id in NO_REQUEST_ORDERS:
        order = tts_sandbox.order(order_id)
        assert order["status"] == "IN_TRANSIT"
        for package in order["packages"]:
            assert package["id"] in report.shipped
            shipped = tts_sandbox.package(package["id"])
            assert shipped["status"] == "SHIPPED"
            assert shipped["handover_method"] == "DROP_OFF"
    assert tts_sandbox.cancellation("4030004")["cancel_status"] == "REJECTED"
    assert tts_sandbox.calls_to("batch_ship_packages")


@SANDBOX
def test_pending_cancel_orders_are_deferred_not_shipped(tts_sandbox, with_shop):
    warehouse = InMemoryWarehouse()

    report = with_shop(lambda shop: OrderSyncService(shop, warehouse).ship_ready_orders())

    for order_id, cancel_id in PENDING.items():
        cancel = tts_sandbox.cancellation(cancel_id)
        for package in tts_sandbox.order(order_id)["packages"]:
            assert tts_sandbox.package(package["id"])["status"] == "PROCESSING", (
                f"package {package['id']} shipped while order {order_id} had a pending cancel "
                f"request; request {cancel_id} is now {cancel['cancel_status']} "
                f"(rejected_by {cancel['rejected_by']})"
            )
        assert cancel["cancel_status"] == "PENDING"
        assert tts_sandbox.order(order_id)["is_buyer_request_cancel"] is True
        assert warehouse.holds.get(order_id) == HOLD_CANCEL_PENDING
    assert sorted(report.deferred) == sorted(PENDING_PACKAGES)
    assert not set(report.shipped) & set(PENDING_PACKAGES)
    assert report.failed == {}
