"""Ship Package, Batch Ship Packages and Mark Package As Shipped, before and after the change."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from audit.sandbox import Sandbox

AFTER_SALE = 21011007
SHIP = "/fulfillment/202309/packages/{}/ship"
BATCH = "/fulfillment/202309/packages/ship"
MARK = "/fulfillment/202309/orders/{}/packages"
TRACKING = {"tracking_number": "1Z999", "shipping_provider_id": "6617675021119438849"}


def assert_ok(status: int, env: dict[str, Any]) -> dict[str, Any]:
    assert status == 200, env
    assert env["code"] == 0, env
    assert env["message"] == "Success"
    assert env["request_id"]
    return env["data"]


def assert_after_sale(status: int, env: dict[str, Any]) -> None:
    assert status == 200
    assert env["code"] == AFTER_SALE
    assert env["message"] == "Package item has after-sale request"


def assert_untouched(sb: Sandbox, order_id: str, package_id: str, cancel_id: str) -> None:
    assert sb.order(order_id)["status"] == "AWAITING_SHIPMENT"
    assert sb.order(order_id)["is_buyer_request_cancel"] is True
    assert sb.package(package_id)["status"] == "PROCESSING"
    assert sb.cancellation(cancel_id)["cancel_status"] == "PENDING"


# -- US, v202309, after the change: ship wins and rejects the request -------------------


@pytest.mark.sandbox(scenario="pending-cancel", as_of="2024-04-15")
def test_us_ship_package_rejects_pending_cancel(tts_sandbox: Sandbox, api: Any) -> None:
    before = tts_sandbox.order("5760001")
    assert before["is_buyer_request_cancel"] is True
    assert before["request_cancel_time"] == 1700003600

    data = assert_ok(*api.post(SHIP.format("1150001"), {"handover_method": "PICKUP"}))
    assert data == {}

    cancel = tts_sandbox.cancellation("4030001")
    assert cancel["cancel_status"] == "REJECTED"
    assert cancel["reject_reason"] == "seller shipped"
    assert cancel["rejected_by"] == "SYSTEM"
    order = tts_sandbox.order("5760001")
    assert order["is_buyer_request_cancel"] is False
    assert order["request_cancel_time"] == 0
    assert order["status"] == "IN_TRANSIT"
    package = tts_sandbox.package("1150001")
    assert package["status"] == "SHIPPED"
    assert package["handover_method"] == "PICKUP"
    assert package["shipped_via"] == "ship_package"
    assert tts_sandbox.calls_to("reject_cancellation") == []


@pytest.mark.sandbox(as_of="2024-04-15")
def test_us_ship_first_of_two_packages_leaves_order_partially_shipping(
    tts_sandbox: Sandbox, api: Any
) -> None:
    assert_ok(*api.post(SHIP.format("1150003")))
    assert tts_sandbox.order("5760003")["status"] == "PARTIALLY_SHIPPING"
    assert tts_sandbox.cancellation("4030003")["cancel_status"] == "REJECTED"
    assert_ok(*api.post(SHIP.format("1150004")))
    assert tts_sandbox.order("5760003")["status"] == "IN_TRANSIT"


@pytest.mark.sandbox(as_of="2024-04-15")
def test_us_batch_ship_rejects_pending_cancel(tts_sandbox: Sandbox, api: Any) -> None:
    body = {"packages": [{"id": "1150001"}, {"id": "1150002", "handover_method": "DROP_OFF"}]}
    data = assert_ok(*api.post(BATCH, body))
    assert data == {"errors": []}
    assert tts_sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"
    assert {tts_sandbox.package(p)["status"] for p in ("1150001", "1150002")} == {"SHIPPED"}
    assert tts_sandbox.package("1150002")["handover_method"] == "DROP_OFF"


@pytest.mark.sandbox(as_of="2024-04-15")
def test_us_mark_package_shipped_rejects_pending_cancel(tts_sandbox: Sandbox, api: Any) -> None:
    body = {**TRACKING, "order_line_item_ids": ["7010001"]}
    data = assert_ok(*api.post(MARK.format("5760001"), body))
    assert data == {"order_id": "5760001", "packages": [{"id": "1150001"}]}
    package = tts_sandbox.package("1150001")
    assert package["tracking_number"] == "1Z999"
    assert package["shipped_via"] == "mark_package_shipped"
    assert tts_sandbox.cancellation("4030001")["reject_reason"] == "seller shipped"
    assert tts_sandbox.order("5760001")["status"] == "IN_TRANSIT"


@pytest.mark.sandbox(as_of="2024-04-15")
def test_mark_shipped_only_ships_the_named_lines(tts_sandbox: Sandbox, api: Any) -> None:
    data = assert_ok(
        *api.post(MARK.format("5760003"), {**TRACKING, "order_line_item_ids": ["7010004"]})
    )
    assert data["packages"] == [{"id": "1150004"}]
    assert tts_sandbox.package("1150003")["status"] == "PROCESSING"
    assert tts_sandbox.order("5760003")["status"] == "PARTIALLY_SHIPPING"


@pytest.mark.sandbox(as_of="2024-04-15")
def test_later_version_segment_keeps_the_new_behaviour(tts_sandbox: Sandbox, api: Any) -> None:
    assert_ok(*api.post("/fulfillment/202507/packages/1150001/ship"))
    assert tts_sandbox.cancellation("4030001")["cancel_status"] == "REJECTED"


# -- before the change, other markets, older versions: 21011007 --------------------------


@pytest.mark.sandbox(scenario="pending-cancel", as_of="2023-12-31")
def test_us_before_change_date_ship_fails_21011007(tts_sandbox: Sandbox, api: Any) -> None:
    assert_after_sale(*api.post(SHIP.format("1150001")))
    assert_untouched(tts_sandbox, "5760001", "1150001", "4030001")
    # the same day, an order without a cancel request ships normally
    assert_ok(*api.post(SHIP.format("1150002")))


@pytest.mark.sandbox(as_of="2024-01-01")
def test_change_date_itself_is_live(tts_sandbox: Sandbox, api: Any) -> None:
    assert_ok(*api.post(SHIP.format("1150001")))


@pytest.mark.sandbox(market="UK", as_of="2024-04-15")
@pytest.mark.parametrize(
    ("path", "body"),
    [
        (SHIP.format("1150001"), {}),
        (MARK.format("5760001"), TRACKING),
    ],
    ids=["ship_package", "mark_package_shipped"],
)
def test_uk_single_ship_fails_in_the_envelope(
    tts_sandbox: Sandbox, api: Any, path: str, body: dict[str, Any]
) -> None:
    assert_after_sale(*api.post(path, body))
    assert_untouched(tts_sandbox, "5760001", "1150001", "4030001")


@pytest.mark.sandbox(as_of="2024-04-15")
def test_version_before_202309_gets_old_behaviour(tts_sandbox: Sandbox, api: Any) -> None:
    assert_after_sale(*api.post("/fulfillment/202306/packages/1150001/ship"))


@pytest.mark.sandbox(as_of="2023-11-30")
def test_us_before_change_mark_shipped_fails_in_the_envelope(
    tts_sandbox: Sandbox, api: Any
) -> None:
    assert_after_sale(*api.post(MARK.format("5760001"), TRACKING))
    assert_untouched(tts_sandbox, "5760001", "1150001", "4030001")


@pytest.mark.sandbox(scenario="mixed-batch")
def test_mixed_batch_one_blocked_others_ship(tts_sandbox: Sandbox, api: Any) -> None:
    body = {"packages": [{"id": p} for p in ("1151001", "1151002", "1151003", "1151004")]}
    data = assert_ok(*api.post(BATCH, body))
    assert data["errors"] == [
        {
            "code": AFTER_SALE,
            "message": "Package item has after-sale request",
            "detail": {"package_id": "1151003"},
        }
    ]
    statuses = {p["id"]: p["status"] for p in tts_sandbox.state()["packages"]}
    assert statuses == {
        "1151001": "SHIPPED",
        "1151002": "SHIPPED",
        "1151003": "PROCESSING",
        "1151004": "SHIPPED",
    }
    assert tts_sandbox.cancellation("4031003")["cancel_status"] == "PENDING"
    assert tts_sandbox.order("5761003")["is_buyer_request_cancel"] is True
    assert tts_sandbox.calls_to("batch_ship_packages")[0]["code"] == 0


@pytest.mark.sandbox(scenario="mixed-batch", as_of="2024-04-01")
def test_mixed_batch_after_the_change_ships_everything(tts_sandbox: Sandbox, api: Any) -> None:
    body = {"packages": [{"id": p} for p in ("1151001", "1151002", "1151003", "1151004")]}
    assert assert_ok(*api.post(BATCH, body)) == {"errors": []}
    assert tts_sandbox.cancellation("4031003")["cancel_status"] == "REJECTED"


# -- errors that do not depend on the change ---------------------------------------------


@pytest.mark.sandbox(as_of="2024-04-15")
def test_shipping_twice_fails_clearly(tts_sandbox: Sandbox, api: Any) -> None:
    assert_ok(*api.post(SHIP.format("1150002")))
    status, env = api.post(SHIP.format("1150002"))
    assert (status, env["code"]) == (200, 21011002)
    assert "already been shipped" in env["message"]
    status, env = api.post(SHIP.format("1150006"))  # seeded as IN_TRANSIT
    assert env["code"] == 21011002
    data = assert_ok(*api.post(BATCH, {"packages": [{"id": "1150002"}]}))
    assert data["errors"][0]["code"] == 21011002
    status, env = api.post(MARK.format("5760002"), TRACKING)
    assert env["code"] == 21011002


@pytest.mark.sandbox(as_of="2024-04-15")
def test_unknown_ids_are_tiktok_shaped_errors(tts_sandbox: Sandbox, api: Any) -> None:
    status, env = api.post(SHIP.format("999"))
    assert (status, env["code"], env["data"]) == (200, 21011001, {})
    assert env["message"] == "Package does not exist: 999"
    data = assert_ok(*api.post(BATCH, {"packages": [{"id": "999"}, {"id": "1150002"}]}))
    assert data["errors"] == [
        {
            "code": 21011001,
            "message": "Package does not exist: 999",
            "detail": {"package_id": "999"},
        }
    ]
    status, env = api.post(MARK.format("999"), TRACKING)
    assert (status, env["code"]) == (200, 21001001)
    status, env = api.post(MARK.format("5760002"), {**TRACKING, "order_line_item_ids": ["nope"]})
    assert (status, env["code"]) == (200, 21011005)
    assert tts_sandbox.package("1150002")["status"] == "SHIPPED"  # from the batch


@pytest.mark.sandbox(as_of="2024-04-15")
def test_request_validation_errors(tts_sandbox: Sandbox, api: Any) -> None:
    for path, body, needle in [
        (BATCH, {}, "packages is a required field"),
        (BATCH, {"packages": "1150001"}, "packages is a required field"),
        (BATCH, {"packages": [{"handover_method": "PICKUP"}]}, "id is a required field"),
        (BATCH, {"packages": [{"id": str(i)} for i in range(51)]}, "at most 50"),
        (SHIP.format("1150002"), {"handover_method": "TELEPORT"}, "handover_method"),
        (MARK.format("5760002"), {"tracking_number": "1Z"}, "shipping_provider_id is a required"),
    ]:
        status, env = api.post(path, body)
        assert (status, env["code"]) == (400, 36009004), (path, env)
        assert needle in env["message"]
    assert tts_sandbox.package("1150002")["status"] == "PROCESSING"


def test_order_not_ready_cannot_ship(api_for: Callable[[Sandbox], Any]) -> None:
    scenario = {
        "market": "US",
        "orders": [{"id": "O1", "status": "UNPAID", "packages": ["P1"]}],
    }
    with Sandbox(scenario, as_of="2024-04-15") as sb:
        status, env = api_for(sb).post(SHIP.format("P1"))
        assert (status, env["code"]) == (200, 21011004) and "UNPAID" in env["message"]
