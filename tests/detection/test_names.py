"""What identifiers say about themselves: deny lists and signing functions."""

from __future__ import annotations

import pytest

from audit.python.names import is_signing_name, names_a_denial


@pytest.mark.parametrize(
    "name",
    [
        "DENIED_ROUTES",
        "blockedRoutes",
        "ForbiddenPaths",
        "BLOCKLIST",
        "PROHIBITED_ENDPOINTS",
        "PROHIBIDAS",  # a Spanish integrator's list of routes it never calls
        "_RUTAS_PROHIBIDAS",
        "rotas_proibidas",
        "ROUTES_INTERDITES",
        "endpointVietati",
        "gesperrt_routes",
    ],
)
def test_names_that_list_refused_routes(name: str) -> None:
    assert names_a_denial(name)


@pytest.mark.parametrize(
    "name", ["ROUTES", "REJECT_PATH", "banner_text", "blocker", "RUTAS", "rotas_permitidas"]
)
def test_names_that_do_not(name: str) -> None:
    assert not names_a_denial(name)


@pytest.mark.parametrize("name", ["generate_sign", "cal_sign", "get_signature", "hmac_sha256"])
def test_signing_functions(name: str) -> None:
    assert is_signing_name(name)


@pytest.mark.parametrize(
    "name",
    ["_call_signed", "post_signed_with_shop", "signed_request", "assign_order", "call_design"],
)
def test_functions_that_send_or_do_not_sign(name: str) -> None:
    assert not is_signing_name(name)
