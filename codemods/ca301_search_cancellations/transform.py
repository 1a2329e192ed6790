"""CA301: find pending cancel requests with Get Order List's ``is_buyer_request_cancel``.

Get Order List now filters on ``is_buyer_request_cancel`` and returns
``request_cancel_time`` on each order, so a Search Cancellations lookup for pending
requests can become an order lookup::

    for cancel in client.search_cancellations(cancel_status=["CANCELLATION_REQUESTPENDING"]):
        notify(cancel["order_id"], cancel["create_time"])

    for cancel in client.get_order_list(is_buyer_request_cancel=True):
        notify(cancel["id"], cancel["request_cancel_time"])

The rewrite is unsafe (the results are orders, not cancellations) and happens only when it
is decidable: an SDK-style call whose client has an order-list method in the project, a
result iterated by ``for`` (directly or through one local name), a loop that only reads
keys an order carries under another name, and filters that mean the same for orders.
Everything else (a cancel id the loop needs, ``order_ids=``, a raw URL) gets a manual note
with the change to make.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import (
    Assignment,
    CodeRange,
    ParentNodeProvider,
    PositionProvider,
    ProviderT,
    ScopeProvider,
)

from audit.python.matchers import call_use
from codemods.base import AuditCodemod, ManualNote
from codemods.ca301_search_cancellations import notes
from codemods.ca301_search_cancellations.filters import (
    BUYER_CANCEL,
    DROP,
    FLAG,
    KEEP,
    KEY_MAP,
    ORDER_FILTERS,
    PENDING,
    STATUS,
    TYPES,
    apply_actions,
    literal_like,
)
from codemods.cst_helpers import only_assignment, parent_of, short_code

_SEARCH = "search_cancellations"
_ORDER_LIST = "order_list"
_ORDER_DETAIL = "order_detail"
_NEW_VERSION = "202309"  # Get Order List has the filter from this version on


@dataclass
class _Rewrite:
    method: str
    actions: list[str]  # per argument (or body-dict entry): KEEP, DROP or FLAG
    body_dict: bool  # the filters sit in one positional dict


@dataclass
class _Plan:
    calls: dict[int, _Rewrite] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)  # SimpleString -> new key
    handled: set[tuple[int, int]] = field(default_factory=set)  # (line, column) of calls


def _style(name: str) -> str:
    if "_" in name:
        return "snake"
    return "camel" if name[:1].islower() else "pascal"


class PendingViaOrderFilter(AuditCodemod):
    DESCRIPTION = (
        "Find pending TikTok Shop cancel requests with Get Order List's"
        " is_buyer_request_cancel filter instead of Search Cancellations (CA301)."
    )
    RULE = "CA301"
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (
        PositionProvider,
        ParentNodeProvider,
        ScopeProvider,
    )

    def start(self) -> None:
        self.plan = _Plan()
        self.module_code = ""
        self.flagged: set[tuple[int, int]] = set()

    @property
    def flag(self) -> str:
        return self.catalog.cancel_flag

    # -- planning --------------------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.plan = _Plan()
        self.module_code = node.code
        # Only the call sites the scanner reports: a search that also feeds Approve, or
        # one that looks up given ids, is not a hunt for pending requests.
        self.flagged = {(f.line, f.column) for f in self.rule_findings(node)}

    def visit_Call(self, node: cst.Call) -> None:
        use = call_use(node, self.evaluator, self.catalog)
        if use is None or use.endpoint != _SEARCH:
            return
        where = self.get_metadata(PositionProvider, node).start
        if (where.line, where.column + 1) not in self.flagged:
            return
        self.plan.handled.add((where.line, where.column + 1))
        if use.via != "method":
            self.note_manual(
                node, notes.by_path(use.description, self._order_list_path(), self.flag)
            )
            return
        if not isinstance(node.func, cst.Attribute):
            spelling = self._spelling(_ORDER_LIST, use.description.rstrip("()"))
            self.note_manual(node, notes.as_function(use.description, spelling, self.flag))
            return
        receiver = short_code(node.func.value)
        method = self._defined_method(_ORDER_LIST, node.func.attr.value)
        reasons: list[str] = []
        if method is None:
            method = self._spelling(_ORDER_LIST, node.func.attr.value)
            reasons.append(
                f"no Get Order List method ({', '.join(self._spellings(_ORDER_LIST))}) is"
                " defined in the project; add one that posts its filters to"
                f" {self._order_list_path()}"
            )
        actions, body_dict, filter_reasons = self._filters(node, receiver)
        reasons += filter_reasons
        loops, use_reasons = self._loops(node)
        reasons += use_reasons
        keys: dict[int, str] = {}
        for loop in loops:
            loop_keys, loop_reasons = self._loop_keys(loop)
            keys.update(loop_keys)
            reasons += loop_reasons
        if reasons:
            self.note_manual(node, notes.kept(reasons, receiver, method, self.flag))
            return
        self.plan.calls[id(node)] = _Rewrite(method, actions, body_dict)
        self.plan.keys.update(keys)

    def _order_list_path(self) -> str:
        templates = self.catalog.endpoints[_ORDER_LIST].templates
        return templates[0].template.replace("{version}", _NEW_VERSION)

    def _spellings(self, endpoint: str) -> tuple[str, ...]:
        found = self.catalog.endpoints[endpoint]
        return found.weak_methods + found.strong_methods

    def _spelling(self, endpoint: str, like: str) -> str:
        spellings = self._spellings(endpoint)
        return next((n for n in spellings if _style(n) == _style(like)), spellings[0])

    def _defined_method(self, endpoint: str, like: str) -> Optional[str]:
        """The project's own method for ``endpoint`` (a catalog spelling defined in this
        module or another one), in the style of ``like`` when it has several."""
        text = self.module_code + "\n" + self.settings.project_text
        defined = [
            name
            for name in self._spellings(endpoint)
            if re.search(rf"\bdef\s+{re.escape(name)}\s*\(", text)
        ]
        alike = [name for name in defined if _style(name) == _style(like)]
        chosen = alike or defined
        return chosen[0] if chosen else None

    def _filters(self, call: cst.Call, receiver: str) -> tuple[list[str], bool, list[str]]:
        """What happens to each filter, whether they sit in a body dict, and why not."""
        reasons: list[str] = []
        entries: list[tuple[Optional[str], cst.BaseExpression]] = []
        body_dict = False
        args = call.args
        if any(arg.star for arg in args):
            reasons.append("it passes *args/**kwargs, whose filters cannot be read")
        elif len(args) == 1 and args[0].keyword is None and isinstance(args[0].value, cst.Dict):
            body_dict = True
            for element in args[0].value.elements:
                key = element.key if isinstance(element, cst.DictElement) else None
                text = self.evaluator.string(key) if key is not None else None
                entries.append((text, element.value))
        elif any(arg.keyword is None for arg in args):
            reasons.append("it passes filters by position, and their meaning depends on the client")
        else:
            entries = [(arg.keyword.value if arg.keyword else None, arg.value) for arg in args]

        actions: list[str] = []
        for name, value in entries:
            if name == STATUS:
                statuses = self._strings(value)
                other = [s for s in statuses if s is not None and PENDING not in s.upper()]
                if other:
                    reasons.append(f"it searches for {', '.join(other)} requests, not pending ones")
                actions.append(FLAG)
            elif name == TYPES and self._strings(value) == [BUYER_CANCEL]:
                actions.append(DROP)
            elif name == "order_ids":
                like = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
                detail = self._defined_method(_ORDER_DETAIL, like) or self._spelling(
                    _ORDER_DETAIL, like
                )
                reasons.append(
                    "`order_ids=` asks about given orders, and Get Order List cannot filter by"
                    f" order id: use `{receiver}.{detail}(order_ids)` and keep the orders whose"
                    f' "{self.flag}" is true'
                )
                actions.append(KEEP)
            elif name == "cancel_ids":
                reasons.append(
                    "`cancel_ids=` asks about given cancel requests; orders have no cancel id"
                )
                actions.append(KEEP)
            elif name in ORDER_FILTERS:
                actions.append(KEEP)
            else:
                shown = f"`{name}`" if name is not None else "a computed key"
                reasons.append(f"{shown} has no Get Order List equivalent")
                actions.append(KEEP)
        if not reasons and FLAG not in actions:
            reasons.append(
                f"without `{STATUS}=` it finds cancel requests in every status, not only"
                " pending ones"
            )
        return actions, body_dict, reasons

    def _strings(self, node: cst.BaseExpression) -> list[Optional[str]]:
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return [
                self.evaluator.string(e.value) if isinstance(e, cst.Element) else None
                for e in node.elements
            ]
        return [self.evaluator.string(node)]

    def _parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return parent_of(self, node)

    def _only_assignment(self, target: cst.Name) -> Optional[Assignment]:
        return only_assignment(self.get_metadata(ScopeProvider, target, None), target)

    def _loops(self, call: cst.Call) -> tuple[list[cst.For], list[str]]:
        """The for loops that consume the call's result, or why it is not only that."""
        parent = self._parent(call)
        if isinstance(parent, cst.For) and parent.iter is call:
            return [parent], []
        if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
            return [], ["its result is not iterated by a `for` loop"]
        target = parent.targets[0].target
        if not isinstance(target, cst.Name):
            return [], [
                f"its result is stored in `{short_code(target)}`, not iterated by a `for` loop"
            ]
        assignment = self._only_assignment(target)
        if assignment is None:
            return [], [f"`{target.value}` is assigned more than once"]
        loops: list[cst.For] = []
        reasons: list[str] = []
        for access in assignment.references:
            node = access.node
            up = self._parent(node)
            if isinstance(up, cst.For) and up.iter is node:
                loops.append(up)
            elif (
                (isinstance(up, (cst.If, cst.While)) and up.test is node)
                or (isinstance(up, cst.UnaryOperation) and isinstance(up.operator, cst.Not))
                or (
                    isinstance(up, cst.Arg)
                    and isinstance(call_of := self._parent(up), cst.Call)
                    and isinstance(call_of.func, cst.Name)
                    and call_of.func.value == "len"
                )
            ):
                continue  # a list of orders is empty exactly when the cancellations were
            elif isinstance(up, cst.CompFor) and up.iter is node:
                comprehension = self._parent(up)
                shown = short_code(comprehension if comprehension is not None else up)
                reasons.append(f"a comprehension reads the cancellations (`{shown}`)")
            else:
                shown = short_code(up) if up is not None else target.value
                reasons.append(f"`{target.value}` is also used in `{shown}`")
        if not loops and not reasons:
            reasons.append(f"`{target.value}` is not iterated by a `for` loop")
        return loops, reasons

    def _loop_keys(self, loop: cst.For) -> tuple[dict[int, str], list[str]]:
        """New keys for every key the loop reads, or why the loop needs a cancellation."""
        target = loop.target
        if not isinstance(target, cst.Name):
            return {}, [f"the loop unpacks each cancellation (`for {short_code(target)} in ...`)"]
        name = target.value
        assignment = self._only_assignment(target)
        if assignment is None:
            return {}, [f"`{name}` is bound more than once in this function"]
        body = self.get_metadata(PositionProvider, loop.body)
        keys: dict[int, str] = {}
        reasons: list[str] = []
        for access in assignment.references:
            node = access.node
            if not _inside(self.get_metadata(PositionProvider, node), body):
                reasons.append(f"`{name}` is used after the loop")
                continue
            key = self._read_key(node)
            if key is None:
                up = self._parent(node)
                while isinstance(up, (cst.Arg, cst.Element, cst.ComparisonTarget)):
                    up = self._parent(up)
                shown = short_code(up) if up is not None else name
                reasons.append(f"the loop uses the whole cancellation (`{shown}`)")
                continue
            text = key.evaluated_value
            if isinstance(text, str) and text in KEY_MAP:
                keys[id(key)] = KEY_MAP[text]
            elif text == "cancel_id":
                reasons.append(
                    f'the loop reads {name}["cancel_id"]: cancel ids are not on orders, and'
                    " Approve Cancellation needs them"
                )
            else:
                reasons.append(f'the loop reads {name}["{text!s}"], which orders do not carry')
        return keys, reasons

    def _read_key(self, node: cst.CSTNode) -> Optional[cst.SimpleString]:
        """The literal key of ``NAME["key"]`` or ``NAME.get("key", ...)`` being read."""
        up = self._parent(node)
        if (
            isinstance(up, cst.Subscript)
            and up.value is node
            and len(up.slice) == 1
            and isinstance(up.slice[0].slice, cst.Index)
            and isinstance(up.slice[0].slice.value, cst.SimpleString)
        ):
            holder = self._parent(up)
            written = isinstance(holder, (cst.AssignTarget, cst.Del)) or (
                isinstance(holder, (cst.AugAssign, cst.AnnAssign)) and holder.target is up
            )
            return None if written else up.slice[0].slice.value
        if isinstance(up, cst.Attribute) and up.value is node and up.attr.value == "get":
            call = self._parent(up)
            if (
                isinstance(call, cst.Call)
                and call.func is up
                and call.args
                and call.args[0].keyword is None
                and isinstance(call.args[0].value, cst.SimpleString)
            ):
                return call.args[0].value
        return None

    # -- the rewrite -----------------------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        rewrite = self.plan.calls.get(id(original_node))
        if rewrite is None or not isinstance(updated_node.func, cst.Attribute):
            return updated_node
        self.changes += 1
        func = updated_node.func.with_changes(attr=cst.Name(rewrite.method))
        if not rewrite.body_dict:
            args = apply_actions(updated_node.args, rewrite.actions, self._flag_arg)
            return updated_node.with_changes(func=func, args=args)
        arg = updated_node.args[0]
        body = arg.value
        assert isinstance(body, cst.Dict)
        elements = [e for e in body.elements if isinstance(e, cst.DictElement)]
        new_body = body.with_changes(
            elements=apply_actions(elements, rewrite.actions, self._flag_entry)
        )
        return updated_node.with_changes(func=func, args=[arg.with_changes(value=new_body)])

    def _flag_arg(self, arg: cst.Arg) -> cst.Arg:
        return arg.with_changes(keyword=cst.Name(self.flag), value=cst.Name("True"))

    def _flag_entry(self, element: cst.DictElement) -> cst.DictElement:
        key = element.key
        text = self.flag
        new_key = (
            cst.SimpleString(literal_like(key, text))
            if isinstance(key, cst.SimpleString)
            else cst.SimpleString(f'"{text}"')
        )
        return element.with_changes(key=new_key, value=cst.Name("True"))

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        key = self.plan.keys.get(id(original_node))
        if key is None:
            return updated_node
        return updated_node.with_changes(value=literal_like(updated_node, key))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """Every other CA301 finding (a Search Cancellations path in a wrapper, a route
        table) gets a note too: the rewrite never guesses at them."""
        noted = {(note.line, note.column) for note in self.manual}
        for finding in self.rule_findings(original_node):
            where = (finding.line, finding.column)
            if where in self.plan.handled or where in noted:
                continue
            self.manual.append(
                ManualNote(
                    self.RULE,
                    finding.line,
                    finding.column,
                    notes.path_found(finding.matched, self._order_list_path(), self.flag),
                )
            )
        return updated_node


def _inside(inner: CodeRange, outer: CodeRange) -> bool:
    start = (inner.start.line, inner.start.column)
    return (outer.start.line, outer.start.column) <= start < (outer.end.line, outer.end.column)
