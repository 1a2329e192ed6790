"""The Python detector: one libcst pass over a module that yields findings and inventory.

It reports what ``audit.python.matchers`` recognises and adds what only a walk over the
tree can know: where a match sits (module constant, wrapper definition, function body),
whether the enclosing function consults ``is_buyer_request_cancel`` (CA401), and which
comments are suppressions.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from audit.catalog import Catalog, Rule
from audit.facts import FunctionFact
from audit.findings import Finding, InventoryEntry
from audit.markets import Markets
from audit.origin import PRODUCTION, marked, origin_of
from audit.python.adoption import ADOPTION_ENDPOINT, WEBHOOK_ENDPOINT, adoption_fields, webhook_test
from audit.python.matchers import (
    EndpointUse,
    call_use,
    callee_name,
    is_error_code,
    mentions_error,
    path_use,
    route_pattern_use,
)
from audit.python.model_builder import PENDING
from audit.python.names import is_signing_name, names_a_denial
from audit.python.project_model import ProjectModel
from audit.python.receivers import call_shape, receiver_names
from audit.python.scope import ModuleScope, collect_scope
from audit.python.sdk_modules import is_operation_module
from audit.python.strings import Evaluator
from audit.suppressions import Suppression, parse_suppression

# A search by time range, or a function that syncs everything, lists cancellations: it
# does not hunt for pending requests unless it says so (Rule.requires).
_LISTING = "listing"
_LISTING_NAME = re.compile(
    r"(?:create|update|request)_time|time_(?:from|to|ge|gt|lt|le)\b|^(?:since|start_time|end_time)$"
    r"|(?:^|_)sync|sync_",
    re.IGNORECASE,
)
_STRING_NODES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
_CODE_NODES = (cst.Integer, cst.Name, cst.Attribute, cst.Subscript)


@dataclass(frozen=True)
class FileContext:
    """What the scanner knows about a file before parsing it."""

    path: str  # relative POSIX path used in findings
    markets: Markets
    file_has_context: bool  # TikTok Shop markers in this file's bytes
    project_has_context: bool  # ... or anywhere in the scanned project
    project_constants: dict[str, Union[str, int]] = field(default_factory=dict)


@dataclass
class RawFinding:
    """A match before suppression, baseline and fingerprinting."""

    rule: Rule
    node: cst.CSTNode
    what: str
    strong: bool
    endpoint: Optional[str] = None
    # An 8-digit error code is rare enough to show without context, but not certain.
    floor: str = "low"
    defines: Optional[str] = None  # the module constant whose value this match is
    shape: str = ""  # see Finding.shape
    awaited: bool = False
    function: Optional[str] = None
    needs: frozenset[str] = frozenset()  # facts its functions must show (Rule.requires)
    listing: bool = False  # a function around it lists by time or syncs everything


@dataclass
class _Frame:
    name: str
    is_wrapper: bool  # a def named like an SDK method: its callers are the call sites
    class_name: Optional[str]
    # What the function does or reads: endpoint names it calls, the cancel flag it reads.
    facts: set[str] = field(default_factory=set)
    # Call-site findings that an enclosing function's facts may still excuse.
    deferred: list[RawFinding] = field(default_factory=list)
    # a project wrapper that project code calls: its callers are the call sites
    moved: bool = False
    builder: bool = False  # only returns a path: a definition, not a request


@dataclass
class DetectorOutput:
    findings: list[Finding]
    inventory: list[InventoryEntry]
    suppressions: list[Suppression]
    # Names the file's still-live 21011007 handling uses (legacy API code): constants
    # bound to them elsewhere in the project are live too.
    live_names: set[str] = field(default_factory=set)
    functions: list[FunctionFact] = field(default_factory=list)  # SDK-style defs here
    calls: Counter[str] = field(default_factory=Counter)  # SDK-style names called here


class _Visitor(cst.CSTVisitor):
    # No metadata dependencies: positions cost as much as the visit itself, so they are
    # computed afterwards, and only for files that have something to report.

    def __init__(self, catalog: Catalog, scope: ModuleScope, context: FileContext) -> None:
        super().__init__()
        self.catalog = catalog
        self.scope = scope
        self.context = context
        self.module_evaluator = Evaluator(scope)
        self.frames: list[_Frame] = [_Frame("<module>", False, None)]
        self.class_stack: list[str] = []
        self.raw: list[RawFinding] = []
        self.inventory: list[tuple[EndpointUse, str, cst.CSTNode]] = []
        self.suppressions: list[tuple[cst.Comment, Suppression]] = []
        # Nodes whose text was already evaluated as part of a larger expression (or that
        # must never count: docstrings, assignment targets, imports).
        self._skip: set[int] = set()
        self._claimed: Optional[cst.CSTNode] = None
        self._defining: Optional[str] = None  # inside ``NAME = ...`` at module level
        self._awaited: set[int] = set()
        self.functions: list[tuple[cst.CSTNode, FunctionFact]] = []
        self.calls: Counter[str] = Counter()
        self.model = catalog.project or ProjectModel()
        self._dict_keys: set[int] = set()  # keys of dict literals: a filter, not a read
        self._operation_module = False  # one operation of a generated SDK (see sdk_modules)
        markers = catalog.other_marketplaces
        self._foreign_names = (
            re.compile("|".join(re.escape(m) for m in markers), re.IGNORECASE) if markers else None
        )
        self._origin = origin_of(context.path)
        self._fields = frozenset(adoption_fields(catalog))

    # -- helpers --------------------------------------------------------------------------

    @property
    def evaluator(self) -> Evaluator:
        class_name = self.class_stack[-1] if self.class_stack else None
        if class_name is None:
            return self.module_evaluator
        return Evaluator(self.scope, class_name)

    def _in_function(self) -> bool:
        return len(self.frames) > 1

    def _report(
        self,
        rule_id: str,
        node: cst.CSTNode,
        what: str,
        strong: bool,
        endpoint: Optional[str] = None,
        floor: str = "low",
    ) -> None:
        rule = self.catalog.rules.get(rule_id)
        if rule is None:
            return
        self.raw.append(
            RawFinding(
                rule,
                node,
                what,
                strong,
                endpoint,
                floor,
                self._defining,
                shape="code",
                function=self._function_name(),
            )
        )

    def _function_name(self) -> Optional[str]:
        frame = self.frames[-1]
        if not self._in_function():
            return None
        return f"{frame.class_name}.{frame.name}" if frame.class_name else frame.name

    def _class_name(self) -> Optional[str]:
        return self.class_stack[-1] if self.class_stack else None

    def _foreign_receiver(self, node: cst.CSTNode) -> bool:
        """``shopee_api.get_order_list(...)``, ``lazada_client.get_order_detail(...)``: a
        call on another marketplace's module or client, in code that also serves TikTok."""
        if not isinstance(node, cst.Call) or self._foreign_names is None:
            return False
        return any(self._foreign_names.search(n) for n in receiver_names(node, self.scope) if n)

    def _shape(self, use: EndpointUse, role: str, node: cst.CSTNode) -> str:
        if use.via == "pattern":
            return "pattern"  # a regular expression describing the route
        if role == "definition":
            return "builder" if self._in_function() else "definition"
        if use.via == "wrapper":
            return "wrapper-call"  # a call of a project function that issues the request
        if use.via == "join":
            return "join-call"  # pieces the project's client joins into the path
        if self.frames[-1].is_wrapper:
            return "wrapper"  # the body of an SDK-style method: its callers are the sites
        if role == "url":
            return "url"
        if use.via == "method":
            is_method = isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            return "method-call" if is_method else "function-call"
        return "transport-call"

    def _endpoint_use(
        self, use: EndpointUse, role: str, node: cst.CSTNode, report: bool = True
    ) -> None:
        if not use.strong and (
            self.model.is_foreign(self.context.path, self._class_name())
            or self._foreign_receiver(node)
        ):
            return  # another marketplace's get_order_detail
        frame = self.frames[-1]
        if (
            role == "url"
            and frame.name in self.model.joins
            and self.catalog.match_path(use.description.replace("{}", "x1")) is None
        ):
            return  # the project's join method: its callers' pieces make the path
        if frame.builder and role == "url":
            role = "definition"
        if role == "definition" and self._defining and names_a_denial(self._defining):
            report = False  # a route the project refuses to send (a read-only gateway)
        self.inventory.append((use, role, node))
        if role != "definition":
            frame.facts.add(use.endpoint)
        rule = self.catalog.rule_for_endpoint(use.endpoint)
        if rule is None or not report:
            return
        raw = RawFinding(
            rule,
            node,
            use.description,
            use.strong,
            use.endpoint,
            shape=self._shape(use, role, node),
            awaited=id(node) in self._awaited,
            function=self._function_name(),
            needs=frozenset(rule.requires),
        )
        if rule.sites != "calls":
            self.raw.append(raw)
        elif (
            role != "definition"
            and self._in_function()
            and not frame.is_wrapper
            and not frame.moved
            and not self._operation_module  # a generated SDK's: its callers are the sites
            and not _filters_by(node, rule.lookup_filters, self.evaluator)
        ):
            frame.deferred.append(raw)  # decided when the enclosing functions are known

    # -- scopes ---------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.class_stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        method = self.catalog.method(name)
        class_name = self.class_stack[-1] if self.class_stack else None
        if (
            method is not None
            and not method.strong
            and self.model.is_foreign(self.context.path, class_name)
        ):
            method = None  # a Shopee client's get_order_detail
        if method is not None and not method.strong and _is_route_handler(node):
            method = None  # the service's own ``@router.get(...) def get_order_detail``
        if method is not None:
            use = EndpointUse(method.endpoint, None, method.strong, "method", node.name, name)
            self.inventory.append((use, "definition", node.name))
            fact = FunctionFact(
                name,
                method.endpoint,
                self.context.path,
                0,  # the line is filled in once positions are known
                class_name,
                _parameter_names(node.params),
                node.asynchronous is not None,
                _required_parameters(node, bound=class_name is not None),
            )
            self.functions.append((node, fact))
        frame = _Frame(name, method is not None, class_name)
        if len(self.frames) == 1:  # the model knows top-level functions and methods
            qualname = f"{class_name}.{name}" if class_name else name
            frame.moved = f"{self.context.path}::{qualname}" in self.model.called
            frame.builder = (self.context.path, qualname) in self.model.builder_functions
        else:
            frame.moved = self.frames[-1].moved
        self.frames.append(frame)
        self._skip_docstring(node.body)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        # A call site is excused by what its function, or any function around it, does:
        # reading is_buyer_request_cancel before shipping (CA401), approving (CA301).
        listing = _LISTING in frame.facts or bool(_LISTING_NAME.search(frame.name))
        self.frames[-1].deferred.extend(
            dataclasses.replace(raw, needs=raw.needs - frame.facts, listing=raw.listing or listing)
            for raw in frame.deferred
            if not frame.facts & set(raw.rule.excused_by)
        )

    def visit_Module(self, node: cst.Module) -> None:
        self._skip_docstring(node)
        self._operation_module = is_operation_module(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        # e.g. a Search Cancellations that never asks for pending requests: a listing
        self.raw.extend(raw for raw in self.frames[0].deferred if not (raw.needs and raw.listing))

    def _skip_docstring(self, body: Union[cst.Module, cst.BaseSuite]) -> None:
        statements = body.body
        if statements and isinstance(statements[0], cst.SimpleStatementLine):
            first = statements[0].body[0] if statements[0].body else None
            if isinstance(first, cst.Expr) and isinstance(first.value, _STRING_NODES):
                self._skip.add(id(first.value))

    # -- what never counts ----------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for assign_target in node.targets:
            self._skip.add(id(assign_target.target))
        first = node.targets[0].target
        if not self._in_function() and len(node.targets) == 1 and isinstance(first, cst.Name):
            self._defining = first.value

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self._defining = None

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._skip.add(id(node.target))
        if not self._in_function() and isinstance(node.target, cst.Name):
            self._defining = node.target.value  # PROHIBIDAS: tuple[...] = (...)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self._defining = None

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))
            if node.keyword.value == self.catalog.cancel_flag:  # get_order_list(is_buyer_...=)
                self.frames[-1].facts.add(self.catalog.cancel_flag)
            if _LISTING_NAME.search(node.keyword.value):
                self.frames[-1].facts.add(_LISTING)
            if node.keyword.value in self._fields:
                self._adoption(node.keyword, "filter")

    def _adoption(self, node: cst.CSTNode, role: str) -> None:
        """A read or filter of the new order fields: how far the change is adopted (by
        production code: a test's assertion or a vendored SDK adopts nothing)."""
        if self._origin != PRODUCTION:
            return
        name = node.value if isinstance(node, cst.Name) else role
        use = EndpointUse(ADOPTION_ENDPOINT, None, True, "field", node, name)
        self.inventory.append((use, role, node))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._dict_keys.add(id(node.key))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not (self.context.file_has_context or self.context.project_has_context):
            return
        hint = " ".join(
            (self.context.path, self._function_name() or "", self._class_name() or "")
        ).lower()
        if self._origin != PRODUCTION:
            return
        if webhook_test(node, self.evaluator) and any(
            word in hint for word in ("webhook", "notif", "event", "callback", "cancel")
        ):
            use = EndpointUse(WEBHOOK_ENDPOINT, None, True, "handler", node, "type 11")
            self.inventory.append((use, "handler", node))

    def visit_Comment(self, node: cst.Comment) -> None:
        suppression = parse_suppression(node.value)
        if suppression is not None:
            self.suppressions.append((node, suppression))

    # -- matches --------------------------------------------------------------------------

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def visit_Call(self, node: cst.Call) -> None:
        name = callee_name(node, self.evaluator)
        if name is not None and self.catalog.method(name) is not None:
            self.calls[name] += 1
        if self._claimed is not None:
            return  # part of an expression that already matched, e.g. urljoin(...) in post(...)
        if name is not None and is_signing_name(name) and self.catalog.method(name) is None:
            # the path handed to a signing function is no request (nor is a test vector)
            self._skip.update(id(arg.value) for arg in node.args)
            return
        pattern = route_pattern_use(node, self.evaluator, self.catalog)
        if pattern is not None:
            self._skip.update(id(arg.value) for arg in node.args)
            self._endpoint_use(pattern, "definition", node)
            return
        use = call_use(node, self.evaluator, self.catalog)
        if use is None:
            if name is not None and name in self.model.wrappers:
                self._wrapper_call(node)
            return
        if use.via == "url":
            self._skip.add(id(use.evidence))
        self._endpoint_use(use, "call", node)

    def _wrapper_call(self, node: cst.Call) -> None:
        """A call of a project function or method that issues TikTok Shop requests: a
        call site of each endpoint it issues (inventory role ``call``); a call-site
        finding where a thin wrapper leaves the decision to its callers."""
        shape = call_shape(node, self.scope)
        if shape is None or shape.name not in self.model.wrappers:
            return
        class_name = self._class_name()
        if shape.kind == "other" and self.model.is_foreign(self.context.path, class_name):
            return  # shopee_client.get_orders() in another marketplace's code
        wrapper = self.model.resolve(shape, self.context.path, class_name)
        if wrapper is None:
            return
        if wrapper.path == self.context.path and wrapper.qualname == self._function_name():
            return  # recursion
        frame = self.frames[-1]
        if wrapper.reads_flag:
            frame.facts.add(self.catalog.cancel_flag)  # the wrapper consults the flag
        if wrapper.pending:
            frame.facts.add("pending")
        decided_by_callers = wrapper.thin and wrapper.key in self.model.called
        for endpoint, version in wrapper.uses:
            use = EndpointUse(endpoint, version, True, "wrapper", node, wrapper.describe())
            report = decided_by_callers and endpoint in wrapper.sites
            self._endpoint_use(use, "call", node, report=report)

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Claim before the visit_* methods run, so visit_Call sees what is already matched.
        if self._claimed is None and id(node) in self._skip:
            self._claimed = node
        if self._claimed is None:
            self._match_expression(node)
        return super().on_visit(node)

    def _match_expression(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name) and node.value == self.catalog.cancel_flag:
            self.frames[-1].facts.add(self.catalog.cancel_flag)
        if isinstance(node, cst.Name):
            if "pending" in node.value.lower():
                self.frames[-1].facts.add("pending")
            if node.value in self._fields:
                self._adoption(node, "read")
        if isinstance(node, (*_STRING_NODES, cst.BinaryOperation)):
            self._string_expression(node)
        elif isinstance(node, _CODE_NODES) and is_error_code(node, self.evaluator, self.catalog):
            self._claimed = node
            code_rule = self.catalog.code_rule()
            self._report(code_rule.id, node, _short_code(node), strong=False, floor="medium")

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if original_node is self._claimed:
            self._claimed = None
        super().on_leave(original_node)

    def _string_expression(self, node: cst.BaseExpression) -> None:
        evaluator = self.evaluator
        text = evaluator.string(node)
        if text is None:
            return
        self._claimed = node  # inner parts are part of this text, not matches of their own
        if self.catalog.cancel_flag in text:
            self.frames[-1].facts.add(self.catalog.cancel_flag)
        if PENDING.search(text):
            self.frames[-1].facts.add("pending")
        if _LISTING_NAME.search(text) and len(text) < 40:
            self.frames[-1].facts.add(_LISTING)  # {"update_time_ge": since}
        if text in self._fields:
            self._adoption(node, "filter" if id(node) in self._dict_keys else "read")
        if mentions_error(text, self.catalog):
            self._report(self.catalog.code_rule().id, node, _short_code(node), strong=True)
        use = path_use(node, evaluator, self.catalog)
        if use is not None:
            role = "url" if self._in_function() else "definition"
            self._endpoint_use(use, role, node)


_ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "route", "api_route", "api_view", "websocket"}
)


def _is_route_handler(function: cst.FunctionDef) -> bool:
    """``@router.get("/{order_id}")``, ``@app.route(...)``: a web framework's handler of
    the service's own route, named like an SDK method but serving, not calling."""
    for decorator in function.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        name = target.attr.value if isinstance(target, cst.Attribute) else None
        if isinstance(target, cst.Name):
            name = target.value
        if name in _ROUTE_DECORATORS:
            return True
    return False


def _filters_by(node: cst.CSTNode, names: tuple[str, ...], evaluator: Evaluator) -> bool:
    """A call that names given requests (``cancel_ids=[...]``) is a lookup, not a search."""
    if not names or not isinstance(node, cst.Call):
        return False
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value in names:
            return True
        if isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                if isinstance(element, cst.DictElement) and evaluator.string(element.key) in names:
                    return True
    return False


def _parameter_names(params: cst.Parameters) -> tuple[str, ...]:
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append("*" + params.star_arg.name.value)
    names.extend(p.name.value for p in params.kwonly_params)
    if params.star_kwarg is not None:
        names.append("**")
    return tuple(names)


def _required_parameters(node: cst.FunctionDef, bound: bool) -> tuple[str, ...]:
    """The parameters a call must pass (no default), without a method's ``self`` or
    ``cls``; keyword-only ones as ``*name``."""
    params = node.params
    positional = [*params.posonly_params, *params.params]
    static = any(
        isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
        for d in node.decorators
    )
    if bound and not static and positional:
        positional = positional[1:]
    required = [p.name.value for p in positional if p.default is None]
    required.extend("*" + p.name.value for p in params.kwonly_params if p.default is None)
    return tuple(required)


def _short_code(node: cst.CSTNode) -> str:
    code = cst.Module(body=[]).code_for_node(node)
    code = " ".join(code.split())
    return code if len(code) <= 60 else code[:57] + "..."


def detect(
    module: cst.Module, source_lines: list[str], catalog: Catalog, context: FileContext
) -> DetectorOutput:
    """Run the detector over a parsed module."""
    scope = collect_scope(module)
    project = catalog.project
    if project is not None:
        scope.project_constants = {**project.constants, **context.project_constants}
        scope.project_builders = project.builders
    else:
        scope.project_constants = context.project_constants
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    visitor = _Visitor(catalog, scope, context)
    wrapper.visit(visitor)
    if not (visitor.raw or visitor.inventory or visitor.suppressions):
        return DetectorOutput([], [], [], calls=visitor.calls)
    positions = wrapper.resolve(PositionProvider)
    functions = [
        dataclasses.replace(fact, line=positions[node].start.line)
        for node, fact in visitor.functions
    ]

    used = {use.endpoint for use, role, _ in visitor.inventory if role != "definition"}
    live_names: set[str] = set()
    findings = []
    for raw in _one_per_request(visitor.raw):
        if not _applies(raw.rule, context.markets):
            continue
        if used & set(raw.rule.live_with):
            # e.g. 21011007 handling in code that still ships through the legacy API,
            # where shipping still fails that way: live until the code moves (CA302).
            live_names.update(_names(raw.node))
            continue
        findings.append(_to_finding(raw, positions[raw.node], source_lines, catalog, context))
    inventory = []
    for use, role, node in visitor.inventory:
        start = positions[node].start
        inventory.append(
            InventoryEntry(
                use.endpoint, use.version, role, context.path, start.line, start.column + 1
            )
        )
    suppressions = [
        s.at(positions[comment].start.line, _comment_stands_alone(positions[comment], source_lines))
        for comment, s in visitor.suppressions
    ]
    return DetectorOutput(findings, inventory, suppressions, live_names, functions, visitor.calls)


_SENT = ("method-call", "function-call", "transport-call", "wrapper-call", "join-call")


def _one_per_request(raws: list[RawFinding]) -> list[RawFinding]:
    """A path built in a function (for signing, for a log line) and sent by it is one
    request: the call that sends it is the finding, or the first path when none does."""
    sent = {(r.rule.id, r.function, r.endpoint) for r in raws if r.shape in _SENT}
    seen: set[tuple[str, Optional[str], Optional[str]]] = set()
    kept = []
    for raw in raws:
        key = (raw.rule.id, raw.function, raw.endpoint)
        if raw.shape == "url" and raw.function is not None:
            if key in sent or key in seen:
                continue
            seen.add(key)
        kept.append(raw)
    return kept


def _names(node: cst.CSTNode) -> set[str]:
    """The identifiers a matched expression reads (``AFTER_SALE``, ``errors.AFTER_SALE``)."""
    if isinstance(node, cst.Name):
        return {node.value}
    if isinstance(node, cst.Attribute):
        return {node.attr.value}
    return set()


def _applies(rule: Rule, markets: Markets) -> bool:
    return not rule.us_only or markets.includes_us


def _confidence(raw: RawFinding, context: FileContext) -> str:
    """Weak evidence (a common method name, a relative path) needs TikTok Shop context."""
    if raw.strong or context.file_has_context:
        return "high"
    if context.project_has_context or raw.floor == "medium":
        return "medium"
    return "low"


def _comment_stands_alone(position: CodeRange, lines: list[str]) -> bool:
    line = lines[position.start.line - 1] if position.start.line <= len(lines) else ""
    return line[: position.start.column].strip() == ""


def _to_finding(
    raw: RawFinding,
    position: CodeRange,
    lines: list[str],
    catalog: Catalog,
    context: FileContext,
) -> Finding:
    start, end = position.start, position.end
    rule = raw.rule
    message = rule.finding_message(raw.what, context.markets)
    origin = origin_of(context.path)
    if raw.shape == "wrapper-call" and "->" in raw.what and raw.what not in message:
        message = f"{message} (through {raw.what})"  # the chain, where the text has none
    snippet = lines[start.line - 1].rstrip("\r\n") if start.line <= len(lines) else ""
    matched = cst.Module(body=[]).code_for_node(raw.node)
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        category=rule.category,
        path=context.path,
        line=start.line,
        column=start.column + 1,
        end_line=end.line,
        end_column=end.column + 1,
        message=marked(message, origin),
        snippet=snippet,
        confidence=_confidence(raw, context),
        fix=rule.fix.kind_for(context.markets),
        matched=matched,
        endpoint=raw.endpoint,
        origin=origin,
        defines=raw.defines,
        shape=raw.shape,
        awaited=raw.awaited,
        function=raw.function,
    )
