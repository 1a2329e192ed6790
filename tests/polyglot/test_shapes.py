"""What the fixtures' endpoint uses are, beyond their findings: the inventory."""

from __future__ import annotations

from pathlib import Path

from tests.polyglot.conftest import FIXTURES, scan_paths


def uses(rel: str) -> list[tuple[str, str, int]]:
    result = scan_paths(FIXTURES / rel)
    return [(i.endpoint, i.role, i.line) for i in result.inventory]


def test_php_actions_join_their_class_category() -> None:
    # 'orders' under category order is Get Order Detail; 'orders/search' under
    # affiliate_seller is the affiliate search, not Get Order List.
    assert uses("php/Order.php") == [
        ("order_detail", "definition", 8),
        ("order_detail", "call", 10),
    ]


def test_cancel_order_reject_return_and_affiliate_search_are_other_endpoints() -> None:
    assert uses("typescript/other_endpoints.ts") == [
        ("cancel_order", "call", 3),
        ("order_list", "call", 6),
    ]
    php = uses("php/ReturnRefund.php")
    assert ("cancel_order", "call", 32) in php
    assert [u for u in php if u[0] == "reject_cancellation" and u[1] == "call"] == [
        ("reject_cancellation", "call", 17),
        ("reject_cancellation", "call", 22),
    ]


def test_a_constant_is_judged_by_its_value_not_its_name() -> None:
    assert ("batch_ship_packages", "definition", 8) in uses("go/paths.go")


def test_csharp_path_in_separate_arguments_has_an_unknown_version() -> None:
    result = scan_paths(FIXTURES / "csharp/ReturnRefundExtensions.cs")
    reject = [
        i for i in result.inventory if i.endpoint == "reject_cancellation" and i.role == "call"
    ]
    assert [(i.line, i.version) for i in reject] == [(8, None), (23, None)]


def test_other_marketplaces_leave_no_trace() -> None:
    for rel in ("php/ShopeeClient.php", "go/lazada.go", "typescript/shopee_decoy.ts"):
        result = scan_paths(FIXTURES / rel)
        assert (result.findings, result.inventory) == ((), ()), rel


def test_template_literal_resolves_the_version_constant() -> None:
    result = scan_paths(FIXTURES / "typescript/template_literal.ts")
    [first] = [i for i in result.inventory if i.line == 7]
    assert (first.endpoint, first.version) == ("reject_cancellation", "202309")


def test_a_label_for_people_is_not_a_request(tmp_path: Path) -> None:
    (tmp_path / "Orders.node.ts").write_text(
        "// TikTok Shop n8n node\n"
        "export const op = {\n"
        "  displayName: 'POST /api/orders/search',\n"
        "  routing: { request: { method: 'POST', url: '=/api/orders/search' } },\n"
        "};\n",
        encoding="utf-8",
    )
    result = scan_paths(tmp_path)
    assert [(f.rule, f.line) for f in result.findings] == [("CA302", 4)]
