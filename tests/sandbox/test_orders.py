"""Get Order List and Get Order Detail (v202309), with the new cancel-request fields."""

from __future__ import annotations

from typing import Any

from audit.sandbox import Sandbox

LIST = "/order/202309/orders/search"
DETAIL = "/order/202309/orders"


def ids(env: dict[str, Any]) -> list[str]:
    return [o["id"] for o in env["data"]["orders"]]


def test_order_list_filters_buyer_cancel_requests(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post(LIST, {"is_buyer_request_cancel": True}, page_size=20)
    assert (status, env["code"]) == (200, 0)
    assert ids(env) == ["5760001", "5760003"]
    order = env["data"]["orders"][0]
    assert order["is_buyer_request_cancel"] is True
    assert order["request_cancel_time"] == 1700003600
    assert order["packages"] == [{"id": "1150001"}]
    assert order["line_items"][0]["id"] == "7010001"
    assert order["line_items"][0]["package_id"] == "1150001"
    # TRUE as a string works, FALSE means "no filter"
    assert ids(api.post(LIST, {"is_buyer_request_cancel": "TRUE"})[1]) == ["5760001", "5760003"]
    assert len(ids(api.post(LIST, {"is_buyer_request_cancel": False})[1])) == 5


def test_order_list_filters_status_and_pages(tts_sandbox: Sandbox, api: Any) -> None:
    _, env = api.post(LIST, {"order_status": "IN_TRANSIT"})
    assert ids(env) == ["5760005"]
    _, first = api.post(LIST, {"order_status": "AWAITING_SHIPMENT"}, page_size=3)
    assert ids(first) == ["5760001", "5760002", "5760003"]
    assert first["data"]["total_count"] == 4
    token = first["data"]["next_page_token"]
    _, second = api.post(LIST, {"order_status": "AWAITING_SHIPMENT"}, page_size=3, page_token=token)
    assert ids(second) == ["5760004"] and second["data"]["next_page_token"] == ""


def test_order_list_bad_filters(tts_sandbox: Sandbox, api: Any) -> None:
    for body, query in [
        ({"is_buyer_request_cancel": "maybe"}, {}),
        ({"order_status": ["A"]}, {}),
        ({}, {"page_size": "abc"}),
        ({}, {"page_size": "101"}),
        ({}, {"page_token": "not-a-token"}),
    ]:
        status, env = api.post(LIST, body, **query)
        assert (status, env["code"]) == (400, 36009004), (body, query)


def test_order_detail_by_ids_any_version(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.get(DETAIL, ids="5760003,5760002")
    assert (status, env["code"]) == (200, 0)
    assert ids(env) == ["5760003", "5760002"]
    assert env["data"]["orders"][0]["is_buyer_request_cancel"] is True
    assert [p["id"] for p in env["data"]["orders"][0]["packages"]] == ["1150003", "1150004"]
    _, newer = api.get("/order/202507/orders", ids="5760002")
    assert ids(newer) == ["5760002"]
    assert [e["endpoint"] for e in tts_sandbox.request_log] == ["order_detail", "order_detail"]
    assert len(tts_sandbox.calls_to("order_detail")) == 2


def test_order_detail_errors(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.get(DETAIL)
    assert (status, env["code"], env["message"]) == (400, 36009004, "Ids is a required field")
    status, env = api.get(DETAIL, ids=",".join(str(i) for i in range(51)))
    assert (status, env["code"]) == (400, 36009004) and "at most 50" in env["message"]
    status, env = api.get(DETAIL, ids="5760001,404404")
    assert (status, env["code"]) == (200, 21001001)
    assert env["message"] == "Order does not exist: 404404"
