"""The change to make by hand, per rule and language, in that language's idiom.

Non-Python findings are never rewritten; each carries one of these as its ``hint``, and
``cancel-audit explain`` shows the PHP, TypeScript and Go ones.
"""

from __future__ import annotations

_SHIP_TO_REJECT = {
    "php": (
        "delete the Reject Cancellation call and ship the order's packages instead "
        "(shipping rejects the pending request): "
        "foreach ($order['packages'] as $package) { "
        "$client->Fulfillment->shipPackage($package['id'], ['handover_method' => 'DROP_OFF']); }"
    ),
    "typescript": (
        "delete the Reject Cancellation call and ship the order's packages instead "
        "(shipping rejects the pending request): "
        "for (const pkg of order.packages) { await sdk.fulfillment.shipPackage("
        "{ package_id: pkg.id, body: { handover_method: 'DROP_OFF' } }); }"
    ),
    "go": (
        "delete the Reject Cancellation call and ship the order's packages instead "
        "(shipping rejects the pending request): "
        "for _, pkg := range order.Packages { if err := client.ShipPackage(ctx, pkg.ID, "
        'ShipPackageRequest{HandoverMethod: "DROP_OFF"}); err != nil { return err } }'
    ),
    "java": (
        "delete the Reject Cancellation call and ship the order's packages instead "
        "(shipping rejects the pending request): "
        "for (Package pkg : order.getPackages()) { client.shipPackage(pkg.getId(), "
        'new ShipPackageRequest().handoverMethod("DROP_OFF")); }'
    ),
    "csharp": (
        "delete the Reject Cancellation call and ship the order's packages instead "
        "(shipping rejects the pending request): "
        "foreach (var pkg in order.Packages) { await client.ExecuteFulfillmentShipPackageAsync("
        'new FulfillmentShipPackageRequest { PackageId = pkg.Id, HandoverMethod = "DROP_OFF" }); }'
    ),
    "ruby": (
        "delete the Reject Cancellation call and ship the order's packages instead "
        "(shipping rejects the pending request): "
        "order['packages'].each { |pkg| client.ship_package(pkg['id'], "
        "handover_method: 'DROP_OFF') }"
    ),
}

_DROP_21011007 = {
    "php": (
        "delete the 21011007 arm (`case 21011007:` / `21011007 => ...`) and the reject-then-ship "
        "retry it guards: on v202309 in the US, shipping no longer fails this way"
    ),
    "typescript": (
        "delete the `if (err.code === 21011007)` branch and the reject-then-ship retry it "
        "guards: on v202309 in the US, shipping no longer fails this way"
    ),
    "go": (
        "delete the `case 21011007:` / `if resp.Code == 21011007 {}` branch and the "
        "reject-then-ship retry it guards: on v202309 in the US, shipping no longer fails this way"
    ),
    "java": (
        "delete the `if (e.getCode() == 21011007)` branch and the reject-then-ship retry it "
        "guards: on v202309 in the US, shipping no longer fails this way"
    ),
    "csharp": (
        "delete the `when (ex.Code == 21011007)` / `if (response.Code == 21011007)` branch and "
        "the reject-then-ship retry it guards: on v202309 in the US, shipping no longer fails "
        "this way"
    ),
    "ruby": (
        "delete the `when 21011007` / `if error.code == 21011007` branch and the "
        "reject-then-ship retry it guards: on v202309 in the US, shipping no longer fails this way"
    ),
}

_CHECK_FLAG = {
    "php": (
        "before shipping, skip orders with a pending cancel request or ship them on purpose: "
        "if ($order['is_buyer_request_cancel']) { continue; }"
    ),
    "typescript": (
        "before shipping, skip orders with a pending cancel request or ship them on purpose: "
        "if (order.is_buyer_request_cancel) continue;"
    ),
    "go": (
        "before shipping, skip orders with a pending cancel request or ship them on purpose: "
        "if order.IsBuyerRequestCancel { continue }"
    ),
    "java": (
        "before shipping, skip orders with a pending cancel request or ship them on purpose: "
        "if (Boolean.TRUE.equals(order.getIsBuyerRequestCancel())) { continue; }"
    ),
    "csharp": (
        "before shipping, skip orders with a pending cancel request or ship them on purpose: "
        "if (order.IsBuyerRequestCancel == true) continue;"
    ),
    "ruby": (
        "before shipping, skip orders with a pending cancel request or ship them on purpose: "
        "next if order['is_buyer_request_cancel']"
    ),
}

_ORDER_FILTER = {
    "php": "search orders instead: $client->Order->getOrderList([], "
    "['is_buyer_request_cancel' => true]) returns the orders with a pending request",
    "typescript": "search orders instead: sdk.order.getOrderList({ body: "
    "{ is_buyer_request_cancel: true } }) returns the orders with a pending request",
    "go": "search orders instead: POST /order/202309/orders/search with body "
    '{"is_buyer_request_cancel": true} returns the orders with a pending request',
    "java": "search orders instead: POST /order/202309/orders/search with body "
    '{"is_buyer_request_cancel": true} returns the orders with a pending request',
    "csharp": "search orders instead: ExecuteOrderSearchOrdersAsync with "
    "IsBuyerRequestCancel = true returns the orders with a pending request",
    "ruby": "search orders instead: POST /order/202309/orders/search with "
    "{ is_buyer_request_cancel: true } returns the orders with a pending request",
}

_GENERIC = {
    "CA102": "move this call to API v202309, then ship the order's packages to reject the "
    "request (POST /fulfillment/202309/packages/{package_id}/ship)",
    "CA302": "change the path to its v202309 endpoint (/api/orders/search -> POST "
    "/order/202309/orders/search, /api/orders/detail/query -> GET /order/202309/orders, "
    "/api/fulfillment/rts -> POST /fulfillment/202309/packages/{package_id}/ship, "
    "/api/fulfillment/batch_rts -> POST /fulfillment/202309/packages/ship) and the "
    "request/response fields with it",
    "CA101": "remove this Reject Cancellation path; ship the order's packages "
    "(POST /fulfillment/202309/packages/{package_id}/ship), which rejects the request",
    "CA201": "remove the 21011007 handling: on v202309 in the US, shipping no longer fails "
    "this way",
    "CA401": "read the order's is_buyer_request_cancel before shipping, or ship on purpose "
    "to reject the request",
    "CA301": "use Get Order List with is_buyer_request_cancel: true instead",
}

_BY_RULE = {
    "CA101": _SHIP_TO_REJECT,
    "CA201": _DROP_21011007,
    "CA401": _CHECK_FLAG,
    "CA301": _ORDER_FILTER,
}
_LANGUAGE_KEYS = {"javascript": "typescript", "tsx": "typescript"}


def hint(rule: str, language: str) -> str:
    """The hand change for a ``rule`` finding in ``language`` (any language we read)."""
    key = _LANGUAGE_KEYS.get(language, language)
    return _BY_RULE.get(rule, {}).get(key) or _GENERIC.get(rule, "")


_TITLES = {
    "php": "PHP",
    "typescript": "TypeScript",
    "javascript": "JavaScript",
    "go": "Go",
    "java": "Java",
    "csharp": "C#",
    "ruby": "Ruby",
    "openapi": "OpenAPI",
    "postman": "Postman",
    "markdown": "Markdown",
}


def title(language: str) -> str:
    return _TITLES.get(language, language)


EXPLAIN_LANGUAGES = (("PHP", "php"), ("TypeScript", "typescript"), ("Go", "go"))


def explain_examples(rule: str) -> list[tuple[str, str]]:
    """(language title, hand change) for the languages ``explain`` shows."""
    table = _BY_RULE.get(rule)
    if table is None or rule not in ("CA101", "CA201", "CA401"):
        return []
    return [(title, table[key]) for title, key in EXPLAIN_LANGUAGES]
