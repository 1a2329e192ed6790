"""Adoption of the new order fields and of the cancellation webhook, for the inventory.

Reads and filters of ``is_buyer_request_cancel`` / ``request_cancel_time`` show how far
an integration uses what replaced Reject Cancellation; a handler of webhook type 11
(cancellation status change) is where an app reacts to a buyer's cancel request.
"""

from __future__ import annotations

import libcst as cst

from audit.catalog import Catalog
from audit.python.strings import Evaluator

ADOPTION_ENDPOINT = "buyer_request_cancel"
WEBHOOK_ENDPOINT = "cancellation_webhook"
CANCELLATION_STATUS_CHANGE = 11
_CANCEL_TIME = "request_cancel_time"
_TYPE_NAMES = ("type", "event_type", "webhook_type", "notification_type", "msg_type")


def adoption_fields(catalog: Catalog) -> tuple[str, str]:
    return catalog.cancel_flag, _CANCEL_TIME


def _is_type_read(node: cst.BaseExpression, evaluator: Evaluator) -> bool:
    """``event["type"]``, ``event.get("type")``, ``event.type``, ``event_type``."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and evaluator.string(index.value) in _TYPE_NAMES
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return (
            node.func.attr.value == "get"
            and bool(node.args)
            and evaluator.string(node.args[0].value) in _TYPE_NAMES
        )
    if isinstance(node, cst.Attribute):
        return node.attr.value in _TYPE_NAMES
    return isinstance(node, cst.Name) and node.value in _TYPE_NAMES


def _is_eleven(node: cst.BaseExpression, evaluator: Evaluator) -> bool:
    if evaluator.integer(node) == CANCELLATION_STATUS_CHANGE:
        return True
    text = evaluator.string(node)
    return text is not None and text.strip() == str(CANCELLATION_STATUS_CHANGE)


def webhook_test(node: cst.Comparison, evaluator: Evaluator) -> bool:
    """``payload["type"] == 11`` (or ``in (11, ...)``): a cancellation webhook handler."""
    operands = [node.left, *(c.comparator for c in node.comparisons)]
    if not any(_is_type_read(o, evaluator) for o in operands):
        return False
    for operand in operands:
        if _is_eleven(operand, evaluator):
            return True
        if isinstance(operand, (cst.Tuple, cst.List, cst.Set)) and any(
            _is_eleven(e.value, evaluator) for e in operand.elements
        ):
            return True
    return False
