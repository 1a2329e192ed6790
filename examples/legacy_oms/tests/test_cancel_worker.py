"""The cancel worker against TikTok Shop US after the Reject Cancellation deadline.

Scenario ``pending-cancel``: order 5760003 (two packages) has pending cancel
request 4030003 and is packed in our warehouse; order 5760001 has pending
request 4030001 and is not packed yet.
"""

import pytest

from tiktok_bridge.cancel_worker import CancelRequestWorker, pending_digest
from tiktok_bridge.warehouse import InMemoryWarehouse

PACKED_ORDER, PACKED_CANCEL = "5760003", "4030003"
UNPACKED_ORDER, UNPACKED_CANCEL = "5760001", "4030001"


@pytest.mark.sandbox(scenario="pending-cancel", market="US", as_of="2024-04-15")
def test_cancel_worker_rejects_requests_on_packed_orders(tts_sandbox, client):
    worker = CancelRequestWorker(client, InMemoryWarehouse(packed={PACKED_ORDER}))

    report = worker.run()

    packed = tts_sandbox.cancellation(PACKED_CANCEL)
    assert packed["cancel_status"] == "REJECTED", f"worker failures: {report.failed}"
    assert tts_sandbox.cancellation(UNPACKED_CANCEL)["cancel_status"] == "APPROVED"
    # Reject Cancellation is retired in the US since 2024-03-31.
    assert tts_sandbox.calls_to("reject_cancellation") == []


@pytest.mark.sandbox(scenario="pending-cancel", market="US", as_of="2024-04-15")
def test_digest_lists_orders_with_a_pending_cancel_request(tts_sandbox, client):
    pending = {o["id"] for o in tts_sandbox.state()["orders"] if o["is_buyer_request_cancel"]}

    lines = pending_digest(client, now=2_000_000_000)

    assert {line.split()[1].rstrip(":") for line in lines} == pending
    assert all("cancel requested" in line for line in lines)
