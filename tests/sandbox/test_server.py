"""HTTP plumbing: routing, envelopes, bad input, the request log, state dumps, threads."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from typing import Any

import pytest
import requests

from audit.sandbox import ENDPOINT_NAMES, Sandbox
from audit.sandbox import routes as routes_module
from audit.sandbox.state import SandboxState

CONTRACT_NAMES = {
    "reject_cancellation",
    "approve_cancellation",
    "search_cancellations",
    "ship_package",
    "batch_ship_packages",
    "mark_package_shipped",
    "order_list",
    "order_detail",
    "legacy_reverse_reject",
    "legacy_ship",
    "legacy_order_list",
    "legacy_order_detail",
}


def test_endpoint_names_cover_the_contract() -> None:
    assert set(ENDPOINT_NAMES) >= CONTRACT_NAMES


@pytest.mark.parametrize(
    ("method", "path", "name", "params"),
    [
        ("POST", "/order/202309/orders/search", "order_list", {"version": "202309"}),
        ("GET", "/order/202507/orders", "order_detail", {"version": "202507"}),
        ("POST", "/return_refund/202602/cancellations/search", "search_cancellations", {}),
        (
            "POST",
            "/return_refund/202309/cancellations/C%201/reject",
            "reject_cancellation",
            {"cancel_id": "C 1"},
        ),
        (
            "POST",
            "/return_refund/202309/cancellations/9/approve",
            "approve_cancellation",
            {"cancel_id": "9"},
        ),
        ("POST", "/fulfillment/202401/packages/P1/ship", "ship_package", {"package_id": "P1"}),
        ("POST", "/fulfillment/202309/packages/ship", "batch_ship_packages", {}),
        (
            "POST",
            "/fulfillment/202309/orders/O1/packages/",
            "mark_package_shipped",
            {"order_id": "O1"},
        ),
        ("POST", "/api/orders/search", "legacy_order_list", {}),
        ("POST", "/api/orders/detail/query", "legacy_order_detail", {}),
        ("POST", "/api/fulfillment/rts", "legacy_ship", {}),
        ("POST", "/api/fulfillment/batch_rts", "legacy_batch_ship", {}),
        ("POST", "/api/reverse/reverse_request/reject", "legacy_reverse_reject", {}),
    ],
)
def test_routes_match_any_version(
    method: str, path: str, name: str, params: dict[str, str]
) -> None:
    found = routes_module.match(method, path)
    assert found.route is not None and found.route.name == name
    assert params.items() <= found.params.items()
    assert routes_module.endpoint_of(path) == name


def test_routes_refuse_non_versions() -> None:
    assert routes_module.match("POST", "/order/v2/orders/search").allowed == ()
    assert routes_module.match("POST", "/order/2023090/orders/search").route is None
    assert routes_module.match("GET", "/order/202309/orders/search").allowed == ("POST",)


def test_unknown_path_is_404_envelope(tts_sandbox: Sandbox, api: Any) -> None:
    resp = api.raw("POST", "/order/202309/orders/frobnicate", json={})
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/json")
    env = resp.json()
    assert set(env) == {"code", "message", "request_id", "data"}
    assert (env["code"], env["message"]) == (
        36009009,
        "Invalid path: /order/202309/orders/frobnicate",
    )
    assert api.raw("GET", "/").status_code == 404
    assert tts_sandbox.request_log[0]["endpoint"] is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/fulfillment/202309/packages/ship"),
        ("POST", "/order/202309/orders"),
        ("DELETE", "/return_refund/202309/cancellations/4030001/reject"),
        ("PUT", "/api/fulfillment/rts"),
    ],
)
def test_wrong_method_is_405_envelope(
    tts_sandbox: Sandbox, api: Any, method: str, path: str
) -> None:
    resp = api.raw(method, path)
    assert resp.status_code == 405
    assert resp.json()["code"] == 36009010
    assert tts_sandbox.state()["cancellations"][0]["cancel_status"] == "PENDING"


def test_malformed_and_wrong_bodies(tts_sandbox: Sandbox, api: Any) -> None:
    path = "/fulfillment/202309/packages/1150002/ship"
    json_header = {"Content-Type": "application/json"}
    cases = [
        ({"data": b"{not json", "headers": json_header}, "not valid JSON"),
        ({"data": b"[1, 2]", "headers": json_header}, "must be a JSON object"),
        ({"data": b"\xff\xfe", "headers": json_header}, "not valid JSON"),
        ({"data": b"package_id=1", "headers": {"Content-Type": "text/plain"}}, "Content-Type"),
    ]
    for kwargs, needle in cases:
        resp = api.raw("POST", path, **kwargs)
        assert resp.status_code == 400, resp.text
        env = resp.json()
        assert env["code"] == 36009004 and needle in env["message"]
    assert tts_sandbox.package("1150002")["status"] == "PROCESSING"
    log = tts_sandbox.calls_to("ship_package")
    assert log[0]["body"] == "{not json"  # raw text when it does not parse
    assert [e["status"] for e in log] == [400] * 4
    # an empty body is an empty object
    assert api.raw("POST", path).json()["code"] == 0


def test_internal_errors_become_an_envelope(
    tts_sandbox: Sandbox, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(SandboxState, "find_orders", boom)
    status, env = api.post("/order/202309/orders/search")
    assert status == 500
    assert env["code"] == 36009003
    assert env["message"] == "Internal error: RuntimeError: simulated bug"
    assert tts_sandbox.request_log[-1]["status"] == 500
    # the server keeps serving
    assert api.get("/order/202309/orders", ids="5760001")[1]["code"] == 0


def test_signatures_and_auth_are_accepted_unverified(tts_sandbox: Sandbox, api: Any) -> None:
    resp = api.raw(
        "GET",
        "/order/202309/orders",
        params={
            "ids": "5760001",
            "app_key": "x",
            "sign": "bogus",
            "timestamp": "1",
            "shop_cipher": "c",
        },
        headers={"x-tts-access-token": "not-a-token"},
    )
    assert resp.json()["code"] == 0
    assert tts_sandbox.request_log[0]["query"]["sign"] == "bogus"


def test_request_log_records_every_call(tts_sandbox: Sandbox, api: Any) -> None:
    api.post("/order/202309/orders/search", {"is_buyer_request_cancel": True}, page_size=5)
    api.get("/order/202309/orders", ids="5760001")
    api.post("/fulfillment/202309/packages/404/ship")
    log = tts_sandbox.request_log
    assert log[0] == {
        "method": "POST",
        "path": "/order/202309/orders/search",
        "query": {"page_size": "5"},
        "body": {"is_buyer_request_cancel": True},
        "status": 200,
        "code": 0,
        "endpoint": "order_list",
    }
    assert (log[1]["method"], log[1]["body"], log[1]["query"]) == ("GET", None, {"ids": "5760001"})
    assert (log[2]["status"], log[2]["code"], log[2]["endpoint"]) == (200, 21011001, "ship_package")
    assert tts_sandbox.calls_to("ship_package") == [log[2]]
    assert tts_sandbox.calls_to("reject_cancellation") == []
    log.clear()  # a copy: the sandbox's log is untouched
    assert len(tts_sandbox.request_log) == 3
    tts_sandbox.clear_log()
    assert tts_sandbox.request_log == []
    with pytest.raises(ValueError, match="unknown endpoint name 'reject'"):
        tts_sandbox.calls_to("reject")


def test_request_ids_are_unique(tts_sandbox: Sandbox, api: Any) -> None:
    seen = {api.post("/order/202309/orders/search")[1]["request_id"] for _ in range(5)}
    assert len(seen) == 5


def test_state_dump_is_plain_data(tts_sandbox: Sandbox) -> None:
    state = tts_sandbox.state()
    assert {"market", "as_of", "orders", "cancellations", "packages"} <= set(state)
    assert state["market"] == "US"
    assert state["as_of"] == dt.date.today().isoformat()  # pending-cancel pins no date
    assert json.loads(json.dumps(state)) == state
    assert len(state["orders"]) == 5 and len(state["packages"]) == 6
    assert state["packages"][0] == {
        "id": "1150001",
        "order_id": "5760001",
        "status": "PROCESSING",
        "handover_method": None,
        "tracking_number": None,
        "shipping_provider_id": None,
        "shipped_via": None,
        "ship_time": None,
    }
    assert tts_sandbox.package("1150006")["status"] == "SHIPPED"  # seeded IN_TRANSIT
    state["orders"].clear()
    assert len(tts_sandbox.state()["orders"]) == 5


@pytest.mark.sandbox(as_of="2024-04-15")
def test_concurrent_ships_are_serialised(tts_sandbox: Sandbox, api_for: Any) -> None:
    codes: list[int] = []
    lock = threading.Lock()

    def ship() -> None:
        code = api_for(tts_sandbox).post("/fulfillment/202309/packages/1150001/ship")[1]["code"]
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=ship) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [0] + [21011002] * 11
    assert len(tts_sandbox.calls_to("ship_package")) == 12
    assert tts_sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"


def test_lifecycle_and_ports() -> None:
    sb = Sandbox("legacy")
    with pytest.raises(RuntimeError, match="not running"):
        _ = sb.base_url
    with sb:
        assert sb.start() is sb  # idempotent
        assert sb.base_url == f"http://127.0.0.1:{sb.port}"
        assert sb.port > 0
        with pytest.raises(OSError):
            Sandbox("legacy", port=sb.port).start()
        with Sandbox("legacy") as other:
            assert other.port != sb.port
        url = sb.url("/api/orders/search")
    with pytest.raises(requests.ConnectionError):
        requests.post(url, json={}, timeout=2)
    sb.stop()  # stopping twice is fine


def test_hook_failure_does_not_cost_the_answer() -> None:
    seen: list[dict[str, Any]] = []

    def hook(entry: dict[str, Any]) -> None:
        seen.append(entry)
        raise RuntimeError("hook bug")

    with Sandbox(on_request=hook) as sb:
        resp = requests.post(sb.url("/order/202309/orders/search"), json={}, timeout=5)
        assert resp.json()["code"] == 0
    assert seen[0]["endpoint"] == "order_list"


def test_server_answers_after_a_garbage_request(tts_sandbox: Sandbox, api: Any) -> None:
    with socket.create_connection(("127.0.0.1", tts_sandbox.port), timeout=5) as conn:
        conn.sendall(b"POST /api/orders/search HTTP/1.1\r\nContent-Length: abc\r\n\r\n")
        chunks = []
        while chunk := conn.recv(65536):  # HTTP/1.0: the server closes when done
            chunks.append(chunk)
        reply = b"".join(chunks).decode()
    assert reply.startswith("HTTP/1.0 400")
    assert '"code": 36009004' in reply
    assert api.post("/api/orders/search")[1]["code"] == 0


GARBAGE_BODIES: list[Any] = [
    {"packages": [1, None]},
    {"packages": [{"id": {"nested": True}}]},
    {"package_list": [{"package_id": []}]},
    {"package_id": ["1150001"]},
    {"order_status": []},
    {"order_status": {"x": 1}},
    {"is_buyer_request_cancel": 3},
    {"cancel_ids": [{}]},
    {"cancel_status": 5},
    {"cancel_types": "BUYER_CANCEL"},
    {"order_id_list": "5760001"},
    {"reverse_order_id": []},
    {"page_size": [], "cursor": {}},
    {"self_shipment": [], "handover_method": 7},
    {"tracking_number": None, "shipping_provider_id": 1.5},
    {"order_line_item_ids": "7010001", "tracking_number": "t", "shipping_provider_id": "p"},
    {"reject_reason": ["a"], "comment": {}},
]
PATHS = [
    ("POST", "/order/202309/orders/search"),
    ("GET", "/order/202309/orders?ids=5760001"),
    ("POST", "/return_refund/202309/cancellations/search"),
    ("POST", "/return_refund/202309/cancellations/4030001/approve"),
    ("POST", "/return_refund/202309/cancellations/4030003/reject"),
    ("POST", "/fulfillment/202309/packages/1150002/ship"),
    ("POST", "/fulfillment/202309/packages/ship"),
    ("POST", "/fulfillment/202309/orders/5760002/packages"),
    ("POST", "/api/orders/search"),
    ("POST", "/api/orders/detail/query"),
    ("POST", "/api/fulfillment/rts"),
    ("POST", "/api/fulfillment/batch_rts"),
    ("POST", "/api/reverse/reverse_request/reject"),
]


@pytest.mark.sandbox(market="UK")
def test_garbage_bodies_never_cause_internal_errors(tts_sandbox: Sandbox, api: Any) -> None:
    for method, path in PATHS:
        for body in GARBAGE_BODIES:
            resp = api.raw(method, path, json=body)
            env = resp.json()
            assert resp.status_code != 500, (path, body, env)
            assert set(env) == {"code", "message", "request_id", "data"}
            assert (resp.status_code == 200) or env["code"] != 0
    assert all(e["status"] != 500 for e in tts_sandbox.request_log)


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_ipv6_loopback() -> None:
    with Sandbox(host="::1") as sb:
        assert sb.base_url.startswith("http://[::1]:")
        assert requests.post(sb.url("/api/orders/search"), json={}, timeout=5).json()["code"] == 0
