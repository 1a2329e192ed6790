"""The legacy /api endpoints: no new behaviour, failures in data.fail_packages[]."""

from __future__ import annotations

from typing import Any

import pytest

from audit.sandbox import Sandbox

pytestmark = pytest.mark.sandbox("legacy")
FAIL = {
    "package_id": "1152001",
    "fail_code": 21011007,
    "fail_reason": "Package item has after-sale request",
}


def test_legacy_order_list_and_detail(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post("/api/orders/search", {"order_status": 111, "page_size": 2})
    assert (status, env["code"]) == (200, 0)
    data = env["data"]
    assert [o["order_id"] for o in data["order_list"]] == ["5762001", "5762002"]
    assert data["order_list"][0]["order_status"] == 111
    assert (data["more"], data["total"]) == (True, 3)
    _, env = api.post("/api/orders/search", {"page_size": 2, "cursor": data["next_cursor"]})
    assert [o["order_id"] for o in env["data"]["order_list"]] == ["5762003"]
    assert env["data"]["more"] is False

    _, env = api.post("/api/orders/detail/query", {"order_id_list": ["5762001"]})
    order = env["data"]["order_list"][0]
    assert order["order_id"] == "5762001"
    assert order["package_list"] == [{"package_id": "1152001"}]
    assert order["order_line_list"][0]["order_line_id"] == "7012001"
    assert "is_buyer_request_cancel" not in order  # a v202309 field only
    assert len(tts_sandbox.calls_to("legacy_order_list")) == 2
    assert len(tts_sandbox.calls_to("legacy_order_detail")) == 1


def test_legacy_order_errors(tts_sandbox: Sandbox, api: Any) -> None:
    assert api.post("/api/orders/detail/query", {})[1]["code"] == 36009004
    assert api.post("/api/orders/detail/query", {"order_id_list": ["x"]})[1]["code"] == 21001001
    assert api.post("/api/orders/search", {"order_status": "AWAITING"})[1]["code"] == 36009004


def test_legacy_rts_fails_in_fail_packages(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post("/api/fulfillment/rts", {"package_id": "1152001", "pick_up_type": 1})
    assert (status, env["code"]) == (200, 0)
    assert env["data"] == {"fail_packages": [FAIL]}
    assert tts_sandbox.package("1152001")["status"] == "PROCESSING"
    assert tts_sandbox.cancellation("4032001")["cancel_status"] == "PENDING"
    assert tts_sandbox.calls_to("legacy_ship")[0]["code"] == 0


@pytest.mark.sandbox("legacy", as_of="2025-01-01")
def test_legacy_batch_rts_never_gets_the_new_behaviour(tts_sandbox: Sandbox, api: Any) -> None:
    body = {"package_list": [{"package_id": "1152001"}, {"package_id": "1152002"}]}
    status, env = api.post("/api/fulfillment/batch_rts", body)
    assert (status, env["code"]) == (200, 0)
    assert env["data"] == {"fail_packages": [FAIL]}
    assert tts_sandbox.package("1152002")["status"] == "SHIPPED"
    assert tts_sandbox.package("1152002")["shipped_via"] == "legacy_batch_ship"
    # the v202309 API on the same shop and day rejects the request instead
    assert api.post("/fulfillment/202309/packages/1152001/ship")[1]["code"] == 0
    assert tts_sandbox.cancellation("4032001")["cancel_status"] == "REJECTED"


def test_legacy_reject_then_rts(tts_sandbox: Sandbox, api: Any) -> None:
    body = {
        "reverse_order_id": "4032001",
        "reverse_reject_reason_key": "reverse_reject_request_reason_1",
        "reverse_reject_comments": "shipped already",
    }
    status, env = api.post("/api/reverse/reverse_request/reject", body)
    assert (status, env["code"]) == (200, 0)
    cancel = tts_sandbox.cancellation("4032001")
    assert (cancel["cancel_status"], cancel["rejected_by"]) == ("REJECTED", "SELLER")
    assert cancel["reject_reason"] == "reverse_reject_request_reason_1"
    _, env = api.post("/api/fulfillment/rts", {"package_id": "1152001"})
    assert env["data"] == {"fail_packages": []}
    assert tts_sandbox.order("5762001")["status"] == "IN_TRANSIT"
    assert len(tts_sandbox.calls_to("legacy_reverse_reject")) == 1


@pytest.mark.sandbox("legacy", as_of="2024-04-01")
def test_legacy_reject_is_retired_in_us_too(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post("/api/reverse/reverse_request/reject", {"reverse_order_id": "4032001"})
    assert (status, env["code"]) == (400, 36009004) and "retired" in env["message"]
    assert tts_sandbox.cancellation("4032001")["cancel_status"] == "PENDING"


def test_legacy_request_errors(tts_sandbox: Sandbox, api: Any) -> None:
    assert api.post("/api/fulfillment/rts", {})[1]["code"] == 36009004
    assert api.post("/api/fulfillment/batch_rts", {"package_list": []})[1]["code"] == 36009004
    assert api.post("/api/reverse/reverse_request/reject", {})[1]["code"] == 36009004
    _, env = api.post("/api/fulfillment/rts", {"package_id": "nope"})
    assert env["data"]["fail_packages"] == [
        {"package_id": "nope", "fail_code": 21011001, "fail_reason": "Package does not exist: nope"}
    ]
    _, env = api.post("/api/reverse/reverse_request/reject", {"reverse_order_id": "nope"})
    assert env["code"] == 25003001
