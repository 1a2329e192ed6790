"""Does a 21011007 branch decide something? What CA201's fix may do with it.

In the US on v202309 shipping no longer fails with 21011007: the package ships and the
buyer's cancel request is rejected. Every branch that handles the error stops running.
Removing such a branch keeps what the code meant only when what it did now happens
anyway: it rejected the request and shipped again (a *retry*). A branch that held,
skipped or reported the package made a *decision*; the fix may move that decision
before the ship call, behind a check of the order's ``is_buyer_request_cancel``, when
the order record is at hand and the move is exact (a *guard*); otherwise a person does.

Both ``scan`` (to stamp each finding's fix safety) and the CA201 codemods (to act on it)
use this one analysis, so the two always agree.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from audit.catalog import Catalog
from audit.findings import Finding
from audit.python.code_tests import CodeTests
from audit.python.matchers import call_use
from audit.python.scope import ModuleScope
from audit.python.shapes import BATCH_GUARD, DECISION, GUARD, RETRY
from audit.python.strings import Evaluator

SHIP_ENDPOINTS = frozenset({"ship_package", "batch_ship_packages", "mark_package_shipped"})
REJECT_ENDPOINT = "reject_cancellation"
CANCEL_FLAG = "is_buyer_request_cancel"

Position = Callable[[cst.CSTNode], CodeRange]


@dataclass(frozen=True)
class BatchShip:
    """A ``result = client.batch_ship_packages(batch, ...)`` line whose errors are decided
    per package: what a guard before it needs."""

    statement: cst.BaseStatement  # the ship line, in a loop body
    batch: str  # the local list of package ids it ships
    client: str  # the receiver's code (``self.shop``)
    awaited: bool
    order_of: str  # the function's dict from package id to order id
    package: str  # the name the decision reads the package id from


@dataclass(frozen=True)
class Branch:
    """One 21011007 branch and what its fix takes."""

    kind: str  # RETRY, GUARD or DECISION
    spans: tuple[CodeRange, ...]  # the code tests (and flag assignments) that lead here
    why: str = ""  # for DECISION: why the decision cannot move by itself
    ship_try: Optional[cst.Try] = None  # GUARD: the try whose ship call it guards
    order: str = ""  # GUARD: the order record in scope
    decision: tuple[cst.BaseStatement, ...] = ()  # GUARD: what runs for a pending request
    batch: Optional[BatchShip] = None  # BATCH_GUARD: the batch ship the guard goes before

    def covers(self, line: int, column: int) -> bool:
        return any(_inside(span, line, column) for span in self.spans)


def find_branches(
    module: cst.Module, scope: ModuleScope, catalog: Catalog, position: Position
) -> list[Branch]:
    """Every 21011007 branch inside a function of ``module``."""
    finder = _Finder(module, scope, catalog, position)
    module.visit(finder)
    return finder.branches


def _inside(span: CodeRange, line: int, column: int) -> bool:
    start = (span.start.line, span.start.column + 1)
    end = (span.end.line, span.end.column + 1)
    return start <= (line, column) <= end


class _Finder(cst.CSTVisitor):
    def __init__(
        self, module: cst.Module, scope: ModuleScope, catalog: Catalog, position: Position
    ) -> None:
        self.scope = scope
        self.catalog = catalog
        self.position = position
        self.branches: list[Branch] = []
        self.classes: list[str] = []
        self.rejecters = _rejecting_functions(module, scope, catalog)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        evaluator = Evaluator(self.scope, self.classes[-1] if self.classes else None)
        _Function(self, node, evaluator).run()
        return False  # nested functions are analysed with their parent


class _Function:
    """The 21011007 branches of one function."""

    def __init__(self, finder: _Finder, function: cst.FunctionDef, evaluator: Evaluator) -> None:
        self.finder = finder
        self.function = function
        self.evaluator = evaluator
        self.catalog = finder.catalog
        self.flags = _flags(function, CodeTests(evaluator, finder.catalog))
        self.tests = CodeTests(evaluator, finder.catalog, {name: False for name in self.flags})

    def run(self) -> None:
        loops = _batch_error_loops(self.function, self.evaluator, self.catalog)
        for block, handler, ship_try, node in _blocks(self.function, self.evaluator, self.catalog):
            loop = loops.get(id(node)) if node is not None else None
            for index, statement in enumerate(block):
                if isinstance(statement, cst.If):
                    rest = list(block[index + 1 :])
                    before = list(block[:index])
                    self._if_chain(statement, rest, handler, ship_try, loop, before)

    def _if_chain(
        self,
        top: cst.If,
        rest: list[cst.BaseStatement],
        handler: Optional[cst.ExceptHandler],
        ship_try: Optional[cst.Try],
        loop: Optional[_ErrorLoop] = None,
        before: Sequence[cst.BaseStatement] = (),
    ) -> None:
        branch: Optional[cst.If] = top
        while branch is not None:
            used: list[cst.Name] = []
            value = self.tests.value(branch.test, used)
            if value is not None:
                spans = [self.finder.position(branch.test)]
                spans.extend(self.finder.position(self.flags[n.value]) for n in used)
                if not value and all(_is_pass(s) for s in _body(branch.body)):
                    # `if code == X: pass` decides nothing; what follows ran for every error
                    self.finder.branches.append(Branch(RETRY, tuple(spans)))
                else:
                    path = self._pending_path(branch, value, rest)
                    ship = ship_try if handler else None
                    judged = self._judge(tuple(spans), path, handler, ship)
                    if judged.kind == DECISION and handler is None and loop is not None:
                        judged = self._judge_batch(judged, path, loop, before)
                    self.finder.branches.append(judged)
            orelse = branch.orelse
            branch = orelse if isinstance(orelse, cst.If) else None

    def _pending_path(
        self, branch: cst.If, value: bool, rest: list[cst.BaseStatement]
    ) -> Optional[list[cst.BaseStatement]]:
        """What ran when shipping failed with 21011007, or None when it is not one block."""
        if not value:  # `code == X`: the branch body, then what follows the chain
            body = _body(branch.body)
            return body if _always_ends(body) else [*body, *rest]
        # `code != X: <other errors>; return`, then the 21011007 path
        if branch.orelse is None and _always_ends(_body(branch.body)):
            return rest
        return None

    def _judge(
        self,
        spans: tuple[CodeRange, ...],
        path: Optional[list[cst.BaseStatement]],
        handler: Optional[cst.ExceptHandler],
        ship_try: Optional[cst.Try],
    ) -> Branch:
        if path is None:
            return Branch(DECISION, spans, "the 21011007 path is not one block")
        decision, retried = self._without_retry(path)
        if all(_is_pass(s) for s in decision) and (retried or not path):
            return Branch(RETRY, spans)
        if ship_try is None or handler is None:
            return Branch(
                DECISION,
                spans,
                "it decides per package outside a ship call's error handler",
            )
        if not retried and not _always_ends(decision):
            return Branch(DECISION, spans, "what follows the handler would run for it too")
        if _mentions(decision, _handler_name(handler)) or _has_bare_raise(decision):
            return Branch(DECISION, spans, "the decision reads the error itself")
        order = _order_record(self.function)
        if order is None:
            return Branch(DECISION, spans, "no order record is at hand to check")
        return Branch(GUARD, spans, "", ship_try, order, tuple(decision))

    def _judge_batch(
        self,
        judged: Branch,
        path: Optional[list[cst.BaseStatement]],
        loop: _ErrorLoop,
        before: Sequence[cst.BaseStatement],
    ) -> Branch:
        """A decision per package of a batch ship's errors moves before the batch when it
        reads the package id only, and the function maps packages to their orders."""
        if path is None:
            return judged
        decision, retried = self._without_retry(path)
        if retried:
            return judged
        if decision and _is_continue(decision[-1]):
            decision = decision[:-1]  # next error there, next pending package here
        spans = judged.spans
        if not decision or _leaves_early(decision):
            return Branch(DECISION, spans, "the decision leaves the loop or the function")
        read = _names_read(decision)
        if loop.error in read:
            return Branch(DECISION, spans, "the decision reads the error itself")
        package = _package_name(before, loop.error, read)
        if package is None:
            return Branch(DECISION, spans, "the decision does not read one package id")
        if read & loop.bound_after_ship:
            return Branch(DECISION, spans, "the decision reads what the batch's result set")
        order_of = _package_to_order(self.function)
        if order_of is None:
            return Branch(DECISION, spans, "no mapping from package to order is at hand")
        ship = dataclasses.replace(loop.ship, order_of=order_of, package=package)
        return Branch(BATCH_GUARD, spans, "", None, "", tuple(decision), ship)

    def _without_retry(self, path: list[cst.BaseStatement]) -> tuple[list[cst.BaseStatement], bool]:
        """The path without its closing "reject the request, ship again" tail."""
        for index, statement in enumerate(path):
            if self._rejects(statement):
                tail = path[index:]
                ships = [_ships(s, self.evaluator, self.catalog) for s in tail]
                if any(ships) and all(s or self._rejects(t) for s, t in zip(ships, tail)):
                    return path[:index], True
                break
        return path, False

    def _rejects(self, statement: cst.CSTNode) -> bool:
        for call in _calls(statement):
            use = call_use(call, self.evaluator, self.catalog)
            if use is not None and use.endpoint == REJECT_ENDPOINT:
                return True
            if _callee(call) in self.finder.rejecters:
                return True
        return False


def _ships(node: cst.CSTNode, evaluator: Evaluator, catalog: Catalog) -> bool:
    for call in _calls(node):
        use = call_use(call, evaluator, catalog)
        if use is not None and use.endpoint in SHIP_ENDPOINTS:
            return True
    return False


Block = tuple[
    Sequence[cst.BaseStatement],
    Optional[cst.ExceptHandler],
    Optional[cst.Try],
    Optional[cst.IndentedBlock],  # the block itself (None for a handler's body)
]


def _blocks(function: cst.FunctionDef, evaluator: Evaluator, catalog: Catalog) -> list[Block]:
    """Every statement block of the function; an except handler's body comes with its
    handler, and with the handler's try when the try's body ships."""
    found: list[Block] = []
    handler_bodies: set[int] = set()

    class Blocks(cst.CSTVisitor):
        def __init__(self) -> None:
            self.tries: list[cst.Try] = []

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Try(self, node: cst.Try) -> None:
            self.tries.append(node)

        def leave_Try(self, original_node: cst.Try) -> None:
            self.tries.pop()

        def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
            owner = self.tries[-1] if self.tries else None
            ships = owner is not None and _ships(owner.body, evaluator, catalog)
            found.append((_body(node.body), node, owner if ships else None, None))
            handler_bodies.add(id(node.body))

        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            if id(node) not in handler_bodies:
                found.append((list(node.body), None, None, node))

    function.visit(Blocks())
    return found


@dataclass(frozen=True)
class _ErrorLoop:
    """``for err in result["errors"]:`` after ``result = client.batch_ship_packages(...)``."""

    ship: BatchShip  # order_of and package still empty
    error: str  # the loop's target
    bound_after_ship: frozenset[str]  # names set between the ship line and the loop


def _batch_error_loops(
    function: cst.FunctionDef, evaluator: Evaluator, catalog: Catalog
) -> dict[int, _ErrorLoop]:
    """The loops over a batch ship's errors, by the id of the loop's body. The ship line
    must sit in a ``for`` body, so a guard that empties the batch can ``continue`` (in a
    ``while`` that would skip the counter's step)."""
    found: dict[int, _ErrorLoop] = {}
    loop_bodies: set[int] = set()

    class Blocks(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_For(self, node: cst.For) -> None:
            loop_bodies.add(id(node.body))

        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            if id(node) not in loop_bodies:
                return
            statements = list(node.body)
            for index, statement in enumerate(statements):
                ship = _batch_ship_line(statement, evaluator, catalog)
                if ship is None:
                    continue
                result, line = ship
                bound: set[str] = set()
                for later in statements[index + 1 :]:
                    if (
                        isinstance(later, cst.For)
                        and isinstance(later.target, cst.Name)
                        and result in _names_read([later.iter])
                    ):
                        found[id(later.body)] = _ErrorLoop(
                            line, later.target.value, frozenset(bound)
                        )
                    bound |= _names_bound(later)

    function.visit(Blocks())
    return found


def _batch_ship_line(
    statement: cst.BaseStatement, evaluator: Evaluator, catalog: Catalog
) -> Optional[tuple[str, BatchShip]]:
    """``result = [await] client.batch_ship_packages(batch, ...)``: result's name and the
    line, when ``batch`` is a local name."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    assign = statement.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    value = assign.value
    awaited = isinstance(value, cst.Await)
    call = value.expression if isinstance(value, cst.Await) else value
    if not isinstance(target, cst.Name) or not isinstance(call, cst.Call):
        return None
    use = call_use(call, evaluator, catalog)
    if use is None or use.endpoint != "batch_ship_packages":
        return None
    first = call.args[0] if call.args else None
    if (
        first is None
        or first.keyword is not None
        or not isinstance(first.value, cst.Name)
        or not isinstance(call.func, cst.Attribute)
    ):
        return None
    client = cst.Module(body=[]).code_for_node(call.func.value)
    return target.value, BatchShip(statement, first.value.value, client, awaited, "", "")


def _package_name(before: Sequence[cst.BaseStatement], error: str, read: set[str]) -> Optional[str]:
    """The one name the decision reads that the error loop set from the error."""
    from_error: set[str] = set()
    for statement in before:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and error in _names_read([small.value]):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        from_error.add(target.target.value)
    used = from_error & read
    bound_before = set().union(*(_names_bound(s) for s in before)) if before else set()
    if len(used) != 1 or (read & bound_before) - used:
        return None
    return used.pop()


def _package_to_order(function: cst.FunctionDef) -> Optional[str]:
    """The dict ``D`` the function fills with ``D[package] = order["id"]``."""
    found: set[str] = set()

    class Assignments(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            target = node.targets[0].target if len(node.targets) == 1 else None
            if (
                isinstance(target, cst.Subscript)
                and isinstance(target.value, cst.Name)
                and _is_order_id(node.value)
            ):
                found.add(target.value.value)

    function.visit(Assignments())
    return found.pop() if len(found) == 1 else None


def _is_order_id(node: cst.BaseExpression) -> bool:
    """``order["id"]``, ``order["order_id"]``, ``order.get("id")`` on an order record."""
    code = cst.Module(body=[]).code_for_node(node)
    return (
        re.fullmatch(
            r"""(?:\w*order)(?:\[(["'])(?:order_)?id\1\]|\.get\((["'])(?:order_)?id\2\))""", code
        )
        is not None
    )


def _names_read(nodes: Sequence[cst.CSTNode]) -> set[str]:
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)  # ``x.attr``: x is read, attr is no name
            return False

        def visit_Arg(self, node: cst.Arg) -> bool:
            node.value.visit(self)  # ``f(key=x)``: x is read, key is no name
            return False

    for node in nodes:
        node.visit(Names())
    return found


def _names_bound(statement: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Targets(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            if isinstance(node.target, cst.Name):
                found.add(node.target.value)

        def visit_For(self, node: cst.For) -> None:
            if isinstance(node.target, cst.Name):
                found.add(node.target.value)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            if isinstance(node.target, cst.Name):
                found.add(node.target.value)

    statement.visit(Targets())
    return found


def _is_continue(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Continue) for s in statement.body
    )


def _leaves_early(statements: Sequence[cst.BaseStatement]) -> bool:
    """A return, raise, break, continue or yield anywhere in ``statements``."""
    found: list[cst.CSTNode] = []

    class Exits(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, (cst.Return, cst.Raise, cst.Break, cst.Continue, cst.Yield)):
                found.append(node)
            return super().on_visit(node)

    for statement in statements:
        statement.visit(Exits())
    return bool(found)


def _body(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body)
    assert isinstance(suite, cst.SimpleStatementSuite)
    return [cst.SimpleStatementLine(body=suite.body)]


def _always_ends(statements: Sequence[cst.BaseStatement]) -> bool:
    """Every path through ``statements`` ends in return, raise, continue or break."""
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return any(
            isinstance(s, (cst.Return, cst.Raise, cst.Continue, cst.Break)) for s in last.body
        )
    if isinstance(last, cst.If):
        if last.orelse is None:
            return False
        orelse = last.orelse
        other = _body(orelse.body) if isinstance(orelse, cst.Else) else [orelse]
        return _always_ends(_body(last.body)) and _always_ends(other)
    return False


def _is_pass(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Pass) for s in statement.body
    )


def _has_bare_raise(statements: Sequence[cst.BaseStatement]) -> bool:
    found: list[cst.Raise] = []

    class Raises(cst.CSTVisitor):
        def visit_Raise(self, node: cst.Raise) -> None:
            if node.exc is None:
                found.append(node)

    for statement in statements:
        statement.visit(Raises())
    return bool(found)


def _handler_name(handler: cst.ExceptHandler) -> Optional[str]:
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        return handler.name.name.value
    return None


def _mentions(statements: Sequence[cst.BaseStatement], name: Optional[str]) -> bool:
    if name is None:
        return False
    found: list[cst.Name] = []

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name:
                found.append(node)

    for statement in statements:
        statement.visit(Names())
    return bool(found)


def _calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            found.append(call)

    node.visit(Calls())
    return found


def _callee(call: cst.Call) -> Optional[str]:
    """``helper`` for ``helper(...)`` and ``self.helper(...)``."""
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    receiver = func.value if isinstance(func, cst.Attribute) else None
    if isinstance(func, cst.Attribute) and isinstance(receiver, cst.Name):
        return func.attr.value if receiver.value in ("self", "cls") else None
    return None


def _rejecting_functions(module: cst.Module, scope: ModuleScope, catalog: Catalog) -> set[str]:
    """Names of the module's own functions and methods that call Reject Cancellation."""
    names: set[str] = set()

    class Functions(cst.CSTVisitor):
        def __init__(self) -> None:
            self.classes: list[str] = []

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self.classes.append(node.name.value)

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            self.classes.pop()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            evaluator = Evaluator(scope, self.classes[-1] if self.classes else None)
            for call in _calls(node.body):
                use = call_use(call, evaluator, catalog)
                if use is not None and use.endpoint == REJECT_ENDPOINT:
                    names.add(node.name.value)
                    return

    module.visit(Functions())
    return names


def _flags(function: cst.FunctionDef, tests: CodeTests) -> dict[str, cst.CSTNode]:
    """Local names assigned only a code test (``blocked = err["code"] == AFTER_SALE``)."""
    flags: dict[str, cst.CSTNode] = {}

    class Assignments(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            target = node.targets[0].target if len(node.targets) == 1 else None
            if isinstance(target, cst.Name) and tests.value(node.value) is not None:
                flags[target.value] = node.value

    function.visit(Assignments())
    return flags


def _order_record(function: cst.FunctionDef) -> Optional[str]:
    """A name for the order as a mapping: a parameter or loop variable called ``order``
    (or ``*_order``) that the function reads with ``[...]`` or ``.get(...)``."""
    candidates = [p.name.value for p in function.params.params]

    class Loops(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            if isinstance(node.target, cst.Name):
                candidates.append(node.target.value)

    function.visit(Loops())
    named = [n for n in candidates if n == "order" or n.endswith("_order")]
    code = cst.Module(body=[]).code_for_node(function)
    for name in named:
        if f"{name}[" in code or f"{name}.get(" in code:
            return name
    return None


def judge_findings(
    module: cst.Module, findings: Sequence[Finding], scope: ModuleScope, catalog: Catalog
) -> list[Finding]:
    """``findings`` with each 21011007 branch's kind as its shape (RETRY, GUARD or
    DECISION); the rest as they were."""
    code_rule = catalog.code_rule().id
    inside = [f for f in findings if f.rule == code_rule and f.function is not None]
    if not inside:
        return list(findings)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    branches = find_branches(wrapper.module, scope, catalog, lambda node: positions[node])
    judged = []
    for finding in findings:
        if finding in inside:
            branch = next((b for b in branches if b.covers(finding.line, finding.column)), None)
            if branch is not None:
                finding = dataclasses.replace(finding, shape=branch.kind)
        judged.append(finding)
    return judged
