"""Search, Approve and Reject Cancellation, and Reject's retirement in the US."""

from __future__ import annotations

from typing import Any

import pytest

from audit.sandbox import Sandbox

SEARCH = "/return_refund/202309/cancellations/search"
APPROVE = "/return_refund/202309/cancellations/{}/approve"
REJECT = "/return_refund/202309/cancellations/{}/reject"
SHIP = "/fulfillment/202309/packages/{}/ship"


def test_search_cancellations_by_status_and_order(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post(SEARCH, {"cancel_status": "PENDING"}, page_size=50)
    assert (status, env["code"]) == (200, 0)
    found = env["data"]["cancellations"]
    assert [c["cancel_id"] for c in found] == ["4030001", "4030003"]
    assert set(found[0]) >= {"cancel_id", "order_id", "cancel_status", "create_time"}
    assert found[0]["order_id"] == "5760001" and found[0]["create_time"] == 1700003600
    assert env["data"]["total_count"] == 2

    _, env = api.post(SEARCH, {"order_ids": ["5760004"]})
    assert [c["cancel_status"] for c in env["data"]["cancellations"]] == ["REJECTED"]
    _, env = api.post(SEARCH, {"cancel_ids": ["4030003"], "cancel_status": ["PENDING"]})
    assert [c["order_id"] for c in env["data"]["cancellations"]] == ["5760003"]
    # TikTok's long status names work as filters too
    _, env = api.post(SEARCH, {"cancel_status": "CANCELLATION_REQUEST_PENDING"})
    assert env["data"]["total_count"] == 2
    _, env = api.post(SEARCH, {"cancel_ids": ["does-not-exist"]})
    assert env["data"]["cancellations"] == []  # a search, not a lookup


def test_search_cancellations_pages(tts_sandbox: Sandbox, api: Any) -> None:
    _, first = api.post(SEARCH, {}, page_size=2)
    assert len(first["data"]["cancellations"]) == 2
    token = first["data"]["next_page_token"]
    assert token
    _, second = api.post(SEARCH, {}, page_size=2, page_token=token)
    assert [c["cancel_id"] for c in second["data"]["cancellations"]] == ["4030004"]
    assert second["data"]["next_page_token"] == ""
    status, env = api.post(SEARCH, {}, page_size=0)
    assert (status, env["code"]) == (400, 36009004)


@pytest.mark.sandbox(market="UK", as_of="2024-06-01")
def test_reject_works_in_uk_after_the_deadline(tts_sandbox: Sandbox, api: Any) -> None:
    body = {"reject_reason": "reverse_reject_request_reason_2", "comment": "already packed"}
    status, env = api.post(REJECT.format("4030001"), body, idempotency_key="k1")
    assert (status, env["code"], env["data"]) == (200, 0, {})
    cancel = tts_sandbox.cancellation("4030001")
    assert cancel["cancel_status"] == "REJECTED"
    assert cancel["reject_reason"] == "reverse_reject_request_reason_2"
    assert cancel["reject_comment"] == "already packed"
    assert cancel["rejected_by"] == "SELLER"
    assert tts_sandbox.order("5760001")["is_buyer_request_cancel"] is False
    # and now the package can ship, even in the UK
    assert api.post(SHIP.format("1150001"))[1]["code"] == 0
    call = tts_sandbox.calls_to("reject_cancellation")[0]
    assert call["query"] == {"idempotency_key": "k1"}
    assert call["body"] == body


@pytest.mark.sandbox(market="US", as_of="2024-03-30")
def test_reject_works_in_us_before_the_deadline(tts_sandbox: Sandbox, api: Any) -> None:
    assert api.post(REJECT.format("4030001"), {"reject_reason": "x"})[1]["code"] == 0
    assert tts_sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"


@pytest.mark.parametrize("as_of", ["2024-03-31", "2025-01-01"])
def test_reject_is_retired_in_us_from_the_deadline(api_for: Any, as_of: str) -> None:
    with Sandbox("pending-cancel", market="US", as_of=as_of) as sb:
        before = sb.state()
        status, env = api_for(sb).post(REJECT.format("4030001"), {"reject_reason": "x"})
        assert (status, env["code"], env["data"]) == (400, 36009004, {})
        assert "retired" in env["message"] and "2024-03-31" in env["message"]
        assert sb.state() == before  # changed nothing
        assert [(c["status"], c["code"]) for c in sb.calls_to("reject_cancellation")] == [
            (400, 36009004)
        ]


@pytest.mark.sandbox(reject_deadline="2024-06-30", as_of="2024-04-15")
def test_deadline_is_configurable(tts_sandbox: Sandbox, api: Any) -> None:
    assert api.post(REJECT.format("4030001"))[1]["code"] == 0
    assert tts_sandbox.state()["reject_deadline"] == "2024-06-30"


@pytest.mark.sandbox(market="UK")
def test_reject_unknown_or_closed_request(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post(REJECT.format("nope"))
    assert (status, env["code"]) == (200, 25003001)
    assert env["message"] == "Cancellation does not exist: nope"
    status, env = api.post(REJECT.format("4030004"))  # seeded REJECTED
    assert (status, env["code"]) == (200, 25003002)
    assert "REJECTED" in env["message"]


def test_approve_cancels_the_order_and_blocks_shipping(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post(APPROVE.format("4030003"))
    assert (status, env["code"]) == (200, 0)
    assert tts_sandbox.cancellation("4030003")["cancel_status"] == "APPROVED"
    order = tts_sandbox.order("5760003")
    assert order["status"] == "CANCELLED"
    assert order["is_buyer_request_cancel"] is False
    assert {tts_sandbox.package(p)["status"] for p in ("1150003", "1150004")} == {"CANCELLED"}

    status, env = api.post(SHIP.format("1150003"))
    assert (status, env["code"]) == (200, 21011003)
    assert "cancelled" in env["message"] and "1150003" in env["message"]
    _, env = api.post("/fulfillment/202309/packages/ship", {"packages": [{"id": "1150004"}]})
    assert env["data"]["errors"][0]["code"] == 21011003
    _, env = api.post("/api/fulfillment/rts", {"package_id": "1150004"})
    assert env["data"]["fail_packages"][0]["fail_code"] == 21011003
    # approving twice is refused
    assert api.post(APPROVE.format("4030003"))[1]["code"] == 25003002
    assert api.post(APPROVE.format("nope"))[1]["code"] == 25003001


@pytest.mark.sandbox(market="US", as_of="2024-06-01")
def test_approve_still_works_in_us_after_the_deadline(tts_sandbox: Sandbox, api: Any) -> None:
    assert api.post(APPROVE.format("4030001"))[1]["code"] == 0
    assert tts_sandbox.order("5760001")["status"] == "CANCELLED"
