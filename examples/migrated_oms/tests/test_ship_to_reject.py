"""Cancel requests and shipping on TikTok Shop US after the Reject Cancellation deadline.

Scenario ``pending-cancel``: order 5760003 (two packages) has pending cancel
request 4030003 and is packed; order 5760001 has pending request 4030001 and is
not packed; orders 5760002 and 5760004 have no pending request.
"""

import pytest

from tiktok_bridge.cancel_requests import CancelRequestWorker
from tiktok_bridge.shipping_job import ship_ready_orders
from tiktok_bridge.warehouse import InMemoryWarehouse


@pytest.mark.sandbox(scenario="pending-cancel", market="US", as_of="2024-04-15")
def test_packed_orders_ship_to_reject_and_others_are_approved(tts_sandbox, client):
    warehouse = InMemoryWarehouse(packed={"5760003"})
    webhook_cancel_ids = {"5760001": "4030001"}  # from the cancellation-status webhook

    cancel_report = CancelRequestWorker(client, warehouse, webhook_cancel_ids).run()
    ship_report = ship_ready_orders(client, warehouse)

    assert cancel_report.failed == {} and ship_report.failed == {}
    assert tts_sandbox.cancellation("4030003")["cancel_status"] == "REJECTED"
    assert tts_sandbox.cancellation("4030001")["cancel_status"] == "APPROVED"
    for order_id in ("5760003", "5760002", "5760004"):
        assert tts_sandbox.order(order_id)["status"] == "IN_TRANSIT"
    assert tts_sandbox.calls_to("reject_cancellation") == []
    assert tts_sandbox.calls_to("search_cancellations") == []
