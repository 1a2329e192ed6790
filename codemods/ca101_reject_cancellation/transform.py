"""CA101: Reject Cancellation -> ship-to-reject.

Rewrites, in the project's own calling convention:

- an SDK-style call ``client.reject_cancellation(cancel["cancel_id"], ...)`` into
  ``ship_to_reject(client, order_id=cancel["order_id"])`` when the cancel record is at
  hand (directly or through a local name), else ``ship_to_reject(client, cancel_id=...)``
  when the project's ``search_cancellations`` can filter by ``cancel_ids``;
- a raw call through a transport, ``transport.request("POST", f".../{cid}/reject", ...)``
  or ``session.post(url, json=...)``, into ``ship_to_reject_via(send, cancel_id=cid)``
  where ``send`` goes through the same transport; a wrapper method whose URL sits in a
  local variable loses that variable too;
- a route-table entry that holds the path, once nothing looks it up.

With markets besides the US configured (an unsafe fix), SDK-style calls keep Reject
Cancellation as the helper's ``reject=`` fallback for the markets that still refuse to
ship; transport calls are left to a person. Anything else (a bare function, a generated
SDK method, a URL whose cancel id cannot be located) is left alone with a manual note:
the codemod never guesses.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from audit.python.matchers import EndpointUse, call_use, path_use
from audit.python.strings import Evaluator
from codemods.base import AuditCodemod
from codemods.ca101_reject_cancellation import notes
from codemods.ca101_reject_cancellation.transport import (
    cancel_id_in_url,
    send_function,
    version_in_url,
)
from codemods.cst_helpers import code_of, simple_bindings
from codemods.helper_module import (
    ASYNC_FUNCTION,
    HELPER_FUNCTION,
    TRANSPORT_FUNCTION,
)
from codemods.hints import RETIRE_NOTE
from codemods.name_uses import drop_unused_assignments

_ENDPOINT = "reject_cancellation"
_ID_KEYWORDS = ("cancel_id", "cancelId", "cancel_request_id", "id")


class RejectToShip(AuditCodemod):
    DESCRIPTION = "Replace TikTok Shop Reject Cancellation with shipping the order (CA101)."
    RULE = "CA101"
    IMPORTS_HELPER = True

    def start(self) -> None:
        self.function_stack: list[str] = []
        self.functions: list[cst.FunctionDef] = []
        self.bindings: list[dict[str, cst.BaseExpression]] = []
        # local URL variables whose only use was a rewritten call: their assignment goes
        self.spent_locals: list[set[str]] = []
        self.kept_fallbacks: set[int] = set()

    def client_ready(self, is_async: bool) -> bool:
        """The project's client can read an order and ship (run on its own, with no
        project facts, the codemod trusts the call)."""
        facts = self.settings.facts
        return facts.client_ready(is_async) if facts.functions else True

    def helper_cannot_call(self, is_async: bool, by_cancel_id: bool) -> str:
        """Why the helper's calls of the client's methods would fail, or "": it passes
        Search Cancellations ``cancel_ids`` alone (``by_cancel_id``), Get Order Detail a
        list of order ids, and Ship Package a package id with the options the project's
        own shipping passes."""
        facts = self.settings.facts
        detail = facts.method("order_detail", is_async)
        ship = facts.method("ship_package", is_async)
        if detail is None or ship is None:
            return ""
        calls = [(detail, 1, ()), (ship, 1, tuple(self.settings.ship_options.keywords))]
        search = facts.method("search_cancellations", is_async)
        if by_cancel_id and search is not None:
            calls.insert(0, (search, 0, ("cancel_ids",)))
        for fact, positional, keywords in calls:
            unbound = fact.unbound(positional, keywords)
            if unbound:
                function = ASYNC_FUNCTION if is_async else HELPER_FUNCTION
                return notes.needs_more(fact.name, unbound, function)
        return ""

    @property
    def search_by_cancel_id(self) -> bool:
        """The project's Search Cancellations can filter by ``cancel_ids``."""
        facts = self.settings.facts
        search = facts.method("search_cancellations")
        if not facts.functions:
            return True
        return search is not None and ("cancel_ids" in search.params or "**" in search.params)

    # -- where we are ---------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.function_stack.append(node.name.value)
        self.functions.append(node)
        self.bindings.append(simple_bindings(node))
        self.spent_locals.append(set())

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> Union[cst.FunctionDef, cst.RemovalSentinel]:
        self.function_stack.pop()
        self.functions.pop()
        self.bindings.pop()
        spent = self.spent_locals.pop()
        if self.target_within(original_node, shape="wrapper") is not None:
            if self.standalone:
                # Run on its own, the codemod cannot see the callers: a person decides.
                self.note_manual(original_node, RETIRE_NOTE)
                return updated_node
            # The runner asks for a wrapper only once every caller ships to reject.
            self.changes += 1
            return cst.RemoveFromParent()
        if spent:
            updated_node = drop_unused_assignments(updated_node, spent)
        return updated_node

    @property
    def evaluator(self) -> Evaluator:
        return Evaluator(
            self.scope,
            self.class_stack[-1] if self.class_stack else None,
            self.bindings[-1] if self.bindings else None,
        )

    # -- call sites -----------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        # ship_to_reject(..., reject=lambda: client.reject_cancellation(...)) is a rewrite
        # already made for mixed markets: its fallback stays.
        if isinstance(node.func, cst.Name) and node.func.value in (HELPER_FUNCTION, ASYNC_FUNCTION):
            for arg in node.args:
                keyword = arg.keyword.value if arg.keyword is not None else None
                if keyword == "reject" and isinstance(arg.value, cst.Lambda):
                    self.kept_fallbacks.add(id(arg.value.body))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) in self.kept_fallbacks:
            return updated_node
        use = call_use(original_node, self.evaluator, self.catalog)
        if use is None or use.endpoint != _ENDPOINT:
            return updated_node
        target = self.target_within(original_node)
        if target is None:
            return updated_node  # not asked for: suppressed, manual, or another rule's
        if target.shape == "wrapper":
            return updated_node  # the whole method goes or stays: see leave_FunctionDef
        if use.via == "method":
            return self._rewrite_method_call(original_node, updated_node, target.awaited)
        if not self.settings.us_only:
            self.note_manual(original_node, notes.transport_kept_for(self._other_markets()))
            return updated_node
        return self._rewrite_transport_call(original_node, updated_node, use)

    def _other_markets(self) -> str:
        return self.settings.markets.others_text()

    def _rewrite_method_call(
        self, original: cst.Call, updated: cst.Call, awaited: bool
    ) -> cst.BaseExpression:
        func = updated.func
        cancel_id = _cancel_id_argument(updated)
        order_id = self._order_at_hand(cancel_id)
        if order_id is not None:
            keyword, value = "order_id", order_id
        elif cancel_id is not None and self.search_by_cancel_id:
            keyword, value = "cancel_id", cancel_id
        else:
            keyword, value = "", None
        function = ASYNC_FUNCTION if awaited else HELPER_FUNCTION
        if not isinstance(func, cst.Attribute) or value is None or not self.client_ready(awaited):
            self.note_manual(original, notes.ship_by_hand(function))
            return updated
        cannot = self.helper_cannot_call(awaited, by_cancel_id=keyword == "cancel_id")
        if cannot:
            self.note_manual(original, cannot)
            return updated
        self._import(function)
        self.changes += 1
        # ship as the project's own shipping does (handover method ...)
        ships = [f"{k}={v}" for k, v in self.settings.ship_options.keywords.items()]
        arguments = [code_of(func.value), f"{keyword}={code_of(value)}", *ships]
        call = f"{function}({', '.join(arguments)})"
        if len(call) > 72:
            call = f"{function}(" + "".join(f"\n    {a}," for a in arguments) + "\n)"
        if not self.settings.us_only:
            # Other markets still reject this way: keep the call as the helper's fallback.
            call = (
                f"{function}("
                + "".join(f"\n    {a}," for a in arguments)
                + f"\n    # cancel-audit: ignore[CA101] still how {self._other_markets()} rejects\n"
                f"    reject=lambda: {_wrapped(original)},\n)"
            )
        return cst.parse_expression(call)

    def _order_at_hand(
        self, cancel_id: Optional[cst.BaseExpression]
    ) -> Optional[cst.BaseExpression]:
        """``cancel["cancel_id"]`` (directly or through a local name) -> ``cancel["order_id"]``.

        Search Cancellations returns both ids on each record, so the order is at hand.
        """
        if isinstance(cancel_id, cst.Name) and self.bindings:
            cancel_id = self.bindings[-1].get(cancel_id.value, cancel_id)
        if (
            isinstance(cancel_id, cst.Subscript)
            and len(cancel_id.slice) == 1
            and isinstance(cancel_id.slice[0].slice, cst.Index)
            and self.evaluator.string(cancel_id.slice[0].slice.value) == "cancel_id"
        ):
            return cst.parse_expression(f'{code_of(cancel_id.value)}["order_id"]')
        return None

    def _rewrite_transport_call(
        self, original: cst.Call, updated: cst.Call, use: EndpointUse
    ) -> cst.BaseExpression:
        url = use.evidence
        local_name = None
        if isinstance(url, cst.Name) and self.bindings and url.value in self.bindings[-1]:
            local_name = url.value
            url = self.bindings[-1][url.value]
        send = send_function(updated, use, self.evaluator)
        cancel_id = cancel_id_in_url(url) if isinstance(url, cst.BaseExpression) else None
        if send is None or cancel_id is None:
            self.note_manual(original, notes.TRANSPORT_BY_HAND)
            return updated
        self._import(TRANSPORT_FUNCTION)
        self.changes += 1
        if local_name is not None and self.spent_locals:
            self.spent_locals[-1].add(local_name)
        # ship as the project's own shipping does (its Ship Package body)
        body = ", ".join(f'"{k}": {v}' for k, v in self.settings.ship_options.body.items())
        ships = f"\n    ship_body={{{body}}}," if body else ""
        # the project's own version (its constant, its parameter), not the helper's
        version = version_in_url(url) if isinstance(url, cst.BaseExpression) else None
        versions = f"\n    api_version={code_of(version)}," if version is not None else ""
        return cst.parse_expression(
            f"{TRANSPORT_FUNCTION}(\n    {send},\n    cancel_id={code_of(cancel_id)},"
            f"{ships}{versions}\n)"
        )

    # -- definitions that hold the path ---------------------------------------------------

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        """Drop route-table entries that hold the Reject Cancellation path, once unused."""
        if self.function_stack or not self.settings.us_only:
            return updated_node
        kept: list[cst.BaseDictElement] = []
        for original, element in zip(original_node.elements, updated_node.elements):
            if isinstance(original, cst.DictElement) and self._removable_route(original):
                if element is updated_node.elements[-1] and kept:
                    # the new last entry takes the removed one's comma and line break
                    kept[-1] = kept[-1].with_changes(comma=element.comma)
                self.changes += 1
                continue
            kept.append(element)
        return updated_node.with_changes(elements=kept)

    def _removable_route(self, element: cst.DictElement) -> bool:
        use = path_use(element.value, self.evaluator, self.catalog)
        if use is None or use.endpoint != _ENDPOINT:
            return False
        key = self.evaluator.string(element.key)
        if key is None or self._key_used(key):
            self.note_manual(element, notes.route_still_used(key))
            return False
        return True

    def _key_used(self, key: str) -> bool:
        """A quoted mention of the key besides the entry itself means a lookup remains."""
        quoted = (f'"{key}"', f"'{key}'")
        here = sum(self.module_text.count(q) for q in quoted)
        elsewhere = sum(self.settings.project_text.count(q) for q in quoted)
        return here + elsewhere > 1

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.module_text = node.code

    def _import(self, name: str) -> None:
        AddImportsVisitor.add_needed_import(
            self.context,
            self.helper_import.module,
            name,
            relative=self.helper_import.relative,
        )


def _wrapped(call: cst.Call) -> str:
    """The call as written, its arguments on a line of their own when it is long (as a
    formatter would lay it out inside the rewritten call)."""
    code = code_of(call)
    if len(code) <= 64 or "\n" in code:
        return code
    args = ", ".join(
        code_of(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for arg in call.args
    )
    return f"{code_of(call.func)}(\n        {args}\n    )"


def _cancel_id_argument(call: cst.Call) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in _ID_KEYWORDS:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[0].value if positional else None
