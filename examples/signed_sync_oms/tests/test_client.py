"""The TikTok Shop client's own transport: signing, query strings, envelopes.

The sandbox runs strict (``app_secret=``), so every call here is also a check of
``TikTokShopClient._sign`` and of the query string ``_request`` builds.
"""

import pytest

from harbor_oms.tiktok import client as client_module
from harbor_oms.tiktok.errors import TikTokShopError

pytestmark = pytest.mark.sandbox(
    scenario="pending-cancel", market="US", as_of="2024-04-15", app_secret="hb-test-secret-0c41f7"
)


def test_order_list_follows_page_tokens(tts_sandbox, client, monkeypatch):
    monkeypatch.setattr(client_module, "PAGE_SIZE", 2)

    orders = client.get_order_list(order_status="AWAITING_SHIPMENT")

    assert [o["id"] for o in orders] == ["5760001", "5760002", "5760003", "5760004"]
    tokens = [e["query"].get("page_token") for e in tts_sandbox.calls_to("order_list")]
    assert tokens == [None, "2"]


def test_order_list_filters_on_buyer_cancel_requests(tts_sandbox, client):
    orders = client.get_order_list(is_buyer_request_cancel=True)

    assert {o["id"] for o in orders} == {"5760001", "5760003"}
    assert all(o["is_buyer_request_cancel"] and o["request_cancel_time"] for o in orders)


def test_order_detail_sends_ids_in_the_signed_query(tts_sandbox, client):
    orders = client.get_order_detail(["5760003", "5760002"])

    assert [o["id"] for o in orders] == ["5760003", "5760002"]
    assert [p["id"] for p in orders[0]["packages"]] == ["1150003", "1150004"]
    (call,) = tts_sandbox.calls_to("order_detail")
    assert call["query"]["ids"] == "5760003,5760002"
    assert call["query"]["shop_cipher"] == "ROW_harbor-us"
    assert "sign" in call["query"] and "timestamp" in call["query"]


def test_search_cancellations_finds_pending_buyer_requests(client):
    found = client.search_cancellations(cancel_status="CANCELLATION_REQUEST_PENDING")

    assert {(c["cancel_id"], c["order_id"]) for c in found} == {
        ("4030001", "5760001"),
        ("4030003", "5760003"),
    }


def test_error_envelope_raises_with_code(client):
    with pytest.raises(TikTokShopError) as caught:
        client.get_order_detail(["9999999"])

    assert caught.value.code != 0
    assert "9999999" in caught.value.message


def test_bad_signature_is_refused(tts_sandbox, client, monkeypatch):
    monkeypatch.setattr(client, "_sign", lambda path, params, body: "0" * 64)

    with pytest.raises(TikTokShopError):
        client.ship_package("1150002")

    assert tts_sandbox.package("1150002")["status"] == "PROCESSING"
