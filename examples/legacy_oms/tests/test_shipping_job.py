"""The shipping job still ships orders that have no cancel request.

Scenario ``pending-cancel``: orders 5760002 and 5760004 await shipment with no
pending cancel request; 5760004 goes out with our own carrier account.
"""

import pytest

from tiktok_bridge.shipping_job import ShippingJob
from tiktok_bridge.warehouse import InMemoryWarehouse, Tracking

TIKTOK_SHIPPED_ORDER = "5760002"
SELF_SHIPPED_ORDER = "5760004"


@pytest.mark.sandbox(scenario="pending-cancel", market="US", as_of="2024-04-15")
@pytest.mark.parametrize("mode", ["run", "run_batch"])
def test_orders_without_cancel_request_ship(tts_sandbox, client, mode):
    warehouse = InMemoryWarehouse(
        self_shipped={SELF_SHIPPED_ORDER: Tracking("1Z999AA10123456784", "7117858858072016686")}
    )
    job = ShippingJob(client, warehouse)

    report = getattr(job, mode)()

    assert report.failed == {}
    for order_id in (TIKTOK_SHIPPED_ORDER, SELF_SHIPPED_ORDER):
        order = tts_sandbox.order(order_id)
        assert order["status"] == "IN_TRANSIT"
        for package in order["packages"]:
            assert tts_sandbox.package(package["id"])["status"] == "SHIPPED"
    assert tts_sandbox.package("1150005")["tracking_number"] == "1Z999AA10123456784"
