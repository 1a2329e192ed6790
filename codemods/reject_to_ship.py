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

import re
from collections.abc import Sequence
from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from audit.catalog import HOLE
from audit.findings import Finding
from audit.python.matchers import EndpointUse, call_use, path_use
from audit.python.strings import Evaluator
from codemods.base import AuditCodemod, FixSettings
from codemods.helper_module import (
    ASYNC_FUNCTION,
    HELPER_FUNCTION,
    TRANSPORT_FUNCTION,
    HelperImport,
)
from codemods.hints import RETIRE_NOTE

_ENDPOINT = "reject_cancellation"
_ID_KEYWORDS = ("cancel_id", "cancelId", "cancel_request_id", "id")
_BODY_KEYWORDS = ("body", "json", "data", "payload")
_QUERY_KEYWORDS = ("params", "query", "query_params")


class RejectToShip(AuditCodemod):
    DESCRIPTION = "Replace TikTok Shop Reject Cancellation with shipping the order (CA101)."
    RULE = "CA101"

    def __init__(
        self,
        context: CodemodContext,
        settings: Optional[FixSettings] = None,
        targets: Optional[Sequence[Finding]] = None,
        helper_import: Optional[HelperImport] = None,
    ) -> None:
        super().__init__(context, settings, targets)
        self.helper_import = helper_import or HelperImport("ship_to_reject")
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
        self.bindings.append(_simple_bindings(node))
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
            updated_node = _drop_unused_assignments(updated_node, spent)
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
            self.note_manual(
                original_node,
                f"keep Reject Cancellation for {self._other_markets()}; for US shops call "
                f"{TRANSPORT_FUNCTION}(send, cancel_id=...) instead",
            )
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
            self.note_manual(
                original,
                f"replace with {function}(<client>, order_id=<the request's order id>): "
                "read the order (Get Order Detail) and ship its packages (Ship Package) "
                "through the client, which rejects the request",
            )
            return updated
        self._import(function)
        self.changes += 1
        # ship as the project's own shipping does (handover method ...)
        ships = [f"{k}={v}" for k, v in self.settings.ship_options.keywords.items()]
        arguments = [_code(func.value), f"{keyword}={_code(value)}", *ships]
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
            return cst.parse_expression(f'{_code(cancel_id.value)}["order_id"]')
        return None

    def _rewrite_transport_call(
        self, original: cst.Call, updated: cst.Call, use: EndpointUse
    ) -> cst.BaseExpression:
        url = use.evidence
        local_name = None
        if isinstance(url, cst.Name) and self.bindings and url.value in self.bindings[-1]:
            local_name = url.value
            url = self.bindings[-1][url.value]
        send = _send_function(updated, use, self)
        cancel_id = _cancel_id_in_url(url) if isinstance(url, cst.BaseExpression) else None
        if send is None or cancel_id is None:
            self.note_manual(
                original,
                f"replace with {TRANSPORT_FUNCTION}(send, cancel_id=<cancel id>) where "
                "send(method, path, query, body) calls the API through this transport, "
                "its query through the transport's own query argument",
            )
            return updated
        self._import(TRANSPORT_FUNCTION)
        self.changes += 1
        if local_name is not None and self.spent_locals:
            self.spent_locals[-1].add(local_name)
        # ship as the project's own shipping does (its Ship Package body)
        body = ", ".join(f'"{k}": {v}' for k, v in self.settings.ship_options.body.items())
        ships = f"\n    ship_body={{{body}}}," if body else ""
        # the project's own version (its constant, its parameter), not the helper's
        version = _version_in_url(url) if isinstance(url, cst.BaseExpression) else None
        versions = f"\n    api_version={_code(version)}," if version is not None else ""
        return cst.parse_expression(
            f"{TRANSPORT_FUNCTION}(\n    {send},\n    cancel_id={_code(cancel_id)},"
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
            self.note_manual(element, f"remove the route {key!r} once nothing looks it up")
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


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _wrapped(call: cst.Call) -> str:
    """The call as written, its arguments on a line of their own when it is long (as a
    formatter would lay it out inside the rewritten call)."""
    code = _code(call)
    if len(code) <= 64 or "\n" in code:
        return code
    args = ", ".join(_code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for arg in call.args)
    return f"{_code(call.func)}(\n        {args}\n    )"


def _simple_bindings(function: cst.FunctionDef) -> dict[str, cst.BaseExpression]:
    """``name = expr`` and ``a, b = x, y`` bound once in the function body."""
    found: dict[str, cst.BaseExpression] = {}
    seen: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function  # nested functions have their own names

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                pairs: list[tuple[cst.BaseExpression, Optional[cst.BaseExpression]]] = []
                if isinstance(target.target, cst.Name):
                    pairs.append((target.target, node.value))
                elif isinstance(target.target, cst.Tuple) and isinstance(node.value, cst.Tuple):
                    values = [e.value for e in node.value.elements]
                    names = [e.value for e in target.target.elements]
                    if len(values) == len(names):
                        pairs.extend(zip(names, values))
                for name, value in pairs:
                    if isinstance(name, cst.Name) and value is not None:
                        if name.value in seen:
                            found.pop(name.value, None)  # rebound: not a simple binding
                        else:
                            found[name.value] = value
                        seen.add(name.value)

    function.visit(Collect())
    return found


def _drop_unused_assignments(function: cst.FunctionDef, names: set[str]) -> cst.FunctionDef:
    """Remove ``name = <url>`` lines whose name the rewrite left unused."""
    code = cst.Module(body=[]).code_for_node(function.body)

    class Drop(cst.CSTTransformer):
        def leave_SimpleStatementLine(
            self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
        ) -> Union[cst.SimpleStatementLine, cst.RemovalSentinel]:
            if len(updated_node.body) != 1 or not isinstance(updated_node.body[0], cst.Assign):
                return updated_node
            targets = updated_node.body[0].targets
            if len(targets) == 1 and isinstance(targets[0].target, cst.Name):
                name = targets[0].target.value
                if name in names and len(re.findall(rf"\b{re.escape(name)}\b", code)) == 1:
                    return cst.RemoveFromParent()
            return updated_node

    result = function.visit(Drop())
    assert isinstance(result, cst.FunctionDef)
    return result


def _cancel_id_argument(call: cst.Call) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in _ID_KEYWORDS:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[0].value if positional else None


def _cancel_id_in_url(url: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The expression that fills the ``{cancel_id}`` segment of a reject URL."""
    return _segment_after(url, "cancellations/")


def _version_in_url(url: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The expression that fills the version segment (``/return_refund/{API_VERSION}/``)."""
    return _segment_after(url, "return_refund/")


def _segment_after(url: cst.BaseExpression, prefix: str) -> Optional[cst.BaseExpression]:
    """The first expression in ``url`` that directly follows the text ``prefix``."""
    pieces: list[Union[str, cst.BaseExpression]] = []
    for piece in _flatten_add(url):  # BASE + f".../{cid}/reject" holds both kinds
        if isinstance(piece, cst.FormattedString):
            for part in piece.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    pieces.append(part.expression)
                elif isinstance(part, cst.FormattedStringText):
                    pieces.append(part.value)
        else:
            pieces.append(piece)
    text = ""
    for piece in pieces:
        if isinstance(piece, str):
            text += piece
        elif text.endswith(prefix):
            return piece
        else:
            text += HOLE
    return None


def _flatten_add(node: cst.BaseExpression) -> list[Union[str, cst.BaseExpression]]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _flatten_add(node.left) + _flatten_add(node.right)
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return [value if isinstance(value, str) else value.decode("latin-1")]
    return [node]


def _host_code(url: object, host: str, codemod: AuditCodemod) -> str:
    """The project's own name for the host (``BASE`` in ``BASE + f"..."``), else a literal."""
    if isinstance(url, cst.BaseExpression):
        first = _flatten_add(url)[0]
        if isinstance(first, cst.BaseExpression) and codemod.evaluator.string(first) == host:
            return _code(first)
    return f'"{host}"'


def _send_function(call: cst.Call, use: EndpointUse, codemod: AuditCodemod) -> Optional[str]:
    """``lambda method, path, query, body: <same transport>(...)`` mirroring the original
    call, or None when the transport shows no query argument to carry the query."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    receiver = _code(func.value)
    url_text = (
        codemod.evaluator.string(use.evidence)
        if isinstance(use.evidence, cst.BaseExpression)
        else None
    )
    if url_text is None:
        return None
    host = url_text.split("/return_refund/")[0] if "://" in url_text else ""
    if HOLE in host:
        return None
    path = f"{_host_code(use.evidence, host, codemod)} + _path" if host else "_path"
    keywords = [a.keyword.value for a in call.args if a.keyword is not None]
    http_verb = func.attr.value in ("post", "get", "put", "patch", "delete")
    body_keyword = next(
        (k for k in keywords if k in _BODY_KEYWORDS), "json" if http_verb else "body"
    )
    # requests and httpx sessions take params=; a project transport shows its own name.
    query_keyword = next(
        (k for k in keywords if k in _QUERY_KEYWORDS), "params" if http_verb else None
    )
    if query_keyword is None:
        return None
    positional = [a for a in call.args if a.keyword is None]
    if http_verb:
        method = "request"  # requests-style session.post(url, json=...) -> session.request
    elif len(positional) >= 2 and codemod.evaluator.string(positional[0].value) is not None:
        method = func.attr.value  # transport.request("POST", path, body=...)
    else:
        return None
    parts = ["_method", path, f"{query_keyword}=_query", f"{body_keyword}=_body"]
    arguments = ", ".join(parts)
    if len(arguments) > 64:  # one argument a line, as a formatter would
        arguments = "".join(f"\n        {part}," for part in parts) + "\n    "
    elif len(receiver) + len(arguments) > 40:
        arguments = f"\n        {arguments}\n    "
    return f"lambda _method, _path, _query, _body: {receiver}.{method}({arguments})"
