"""Strict mode: TikTok's request signature, checked by the sandbox when it has an app secret."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Optional

import pytest
import requests

from audit.sandbox import Sandbox
from audit.sandbox.pytest_plugin import MARKER_HELP
from audit.sandbox.signing import sign

SECRET = "s3cret"
SHIP = "/fulfillment/202309/packages/1150001/ship"
DETAIL = "/order/202309/orders"
STRICT = pytest.mark.sandbox(scenario="pending-cancel", market="US", app_secret=SECRET)

# Built by hand from the documented recipe, not with the code under test:
# app_secret + path + sorted key+value pairs (no sign, no access_token) + body + app_secret.
VECTOR_QUERY = {
    "timestamp": "1713139200",
    "shop_cipher": "ROW_c",
    "app_key": "k-1",
    "access_token": "tok",
    "sign": "ignored",
}
VECTOR_BODY = '{"handover_method":"PICKUP"}'
VECTOR_STRING = (
    b"s3cret/fulfillment/202309/packages/1150001/ship"
    b"app_keyk-1shop_cipherROW_ctimestamp1713139200"
    b'{"handover_method":"PICKUP"}s3cret'
)
# `openssl dgst -sha256 -hmac s3cret` of VECTOR_STRING
VECTOR_SIGN = "fb2cb4be9f6dab50053cf7dd57deb95b0543d8626bab7e3f1c2d23b4f2a07b27"


def by_hand(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def send(
    sb: Sandbox,
    method: str,
    path: str,
    query: dict[str, str],
    body: Optional[str] = None,
    headers: Optional[dict[str, str]] = None,
) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    return session.request(
        method,
        sb.url(path),
        params=query,
        data=body.encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=5,
    )


def signed_query(
    secret: str, path: str, body: str = "", app_key: str = "k-1", **extra: str
) -> dict[str, str]:
    query = {"app_key": app_key, "timestamp": "1713139200", "shop_cipher": "ROW_c", **extra}
    query["sign"] = sign(secret, path, query, body)
    return query


def assert_refused(resp: requests.Response, param: str = "sign") -> dict[str, Any]:
    envelope = resp.json()
    assert resp.status_code == 401
    assert envelope["code"] == 106001
    assert envelope["message"].startswith(f"Invalid credentials. The '{param}' query parameter")
    assert envelope["request_id"] and envelope["data"] == {}
    return envelope


# -- the algorithm ----------------------------------------------------------------------


def test_known_vector() -> None:
    assert by_hand(SECRET, VECTOR_STRING) == VECTOR_SIGN
    assert sign(SECRET, SHIP, VECTOR_QUERY, VECTOR_BODY) == VECTOR_SIGN
    assert sign(SECRET, SHIP, VECTOR_QUERY, VECTOR_BODY.encode()) == VECTOR_SIGN


def test_sign_and_access_token_are_not_signed_and_order_does_not_matter() -> None:
    without = {k: v for k, v in VECTOR_QUERY.items() if k not in ("sign", "access_token")}
    reordered = dict(reversed(list(VECTOR_QUERY.items())))
    assert sign(SECRET, SHIP, without, VECTOR_BODY) == VECTOR_SIGN
    assert sign(SECRET, SHIP, reordered, VECTOR_BODY) == VECTOR_SIGN
    assert sign(SECRET, SHIP, {**VECTOR_QUERY, "access_token": "other"}, VECTOR_BODY) == VECTOR_SIGN


def test_no_body_signs_the_empty_string() -> None:
    query = {"app_key": "k", "ids": "5760001", "timestamp": "1"}
    expected = by_hand("x", b"x/order/202309/ordersapp_keykids5760001timestamp1x")
    assert sign("x", DETAIL, query) == expected


# -- strict mode over HTTP ----------------------------------------------------------------


@STRICT
def test_correctly_signed_requests_are_accepted(tts_sandbox: Sandbox) -> None:
    body = json.dumps({"handover_method": "PICKUP"})
    resp = send(tts_sandbox, "POST", SHIP, signed_query(SECRET, SHIP, body), body)
    assert (resp.status_code, resp.json()["code"]) == (200, 0)
    assert tts_sandbox.package("1150001")["status"] == "SHIPPED"

    query = signed_query(SECRET, DETAIL, ids="5760001,5760002")
    resp = send(tts_sandbox, "GET", DETAIL, query)
    assert (resp.status_code, resp.json()["code"]) == (200, 0)
    assert [e["signature_valid"] for e in tts_sandbox.request_log] == [True, True]


@STRICT
def test_access_token_in_the_query_is_not_signed(tts_sandbox: Sandbox) -> None:
    query = signed_query(SECRET, DETAIL, ids="5760001")
    query["access_token"] = "added after signing"
    resp = send(tts_sandbox, "GET", DETAIL, query)
    assert resp.json()["code"] == 0


@STRICT
def test_a_sign_that_covers_access_token_is_refused(tts_sandbox: Sandbox) -> None:
    query = {"access_token": "tok", "app_key": "k", "ids": "5760001", "timestamp": "1"}
    message = b"s3cret/order/202309/ordersaccess_tokentokapp_keykids5760001timestamp1s3cret"
    query["sign"] = by_hand(SECRET, message)
    assert_refused(send(tts_sandbox, "GET", DETAIL, query))


@STRICT
@pytest.mark.parametrize(
    "tamper",
    ["wrong sign", "uppercase sign", "non-ascii sign", "other secret", "query value", "new param"],
)
def test_wrong_signatures_are_refused_and_change_nothing(tts_sandbox: Sandbox, tamper: str) -> None:
    body = json.dumps({"handover_method": "PICKUP"})
    query = signed_query(SECRET, SHIP, body)
    if tamper == "wrong sign":
        query["sign"] = "0" * 64
    elif tamper == "uppercase sign":
        query["sign"] = query["sign"].upper()
    elif tamper == "non-ascii sign":
        query["sign"] = "é" * 64
    elif tamper == "other secret":
        query = signed_query("not-the-secret", SHIP, body)
    elif tamper == "query value":
        query["shop_cipher"] = "ROW_other"
    else:
        query["page_size"] = "1"
    assert_refused(send(tts_sandbox, "POST", SHIP, query, body))
    assert tts_sandbox.package("1150001")["status"] == "PROCESSING"
    assert tts_sandbox.cancellation("4030001")["cancel_status"] == "PENDING"


@STRICT
def test_a_tampered_body_is_refused(tts_sandbox: Sandbox) -> None:
    query = signed_query(SECRET, SHIP, '{"handover_method":"PICKUP"}')
    assert_refused(send(tts_sandbox, "POST", SHIP, query, '{"handover_method":"DROP_OFF"}'))
    # the same JSON, spaced differently, is different bytes: refused too
    assert_refused(send(tts_sandbox, "POST", SHIP, query, '{"handover_method": "PICKUP"}'))
    assert tts_sandbox.package("1150001")["status"] == "PROCESSING"


@STRICT
def test_a_body_signed_but_not_sent_is_refused(tts_sandbox: Sandbox) -> None:
    query = signed_query(SECRET, SHIP, '{"handover_method":"PICKUP"}')
    assert_refused(send(tts_sandbox, "POST", SHIP, query))


@STRICT
@pytest.mark.parametrize("param", ["app_key", "timestamp", "sign"])
def test_missing_credentials_are_refused(tts_sandbox: Sandbox, param: str) -> None:
    query = signed_query(SECRET, DETAIL, ids="5760001")
    del query[param]
    envelope = assert_refused(send(tts_sandbox, "GET", DETAIL, query), param)
    assert envelope["message"].endswith("is missing.")
    query = signed_query(SECRET, DETAIL, ids="5760001")
    query[param] = ""
    assert_refused(send(tts_sandbox, "GET", DETAIL, query), param)


@STRICT
def test_refused_requests_are_logged_with_a_flag(tts_sandbox: Sandbox) -> None:
    body = '{"handover_method":"PICKUP"}'
    send(tts_sandbox, "POST", SHIP, {**signed_query(SECRET, SHIP, body), "sign": "bad"}, body)
    (entry,) = tts_sandbox.calls_to("ship_package")
    assert entry == {
        "method": "POST",
        "path": SHIP,
        "query": {**signed_query(SECRET, SHIP, body), "sign": "bad"},
        "body": {"handover_method": "PICKUP"},
        "status": 401,
        "code": 106001,
        "endpoint": "ship_package",
        "signature_valid": False,
    }


@STRICT
def test_multipart_bodies_are_not_signed(tts_sandbox: Sandbox) -> None:
    query = signed_query(SECRET, SHIP)
    resp = send(
        tts_sandbox,
        "POST",
        SHIP,
        query,
        "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    # past the signature check; the sandbox's endpoints then want JSON
    assert (resp.status_code, resp.json()["code"]) == (400, 36009004)
    assert tts_sandbox.request_log[0]["signature_valid"] is True


@STRICT
def test_unknown_paths_are_checked_too(tts_sandbox: Sandbox) -> None:
    path = "/product/202309/products/search"
    assert_refused(send(tts_sandbox, "POST", path, {"app_key": "k"}, "{}"), "timestamp")
    resp = send(tts_sandbox, "POST", path, signed_query(SECRET, path, "{}"), "{}")
    assert (resp.status_code, resp.json()["code"]) == (404, 36009009)


def test_app_key_is_checked_when_given() -> None:
    with Sandbox(app_secret=SECRET, app_key="k-1") as sb:
        assert sb.app_key == "k-1"
        ok = send(sb, "GET", DETAIL, signed_query(SECRET, DETAIL, ids="5760001"))
        assert ok.json()["code"] == 0
        query = signed_query(SECRET, DETAIL, app_key="k-2", ids="5760001")
        envelope = assert_refused(send(sb, "GET", DETAIL, query), "app_key")
        assert envelope["message"].endswith("is invalid.")
    with Sandbox(app_secret=SECRET) as sb:  # any app key
        query = signed_query(SECRET, DETAIL, app_key="k-2", ids="5760001")
        assert send(sb, "GET", DETAIL, query).json()["code"] == 0


# -- default mode and configuration ---------------------------------------------------------


def test_default_mode_accepts_unsigned_requests(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.verify_signatures is False
    assert tts_sandbox.app_secret is None and tts_sandbox.app_key is None
    resp = send(tts_sandbox, "GET", DETAIL, {"ids": "5760001", "sign": "bogus"})
    assert resp.json()["code"] == 0
    assert "signature_valid" not in tts_sandbox.request_log[0]


def test_sandbox_options() -> None:
    strict = Sandbox(app_secret="a")
    assert (strict.verify_signatures, strict.app_secret) == (True, "a")
    explicit = Sandbox(verify_signatures=True, app_secret="a")
    assert (explicit.verify_signatures, explicit.app_secret) == (True, "a")
    made_up = Sandbox(verify_signatures=True)
    assert made_up.verify_signatures
    assert made_up.app_secret is not None and len(made_up.app_secret) == 32
    assert made_up.app_secret != Sandbox(verify_signatures=True).app_secret
    lenient = Sandbox(verify_signatures=False, app_secret="a")
    assert (lenient.verify_signatures, lenient.app_secret) == (False, "a")
    with pytest.raises(ValueError, match="app_key is only checked"):
        Sandbox(app_key="k")
    with pytest.raises(ValueError, match="must not be empty"):
        Sandbox(app_secret="")


@pytest.mark.sandbox("legacy", app_secret="from-the-marker", app_key="k-1")
def test_marker_passes_strict_mode_through(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.scenario.name == "legacy"
    assert (tts_sandbox.verify_signatures, tts_sandbox.app_secret) == (True, "from-the-marker")
    assert tts_sandbox.app_key == "k-1"
    assert_refused(send(tts_sandbox, "GET", DETAIL, {"ids": "5760001"}), "app_key")
    assert "app_secret" in MARKER_HELP


@pytest.mark.parametrize(
    "tts_sandbox", [{"app_secret": "p1"}, {"verify_signatures": True}], indirect=True
)
def test_indirect_params_pass_strict_mode_through(tts_sandbox: Sandbox) -> None:
    assert tts_sandbox.verify_signatures
    assert tts_sandbox.app_secret is not None
    secret = tts_sandbox.app_secret
    resp = send(tts_sandbox, "GET", DETAIL, signed_query(secret, DETAIL, ids="5760001"))
    assert (resp.status_code, resp.json()["code"]) == (200, 0)
