"""Adoption facts outside Python, as the Python detector records them: reads and filters
of ``is_buyer_request_cancel``/``request_cancel_time`` and handlers of webhook type 11
(cancellation status change), for the inventory; and the "pending"/"listing" facts that
decide whether a Search Cancellations hunts for pending requests (``Rule.requires``)."""

from __future__ import annotations

import re
from typing import Optional

from audit.polyglot.strings import Evaluator
from audit.polyglot.syntax import (
    IDENTIFIERS,
    MEMBER_ACCESS,
    NUMBERS,
    Node,
    field,
    member_parts,
    named_children,
    text,
)

ADOPTION_ENDPOINT = "buyer_request_cancel"  # the same inventory names as Python's
WEBHOOK_ENDPOINT = "cancellation_webhook"
CANCELLATION_STATUS_CHANGE = 11
CANCEL_TIME = "request_cancel_time"
PENDING = re.compile(r"pending", re.IGNORECASE)
# A search by time range, or a function that syncs everything, lists cancellations.
LISTING_NAME = re.compile(
    r"(?:create|update|request)_?time|time_?(?:from|to|ge|gt|lt|le)\b|^(?:since|start_?time|end_?time)$"
    r"|(?:^|_)sync|sync_|^sync",
    re.IGNORECASE,
)
HANDLER_WORDS = ("webhook", "notif", "event", "callback", "cancel")
_TYPE_NAMES = frozenset({"type", "event_type", "webhook_type", "notification_type", "msg_type"})
_TYPE_KEYS = _TYPE_NAMES | {"eventType", "webhookType", "notificationType", "msgType", "Type"}
_PAIRS = frozenset({"pair", "array_element_initializer", "keyword_argument", "element_binding"})
_SUBSCRIPTS = frozenset({"subscript_expression", "element_reference", "index_expression"})
SWITCHES = frozenset(
    {
        "switch_statement",
        "expression_switch_statement",
        "match_expression",
        "case",
        "switch_expression",
    }
)
_CASE_LABELS = frozenset(
    {"switch_case", "case_statement", "expression_case", "match_condition_list", "when",
     "case_switch_label", "switch_label", "constant_pattern", "switch_expression_arm"}
)  # fmt: skip


def _unwrap(node: Node) -> Node:
    while (
        node.type in ("parenthesized_expression", "expression_list")
        and len(named_children(node)) == 1
    ):
        node = named_children(node)[0]
    return node


def is_type_read(node: Node, evaluator: Evaluator) -> bool:
    """``event.type``, ``$event['type']``, ``payload["event_type"]``, ``msgType``."""
    node = _unwrap(node)
    if node.type in IDENTIFIERS:
        return text(node) in _TYPE_KEYS
    if node.type in MEMBER_ACCESS:
        _, member = member_parts(node)
        return member is not None and member.lstrip("$") in _TYPE_KEYS
    if node.type in _SUBSCRIPTS:
        kids = named_children(node)
        index = field(node, "index") or (kids[-1] if len(kids) >= 2 else None)
        return index is not None and evaluator.string(index) in _TYPE_KEYS
    return False


def is_eleven(node: Node, evaluator: Evaluator) -> bool:
    node = _unwrap(node)
    if node.type in NUMBERS:
        return evaluator.integer(node) == CANCELLATION_STATUS_CHANGE
    value = evaluator.string(node)
    return value is not None and value.strip() == str(CANCELLATION_STATUS_CHANGE)


def webhook_comparison(node: Node, evaluator: Evaluator) -> bool:
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None:
        return False
    return (is_type_read(left, evaluator) and is_eleven(right, evaluator)) or (
        is_type_read(right, evaluator) and is_eleven(left, evaluator)
    )


def webhook_switch(node: Node, evaluator: Evaluator) -> bool:
    """``switch (event.type) { case 11: ... }`` and its PHP, Go, C# and Ruby kin."""
    subject = field(node, "value") or field(node, "condition") or field(node, "subject")
    if subject is None or not is_type_read(subject, evaluator):
        return False
    stack = list(named_children(node))
    while stack:
        child = stack.pop()
        if child.type in _CASE_LABELS:
            if any(is_eleven(k, evaluator) for k in named_children(child)):
                return True
            value = field(child, "value")
            if value is not None and is_eleven(value, evaluator):
                return True
        stack.extend(c for c in named_children(child) if c.type not in SWITCHES)
    return False


def adoption_role(node: Node) -> str:
    """ "filter" when the field is a key the code sends (``{is_buyer_request_cancel: true}``,
    ``['is_buyer_request_cancel' => true]``), else "read"."""
    current: Optional[Node] = node
    for _ in range(3):
        parent = current.parent if current is not None else None
        if parent is None:
            break
        if parent.type in _PAIRS:
            key = field(parent, "key") or (named_children(parent) or [None])[0]
            if key is not None and key.start_byte <= node.start_byte < key.end_byte:
                return "filter"
            return "read"
        current = parent
    return "read"
