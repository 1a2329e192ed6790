"""The shipping job against TikTok Shop US (v202309, after the change).

Scenario ``pending-cancel``, orders awaiting shipment:

- 5760002 (package 1150002): no cancel request;
- 5760004 (package 1150005): an earlier cancel request was already rejected;
- 5760001 (package 1150001): pending buyer cancel request 4030001;
- 5760003 (packages 1150003, 1150004): pending buyer cancel request 4030003.

Business rule: never ship an order whose buyer asked to cancel; hold it for
support. Everything else goes out by our handover method.
"""

import pytest

from harbor_oms.config import HANDOVER_METHOD
from harbor_oms.shipping import ShippingJob
from harbor_oms.warehouse import InMemoryWarehouse

pytestmark = pytest.mark.sandbox(
    scenario="pending-cancel", market="US", as_of="2024-04-15", app_secret="hb-test-secret-0c41f7"
)

READY = {"5760002": ["1150002"], "5760004": ["1150005"]}
PENDING = [
    ("5760001", "4030001", ["1150001"]),
    ("5760003", "4030003", ["1150003", "1150004"]),
]


def ship_bodies(tts_sandbox):
    """package id -> request body of each Ship Package call the sandbox saw."""
    return {e["path"].split("/")[4]: e["body"] for e in tts_sandbox.calls_to("ship_package")}


def test_orders_without_cancel_request_ship_by_our_handover_method(tts_sandbox, client):
    job = ShippingJob(client, InMemoryWarehouse())

    report = job.run()

    assert report.failed == {}
    bodies = ship_bodies(tts_sandbox)
    for order_id, package_ids in READY.items():
        assert tts_sandbox.order(order_id)["status"] == "IN_TRANSIT"
        for package_id in package_ids:
            assert package_id in report.shipped
            package = tts_sandbox.package(package_id)
            assert package["status"] == "SHIPPED"
            assert package["handover_method"] == HANDOVER_METHOD == "PICKUP"
            assert bodies[package_id]["handover_method"] == "PICKUP"
    assert tts_sandbox.cancellation("4030004")["cancel_status"] == "REJECTED"


@pytest.mark.parametrize(
    "order_id, cancel_id, package_ids", PENDING, ids=["one-package", "two-packages"]
)
def test_package_with_pending_cancel_request_stays_on_hold(
    tts_sandbox, client, order_id, cancel_id, package_ids
):
    warehouse = InMemoryWarehouse(packed={order_id})
    job = ShippingJob(client, warehouse)

    report = job.run()

    cancel = tts_sandbox.cancellation(cancel_id)
    assert cancel["cancel_status"] == "PENDING", (
        f"buyer's cancel request {cancel_id} was closed by the shipping job: "
        f"{cancel['cancel_status']} by {cancel['rejected_by']} ({cancel['reject_reason']})"
    )
    for package_id in package_ids:
        assert tts_sandbox.package(package_id)["status"] == "PROCESSING"
        assert package_id not in report.shipped
    assert [h.package_id for h in report.held if h.order_id == order_id] == package_ids
    assert order_id in warehouse.on_hold
    assert tts_sandbox.order(order_id)["status"] == "AWAITING_SHIPMENT"
    assert report.failed == {}
