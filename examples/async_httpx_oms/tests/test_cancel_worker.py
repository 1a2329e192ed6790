"""The cancel worker against TikTok Shop US after the Reject Cancellation deadline.

Scenario ``pending-cancel``: order 5760003 (packages 1150003, 1150004) has
pending cancel request 4030003 and is packed; order 5760001 has pending request
4030001 and is not packed yet.
"""

import pytest

from kestrel_oms.cancel_worker import CancelWorker
from kestrel_oms.warehouse import InMemoryWarehouse

APP_SECRET = "kestrel-sandbox-secret"
SANDBOX = pytest.mark.sandbox(
    scenario="pending-cancel", market="US", as_of="2024-04-15", app_secret=APP_SECRET
)

PACKED_ORDER, PACKED_CANCEL = "5760003", "4030003"
UNPACKED_ORDER, UNPACKED_CANCEL = "5760001", "4030001"


@SANDBOX
def test_packed_orders_cancel_requests_end_rejected_unpacked_approved(tts_sandbox, with_shop):
    warehouse = InMemoryWarehouse(packed={PACKED_ORDER})

    report = with_shop(lambda shop: CancelWorker(shop, warehouse).run())

    packed = tts_sandbox.cancellation(PACKED_CANCEL)
    assert packed["cancel_status"] == "REJECTED", f"worker failures: {report.failed}"
    assert report.failed == {}
    # Rejected by shipping: the packed parcel is on its way.
    for package in tts_sandbox.order(PACKED_ORDER)["packages"]:
        assert tts_sandbox.package(package["id"])["status"] == "SHIPPED"
    assert tts_sandbox.cancellation(UNPACKED_CANCEL)["cancel_status"] == "APPROVED"
    assert tts_sandbox.order(UNPACKED_ORDER)["status"] == "CANCELLED"
    # Reject Cancellation is retired in the US since 2024-03-31.
    assert tts_sandbox.calls_to("reject_cancellation") == []
