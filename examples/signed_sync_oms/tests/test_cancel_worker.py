"""The cancel worker against TikTok Shop US after the Reject Cancellation deadline.

Scenario ``pending-cancel``: order 5760003 (packages 1150003 and 1150004) has
pending cancel request 4030003 and is packed in the DC; order 5760001 (package
1150001) has pending request 4030001 and is not packed yet.
"""

import pytest

from harbor_oms.cancellations import CancelRequestWorker
from harbor_oms.config import HANDOVER_METHOD
from harbor_oms.warehouse import InMemoryWarehouse

pytestmark = pytest.mark.sandbox(
    scenario="pending-cancel", market="US", as_of="2024-04-15", app_secret="hb-test-secret-0c41f7"
)

PACKED_ORDER, PACKED_CANCEL = "5760003", "4030003"
PACKED_PACKAGES = ("1150003", "1150004")
UNPACKED_ORDER, UNPACKED_CANCEL = "5760001", "4030001"


def test_requests_on_packed_orders_end_rejected_by_shipping(tts_sandbox, client):
    worker = CancelRequestWorker(client, InMemoryWarehouse(packed={PACKED_ORDER}))

    report = worker.run()

    packed = tts_sandbox.cancellation(PACKED_CANCEL)
    assert packed["cancel_status"] == "REJECTED", f"worker failures: {report.failed}"
    # Rejected by TikTok Shop because the parcel shipped, not by a seller call.
    assert packed["rejected_by"] == "SYSTEM"
    for package_id in PACKED_PACKAGES:
        package = tts_sandbox.package(package_id)
        assert package["status"] == "SHIPPED"
        assert package["handover_method"] == HANDOVER_METHOD
    # Reject Cancellation is retired in the US since 2024-03-31.
    assert tts_sandbox.calls_to("reject_cancellation") == []


def test_requests_on_unpacked_orders_are_approved(tts_sandbox, client):
    worker = CancelRequestWorker(client, InMemoryWarehouse(packed={PACKED_ORDER}))

    report = worker.run()

    assert UNPACKED_CANCEL in report.approved
    assert tts_sandbox.cancellation(UNPACKED_CANCEL)["cancel_status"] == "APPROVED"
    assert tts_sandbox.order(UNPACKED_ORDER)["status"] == "CANCELLED"
    assert tts_sandbox.package("1150001")["status"] == "CANCELLED"


def test_nothing_pending_means_no_writes(tts_sandbox, client):
    worker = CancelRequestWorker(client, InMemoryWarehouse())
    worker.run()  # approves both pending requests
    tts_sandbox.clear_log()

    report = worker.run()

    assert (report.approved, report.rejected, report.failed) == ([], [], {})
    assert [e["endpoint"] for e in tts_sandbox.request_log] == ["search_cancellations"]
