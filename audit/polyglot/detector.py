"""The detector for tree-sitter languages: one walk over a file's tree.

It finds what the Python detector finds, by the same catalog: endpoint paths in
evaluated strings (role ``url``, or ``definition`` outside functions and in annotations),
SDK method names and path arguments of calls (role ``call``), path segments passed as
separate arguments, 21011007 and its message, and reads of ``is_buyer_request_cancel``
that excuse a function's shipping (CA401) the way they do in Python. Comments are only
read for suppressions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable, Optional

from audit.catalog import HOLE, Catalog, MethodMatch, PathMatch, Rule
from audit.findings import InventoryEntry
from audit.origin import PRODUCTION, origin_of
from audit.polyglot import adoption, gating
from audit.polyglot.bindings import Bindings, collect
from audit.polyglot.results import (
    PolyglotContext,
    PolyglotOutput,
    RawMatch,
    confidence,
    position,
    stands_alone,
    to_finding,
)
from audit.polyglot.strings import Evaluator
from audit.polyglot.syntax import (
    ANNOTATIONS,
    BINARY,
    CALLS,
    CLASSES,
    COMMENTS,
    COMPARISON_OPERATORS,
    CONCAT_OPERATORS,
    FUNCTIONS,
    IDENTIFIERS,
    IMPORTS,
    MEMBER_ACCESS,
    NUMBERS,
    STRINGS,
    Node,
    call_arguments,
    callee,
    callee_name_node,
    operator,
    text,
)
from audit.suppressions import Suppression, parse_suppression

_FLAG_KEY = "isbuyerrequestcancel"
_LISTING = "listing"  # a fact: the function lists by time or syncs everything
_DECLARATOR_PARENTS = frozenset(
    {"variable_declarator", "const_spec", "var_spec", "const_element", "enum_assignment",
     "public_field_definition", "field_definition", "assignment", "property_element",
     "enum_member_declaration"}
)  # fmt: skip


@dataclass
class _Frame:
    name: str
    is_wrapper: bool
    class_name: Optional[str]
    facts: set[str] = field(default_factory=set)
    deferred: list[RawMatch] = field(default_factory=list)


@dataclass
class _Use:
    endpoint: str
    version: Optional[str]
    strong: bool
    via: str  # "method", "url", "segments"
    description: str


class _Walker:
    def __init__(
        self, source: bytes, root: Node, catalog: Catalog, context: PolyglotContext
    ) -> None:
        self.catalog = catalog
        self.context = context
        self.bindings: Bindings = collect(root)
        self.evidence = gating.Evidence(source)
        self.file_verdict = self.evidence.verdict()
        # What the file's bytes cannot hold is never looked for node by node.
        folded = source.lower().replace(b"_", b"")
        self.may_read_flag = _FLAG_KEY.encode() in folded
        self.may_hold_code = any(str(code).encode() in folded for code in catalog.codes)
        self.may_suppress = b"cancel-audit" in folded
        self.may_pend = b"pending" in folded
        self.may_list = any(word in folded for word in (b"time", b"since", b"sync"))
        self.production = origin_of(context.path) == PRODUCTION
        self.has_context = context.file_has_context or context.project_has_context
        self.frames = [_Frame("<module>", False, None)]
        self.classes: list[tuple[str, Optional[str]]] = []  # (name, verdict)
        self.annotation_depth = 0
        self.raw: list[RawMatch] = []
        self.inventory: list[tuple[_Use, str, Node, Optional[str]]] = []
        self.comments: list[tuple[Node, Suppression]] = []
        self.skip: set[tuple[int, int, str]] = set()
        self._evaluators: dict[Optional[str], Evaluator] = {}

    # -- context --------------------------------------------------------------------------

    @property
    def class_name(self) -> Optional[str]:
        return self.classes[-1][0] if self.classes else None

    @property
    def evaluator(self) -> Evaluator:
        name = self.class_name
        if name not in self._evaluators:
            self._evaluators[name] = Evaluator(self.bindings, name)
        return self._evaluators[name]

    def verdict(self) -> Optional[str]:
        for _, class_verdict in reversed(self.classes):
            if class_verdict is not None:
                return class_verdict
        return self.file_verdict

    def in_function(self) -> bool:
        return len(self.frames) > 1

    def function_name(self) -> Optional[str]:
        if not self.in_function():
            return None
        frame = self.frames[-1]
        return f"{frame.class_name}.{frame.name}" if frame.class_name else frame.name

    # -- the walk -------------------------------------------------------------------------

    def run(self, root: Node) -> None:
        stack: list[tuple[Node, bool]] = [(root, True)]
        while stack:
            node, entering = stack.pop()
            if not entering:
                self._leave(node)
                continue
            if self._enter(node):
                stack.append((node, False))
                # Anonymous children are punctuation and keywords: nothing to find there.
                stack.extend((child, True) for child in reversed(node.named_children))
        # e.g. a Search Cancellations that never asks for pending requests: a listing
        self.raw.extend(r for r in self.frames[0].deferred if not (r.needs and r.listing))

    def _enter(self, node: Node) -> bool:
        """Handle ``node``; True when its children are to be walked."""
        kind = node.type
        if (node.start_byte, node.end_byte, kind) in self.skip:
            return False
        if kind in COMMENTS:
            self._comment(node)
            return False
        if kind in IMPORTS:
            return False
        if kind in CLASSES:
            name = node.child_by_field_name("name")
            class_verdict = self.evidence.verdict(node.start_byte, node.end_byte)
            self.classes.append((text(name) if name else "<class>", class_verdict))
        elif kind in FUNCTIONS:
            self._function(node)
        elif kind in ANNOTATIONS:
            self.annotation_depth += 1
        elif kind in CALLS:
            return self._call(node)
        elif kind in STRINGS or (kind in BINARY and operator(node) in CONCAT_OPERATORS):
            return not self._string_expression(node)
        elif kind in BINARY and operator(node) in COMPARISON_OPERATORS:
            self._webhook(node, adoption.webhook_comparison)
        elif kind in adoption.SWITCHES:
            self._webhook(node, adoption.webhook_switch)
        elif (
            self.may_hold_code
            and (kind in NUMBERS or kind in IDENTIFIERS or kind in MEMBER_ACCESS)
            and self._error_code(node)
        ):
            return False
        if node.child_count == 0:
            self._leaf(node)
        return True

    def _leaf(self, node: Node) -> None:
        """Names and keys: the cancel flag read (CA401), pending, listings (CA301)."""
        if not (self.may_read_flag or self.may_pend or self.may_list):
            return
        value = text(node)
        folded = value.lower().replace("_", "")
        facts = self.frames[-1].facts
        if self.may_read_flag and _FLAG_KEY in folded:
            facts.add(self.catalog.cancel_flag)
            self._adoption(node)
        elif self.may_read_flag and "requestcanceltime" in folded:
            self._adoption(node)
        if self.may_pend and "pending" in folded:
            facts.add("pending")
        if self.may_list and len(value) < 40 and adoption.LISTING_NAME.search(value):
            facts.add(_LISTING)

    def _adoption(self, node: Node) -> None:
        """A read or filter of the new order fields (production code only)."""
        if self.production:
            use = _Use(adoption.ADOPTION_ENDPOINT, None, True, "field", text(node))
            self.inventory.append((use, adoption.adoption_role(node), node, self.verdict()))

    def _webhook(self, node: Node, test: Callable[[Node, Evaluator], bool]) -> None:
        """A handler of webhook type 11 (cancellation status change), for the inventory."""
        if not (self.production and self.has_context):
            return
        names = " ".join((self.context.path, self.function_name() or "", self.class_name or ""))
        if any(word in names.lower() for word in adoption.HANDLER_WORDS) and test(
            node, self.evaluator
        ):
            use = _Use(adoption.WEBHOOK_ENDPOINT, None, True, "handler", "type 11")
            self.inventory.append((use, "handler", node, self.verdict()))

    def _leave(self, node: Node) -> None:
        kind = node.type
        if kind in CLASSES:
            self.classes.pop()
        elif kind in FUNCTIONS:
            frame = self.frames.pop()
            # Excused by what the function, or one around it, does (CA401, CA301).
            listing = _LISTING in frame.facts or bool(adoption.LISTING_NAME.search(frame.name))
            self.frames[-1].deferred.extend(
                dataclasses.replace(
                    raw, needs=raw.needs - frame.facts, listing=raw.listing or listing
                )
                for raw in frame.deferred
                if not frame.facts & set(raw.rule.excused_by)
            )
        elif kind in ANNOTATIONS:
            self.annotation_depth -= 1

    def _mark_skipped(self, node: Node) -> None:
        self.skip.add((node.start_byte, node.end_byte, node.type))

    # -- scopes ---------------------------------------------------------------------------

    def _function(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None and node.parent is not None:
            name_node = node.parent.child_by_field_name("name")  # const f = () => ...
        name = text(name_node) if name_node is not None else "<anonymous>"
        method = self.catalog.method(name) or _generated_wrapper(name, self.catalog)
        if method is not None and name_node is not None:
            use = _Use(method.endpoint, None, method.strong, "method", f"{name}()")
            self.inventory.append((use, "definition", name_node, self.verdict()))
        self.frames.append(_Frame(name, method is not None, self.class_name))

    def _comment(self, node: Node) -> None:
        if not self.may_suppress:
            return
        body = text(node).lstrip()
        for opener in ("//", "/*", "#", "--"):
            if body.startswith(opener):
                body = "#" + body[len(opener) :]
                break
        suppression = parse_suppression(body.rstrip("*/ \t"))
        if suppression is not None:
            self.comments.append((node, suppression))

    # -- matches --------------------------------------------------------------------------

    def _match(self, value: str, action: bool = False) -> tuple[Optional[PathMatch], str]:
        """The endpoint ``value`` names, and the path as the client sends it: an ``action``
        (a call argument) relative to the class's category (``'orders'`` under ``order``)
        is joined to it first."""
        category = self.bindings.categories.get(self.class_name or "") if action else None
        if category is not None and not value.startswith(("/", "http")):
            prefix = (self.evaluator.string(category) or "").strip("/")
            if prefix and "/" not in prefix and HOLE not in prefix:
                path = f"/{prefix}/{HOLE}/{value}"
                joined = self.catalog.match_path(path)
                if joined is not None:
                    return joined, path
        return self.catalog.match_path(value), value

    def _call(self, node: Node) -> bool:
        name, _ = callee(node)
        evaluator = self.evaluator
        value = evaluator.string(node) if name is not None else None
        if value is not None:  # sprintf(...), "...".replace(...): a string, not a call
            return not self._string_expression(node, value)
        args = call_arguments(node)
        use: Optional[_Use] = None
        at = _method_line(node)  # a chained call spread over lines: the method's line
        method = self.catalog.method(name) if name is not None else None
        if method is not None:
            use = _Use(method.endpoint, None, method.strong, "method", f"{name}()")
        else:
            for arg in args:
                arg_value = evaluator.string(arg)
                if arg_value is None:
                    continue
                found, path = self._match(arg_value, action=True)
                if found is not None:
                    use = _Use(found.endpoint, found.version, found.strong, "url", _show(path))
                    at = arg  # the path argument is the evidence
                    self._mark_skipped(arg)
                    self._facts_of(arg_value)
                    break
            if use is None:
                use = self._segments(args, evaluator)
        if use is not None:
            lookup = any(f in text(node) for f in self._lookup_filters(use.endpoint))
            self._endpoint_use(use, "call", node, lookup, at)
        return True

    def _segments(self, args: list[Node], evaluator: Evaluator) -> Optional[_Use]:
        """``CreateFlurlRequest(request, HttpMethod.Post, "return_refund", v, "cancellations",
        id, "reject")``: the path in separate arguments."""
        values = [evaluator.string(a) for a in args]
        if sum(v is not None and v != HOLE for v in values) < 2:
            return None
        joined = "/".join(HOLE if v is None else v.strip("/") for v in values)
        found = self.catalog.match_path(joined)
        if found is None:
            return None
        return _Use(found.endpoint, found.version, found.strong, "segments", _show(joined))

    def _lookup_filters(self, endpoint: str) -> tuple[str, ...]:
        rule = self.catalog.rule_for_endpoint(endpoint)
        if rule is None:
            return ()
        names = list(rule.lookup_filters)
        names += [_camel(n) for n in rule.lookup_filters]
        return tuple(names)

    def _facts_of(self, value: str, node: Optional[Node] = None) -> None:
        facts = self.frames[-1].facts
        if self.catalog.cancel_flag in value:
            facts.add(self.catalog.cancel_flag)
        if node is not None and value.strip() in (self.catalog.cancel_flag, adoption.CANCEL_TIME):
            self._adoption(node)
        if self.may_pend and adoption.PENDING.search(value):
            facts.add("pending")
        if self.may_list and len(value) < 40 and adoption.LISTING_NAME.search(value):
            facts.add(_LISTING)  # {update_time_ge: since}

    def _string_expression(self, node: Node, value: Optional[str] = None) -> bool:
        """Evaluate a string-building expression; True when it was (its parts are not
        matches of their own)."""
        if value is None:
            value = self.evaluator.string(node)
        if value is None:
            return False
        self._facts_of(value, node)
        if _mentions_error(value, self.catalog):
            self._report(self.catalog.code_rule(), node, _short(node), strong=True)
        found, path = self._match(value)
        if found is not None and not _is_label(node):
            role = "definition" if self.annotation_depth or not self.in_function() else "url"
            use = _Use(found.endpoint, found.version, found.strong, "url", _show(path))
            self._endpoint_use(use, role, node, lookup=False)
        return True

    def _error_code(self, node: Node) -> bool:
        parent = node.parent
        if node.type not in NUMBERS and parent is not None and parent.type in _DECLARATOR_PARENTS:
            return False  # the constant's own name
        number = self.evaluator.integer(node)
        if number is None or number not in self.catalog.codes:
            return False
        self._report(self.catalog.code_rule(), node, _short(node), strong=False, floor="medium")
        return True

    def _report(self, rule: Rule, node: Node, what: str, strong: bool, floor: str = "low") -> None:
        self.raw.append(
            RawMatch(
                rule, node, what, strong, None, "code", self.function_name(), self.verdict(), floor
            )
        )

    def _endpoint_use(
        self, use: _Use, role: str, node: Node, lookup: bool, at: Optional[Node] = None
    ) -> None:
        self.inventory.append((use, role, at or node, self.verdict()))
        frame = self.frames[-1]
        if role != "definition":
            frame.facts.add(use.endpoint)
        rule = self.catalog.rule_for_endpoint(use.endpoint)
        if rule is None:
            return
        shape = "definition" if role == "definition" else ("wrapper" if frame.is_wrapper else role)
        raw = RawMatch(
            rule, node, use.description, use.strong, use.endpoint, shape,
            self.function_name(), self.verdict(), at=at, needs=frozenset(rule.requires),
        )  # fmt: skip
        if rule.sites != "calls":
            self.raw.append(raw)
        elif role != "definition" and self.in_function() and not frame.is_wrapper and not lookup:
            frame.deferred.append(raw)


def _generated_wrapper(name: str, catalog: Catalog) -> Optional[MethodMatch]:
    """``ExecuteFulfillmentBatchShipPackagesAsync``: a generated .NET SDK method named
    ``Execute<Category><Api>Async`` after an endpoint spelling it contains."""
    if not (name.startswith("Execute") and name.endswith("Async")):
        return None
    folded = name.lower()
    best: Optional[tuple[int, str]] = None
    for endpoint in catalog.endpoints.values():
        for spelling in (*endpoint.strong_methods, *endpoint.weak_methods):
            key = spelling.replace("_", "").lower()
            if len(key) >= 10 and key in folded and (best is None or len(key) > best[0]):
                best = (len(key), endpoint.name)
    return MethodMatch(best[1], strong=False) if best is not None else None


def _method_line(call: Node) -> Node:
    """The called method's name when a chained call starts on an earlier line."""
    name = callee_name_node(call)
    if name is not None and name.start_point[0] != call.start_point[0]:
        return name
    return call


# Keys whose string value is text for people (n8n's displayName: 'POST /api/orders/search'),
# not a request: the request itself is elsewhere (its routing url).
_LABEL_KEYS = frozenset(
    {
        "displayName",
        "display_name",
        "description",
        "title",
        "summary",
        "label",
        "hint",
        "placeholder",
    }
)


def _is_label(node: Node) -> bool:
    parent = node.parent
    if parent is None or parent.type not in ("pair", "array_element_initializer"):
        return False
    key = parent.child_by_field_name("key") or (parent.named_children or [None])[0]
    return (
        key is not None
        and key.start_byte < node.start_byte
        and (text(key).strip("'\"") in _LABEL_KEYS)
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _show(value: str) -> str:
    return value.replace(HOLE, "{}")


def _short(node: Node) -> str:
    code = " ".join(text(node).split())
    return code if len(code) <= 60 else code[:57] + "..."


def _mentions_error(value: str, catalog: Catalog) -> bool:
    lowered = value.lower()
    if any(message.lower() in lowered for message in catalog.messages):
        return True
    return value.strip() in {str(code) for code in catalog.codes}


def detect(source: bytes, root: Node, catalog: Catalog, context: PolyglotContext) -> PolyglotOutput:
    walker = _Walker(source, root, catalog, context)
    walker.run(root)
    lines = source.split(b"\n")
    used = {use.endpoint for use, role, _, _ in walker.inventory if role != "definition"}
    findings = []
    for raw in walker.raw:
        if raw.rule.us_only and not context.markets.includes_us:
            continue
        if used & set(raw.rule.live_with):
            continue  # 21011007 handling beside legacy shipping: still live (CA302 says so)
        level = confidence(raw, context)
        if level is not None:
            findings.append(to_finding(raw, level, lines, context))
    inventory = [
        InventoryEntry(use.endpoint, use.version, role, context.path, *position(node, lines))
        for use, role, node, verdict in walker.inventory
        if use.strong or verdict != "other"
    ]
    suppressions = [
        s.at(node.start_point[0] + 1, stands_alone(node, lines)) for node, s in walker.comments
    ]
    return PolyglotOutput(findings, inventory, suppressions)
