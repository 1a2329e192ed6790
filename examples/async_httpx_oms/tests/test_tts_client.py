"""The client itself: envelope errors carry TikTok's code."""

import hashlib
import hmac

import pytest

from kestrel_oms.tts import TikTokShopError, sign

APP_SECRET = "kestrel-sandbox-secret"


@pytest.mark.sandbox(
    scenario="pending-cancel", market="US", as_of="2024-04-15", app_secret=APP_SECRET
)
def test_error_envelope_raises_with_code(tts_sandbox, with_shop):
    async def job(shop):
        orders = await shop.get_order_detail(["5760002"])
        with pytest.raises(TikTokShopError) as caught:
            await shop.get_order_detail(["9999999"])
        return orders, caught.value

    orders, error = with_shop(job)

    assert [o["id"] for o in orders] == ["5760002"]
    assert orders[0]["is_buyer_request_cancel"] is False
    assert error.code == 21001001
    assert "9999999" in error.message


def test_sign_skips_sign_and_access_token_and_sorts_keys():
    query = {"timestamp": "1700000000", "app_key": "k", "sign": "x", "access_token": "t"}
    message = b"s/order/202309/orders/searchapp_keyktimestamp1700000000{}s"
    expected = hmac.new(b"s", message, hashlib.sha256).hexdigest()

    assert sign("s", "/order/202309/orders/search", query, "{}") == expected
