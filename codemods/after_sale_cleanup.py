"""CA201: remove handling of error 21011007 that can no longer run.

In the US on API v202309, Ship Package, Batch Ship Packages and Mark Package As Shipped no
longer fail with 21011007 "Package item has after-sale request". A *code test* (a
comparison, membership or substring test with the code or the message on one side, as
``audit.python.matchers`` defines them; or ``A or B`` of code tests) is therefore always
False now, and its ``!=``/``not in`` form always True. This codemod:

- removes ``if <always False>:`` branches (an ``else``/``elif`` takes their place) and
  inlines ``if <always True>:`` bodies, dropping what follows an inlined ``return``,
  ``raise``, ``continue`` or ``break`` in the same block;
- removes a local flag assigned only a code test and read only in ``if``/``elif`` tests,
  and simplifies those tests;
- removes ``except`` clauses left holding only ``raise`` (the last ones of their ``try``),
  and a ``try`` left without handlers;
- removes module constants bound to the code or the message once nothing uses them, and
  the imports the removed code was the last user of.

Anything else (a code in a retry table, a comprehension filter, an ``and`` combination, a
flag used elsewhere) is left alone with a manual note carrying the exact change. With
markets other than US configured the handling is still needed and nothing changes; in a
module that still ships through the legacy API it is live, and the scanner does not
report it (catalog: ``live_with``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Optional, TypeVar, Union, cast

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import (
    Assignment,
    CodeRange,
    FunctionScope,
    ParentNodeProvider,
    PositionProvider,
    ProviderT,
    ScopeProvider,
)

from audit.findings import Finding
from audit.python.code_tests import CodeTests, Simplified
from audit.python.matchers import mentions_error
from audit.python.shapes import DECISION, GUARDS
from audit.python.strings import Evaluator
from codemods.base import AuditCodemod, FixSettings, ManualNote
from codemods.hints import DECIDES

# Ship calls on these endpoints still fail with 21011007: their handling must stay.
# RemoveImportsVisitor needs a package to resolve ``from .errors import X``; when the
# caller gave none, this stands in for it (deep enough for any number of leading dots).
_PLACEHOLDER_PACKAGE = ".".join(["_cancel_audit_pkg"] * 12)
_GENERIC = (
    '21011007 "Package item has after-sale request" no longer occurs in the US on v202309:'
    " remove this handling by hand"
)

_NodeT = TypeVar("_NodeT", bound=cst.CSTNode)
_StatementT = TypeVar("_StatementT", bound=cst.BaseStatement)
Block = Union[cst.IndentedBlock, cst.Module]


def _code(node: cst.CSTNode, limit: int = 80) -> str:
    text = " ".join(cst.Module(body=[]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- statements as the rewrite sees them ----------------------------------------------------


def _chain(node: cst.If) -> tuple[list[cst.If], Optional[cst.Else]]:
    branches = [node]
    orelse = node.orelse
    while isinstance(orelse, cst.If):
        branches.append(orelse)
        orelse = orelse.orelse
    return branches, orelse


def _statements(suite: cst.BaseSuite) -> list[cst.CSTNode]:
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body)
    return [suite]  # a one-line suite stands for its single line


def _terminates(node: cst.CSTNode) -> bool:
    if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(
            isinstance(s, (cst.Return, cst.Raise, cst.Continue, cst.Break)) for s in node.body
        )
    return False


def _is_bare_raise(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.SimpleStatementLine)
        and len(node.body) == 1
        and isinstance(node.body[0], cst.Raise)
        and node.body[0].exc is None
    )


def _single_binding(
    statement: cst.CSTNode,
) -> Optional[tuple[cst.Name, cst.BaseExpression]]:
    if (
        isinstance(statement, cst.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0].target, cst.Name)
    ):
        return statement.targets[0].target, statement.value
    if (
        isinstance(statement, cst.AnnAssign)
        and isinstance(statement.target, cst.Name)
        and statement.value is not None
    ):
        return statement.target, statement.value
    return None


def _comment_line(comment: cst.Comment) -> cst.EmptyLine:
    return cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(""), comment=comment)


def _has_relative_import(module: cst.Module) -> bool:
    found = []

    class Imports(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.relative:
                found.append(node)

    module.visit(Imports())
    return bool(found)


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    prefix = []
    for line in lines:
        if line.comment is not None:
            break
        prefix.append(line)
    return prefix


# -- the plan: every decision, taken on the original tree -----------------------------------


@dataclass
class _Plan:
    decisions: dict[int, bool] = field(default_factory=dict)  # If (and elif) nodes
    elifs: set[int] = field(default_factory=set)
    tops: list[cst.If] = field(default_factory=list)  # decided if-chains, outermost If
    dead: set[int] = field(default_factory=set)  # statements that go
    removed_small: set[int] = field(default_factory=set)  # flag assignments in a shared line
    removed_handlers: set[int] = field(default_factory=set)
    collapsed_tries: set[int] = field(default_factory=set)  # every handler goes
    consumed: list[CodeRange] = field(default_factory=list)  # where findings are handled
    removed_roots: list[cst.CSTNode] = field(default_factory=list)  # for import cleanup
    constants: set[int] = field(default_factory=set)  # module constants that go
    kept_constants: dict[int, str] = field(default_factory=dict)  # statement -> why kept
    rewrites: int = 0  # flags, handlers and constants removed (if-chains count as they go)


class _Planner(cst.CSTVisitor):
    """Walks the original module and decides every if-chain and flag, scope by scope."""

    def __init__(self, codemod: RemoveAfterSaleHandling) -> None:
        super().__init__()
        self.codemod = codemod
        self.plan = codemod.plan
        self.class_stack: list[str] = []
        self.flag_stack: list[dict[str, bool]] = [{}]
        self.blocks: dict[int, Block] = {}
        self.tries: list[cst.Try] = []

    def tests(self, flags: Optional[Mapping[str, bool]] = None) -> CodeTests:
        class_name = self.class_stack[-1] if self.class_stack else None
        evaluator = Evaluator(self.codemod.scope, class_name)
        return CodeTests(evaluator, self.codemod.catalog, flags)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.class_stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.flag_stack.append(self._flags(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.flag_stack.pop()

    def visit_Try(self, node: cst.Try) -> None:
        self.tries.append(node)

    def visit_If(self, node: cst.If) -> None:
        if id(node) in self.plan.elifs:
            return  # decided with its chain
        branches, _ = _chain(node)
        tests = self.tests(self.flag_stack[-1])
        decided = False
        for branch in branches[1:]:
            self.plan.elifs.add(id(branch))
        for branch in branches:
            used: list[cst.Name] = []
            value = tests.value(branch.test, used)
            if value is None:
                continue
            if not used and self.codemod.target_within(branch.test) is None:
                continue  # not asked for: suppressed, left to a person, or another rule's
            decided = True
            self.plan.decisions[id(branch)] = value
            self.plan.consumed.append(self.codemod.position(branch.test))
            self.plan.removed_roots.append(branch.test)
        if decided:
            self.plan.tops.append(node)
            parent = self.codemod.get_metadata(ParentNodeProvider, node)
            if isinstance(parent, (cst.IndentedBlock, cst.Module)):
                self.blocks[id(parent)] = parent

    def _flags(self, function: cst.FunctionDef) -> dict[str, bool]:
        """Locals assigned only a code test and read only in if/elif tests we decide."""
        collector = _FunctionBody()
        function.body.visit(collector)
        candidates: dict[str, tuple[cst.SimpleStatementLine, cst.BaseSmallStatement, bool]] = {}
        references: dict[str, list[cst.CSTNode]] = {}
        tests = self.tests()
        for line, small in collector.bindings:
            binding = _single_binding(small)
            if binding is None:
                continue
            target, value = binding
            decided = tests.value(value)
            if decided is None or self.codemod.target_within(small) is None:
                continue
            scope = self.codemod.get_metadata(ScopeProvider, target, None)
            if not isinstance(scope, FunctionScope):
                continue
            assignments = list(scope.assignments[target.value])
            only = assignments[0] if len(assignments) == 1 else None
            if not isinstance(only, Assignment) or only.node is not target:
                continue
            candidates[target.value] = (line, small, decided)
            references[target.value] = [access.node for access in only.references]

        flags = {name: decided for name, (_, _, decided) in candidates.items()}
        while flags:
            consumed: set[int] = set()
            flag_tests = self.tests(flags)
            for if_node in collector.ifs:
                used: list[cst.Name] = []
                if flag_tests.value(if_node.test, used) is not None:
                    consumed.update(id(name) for name in used)
            unused = [
                name for name in flags if any(id(r) not in consumed for r in references[name])
            ]
            if not unused:
                break
            for name in unused:
                del flags[name]

        self.plan.rewrites += len(flags)
        for name in flags:
            line, small, _ = candidates[name]
            if len(line.body) == 1:
                self.plan.dead.add(id(line))
            else:
                self.plan.removed_small.add(id(small))
            self.plan.consumed.append(self.codemod.position(small))
            self.plan.removed_roots.append(small)
        return flags


class _FunctionBody(cst.CSTVisitor):
    """The simple statements and ifs of one function, not of functions nested in it."""

    def __init__(self) -> None:
        super().__init__()
        self.bindings: list[tuple[cst.SimpleStatementLine, cst.BaseSmallStatement]] = []
        self.ifs: list[cst.If] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.bindings.extend((node, small) for small in node.body)

    def visit_If(self, node: cst.If) -> None:
        self.ifs.append(node)


# -- the codemod ---------------------------------------------------------------------------


class RemoveAfterSaleHandling(AuditCodemod):
    DESCRIPTION = (
        "Remove handling of TikTok Shop error 21011007 'Package item has after-sale request',"
        " dead in the US on API v202309 (CA201)."
    )
    RULE = "CA201"
    SAFETY = "safe"
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (
        PositionProvider,
        ParentNodeProvider,
        ScopeProvider,
    )

    def __init__(
        self,
        context: CodemodContext,
        settings: Optional[FixSettings] = None,
        targets: Optional[Sequence[Finding]] = None,
    ) -> None:
        super().__init__(context, settings, targets)
        self.plan = _Plan()
        # Nodes this transform *returned*, read back when their block is rebuilt. Keyed by
        # id and holding the node, so no id is reused while the entry is alive.
        self._dead_out: dict[int, tuple[cst.CSTNode, bool]] = {}  # node, is a constant
        self._trailing: dict[int, tuple[cst.CSTNode, list[cst.EmptyLine]]] = {}

    # -- entry points ----------------------------------------------------------------------

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """As libcst's, but lets RemoveImportsVisitor resolve ``from .errors import X`` when
        the caller did not say which package the file is in."""
        given = self.context.full_package_name
        if given or not _has_relative_import(tree):
            return _no_blank_top(tree, super().transform_module(tree))
        self.context = replace(self.context, full_package_name=_PLACEHOLDER_PACKAGE)
        try:
            return _no_blank_top(tree, super().transform_module(tree))
        finally:
            self.context = replace(self.context, full_package_name=given)

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.plan = _Plan()
        self._dead_out.clear()
        self._trailing.clear()
        sites = self.rule_findings(node)
        if not sites:
            return
        if not self.settings.us_only:
            others = ", ".join(m for m in self.settings.markets if m != "US")
            for site in sites:
                self._note_at(
                    site,
                    f'keep this: markets {others} still fail with 21011007 "Package item has'
                    ' after-sale request" while a cancel request is pending (the handling is'
                    " dead only for US shops on v202309)",
                )
            return
        if self.standalone:
            # On its own no guard moves a decision first: a deciding branch stays.
            for site in sites:
                if site.shape in GUARDS or site.shape == DECISION:
                    self._note_at(site, DECIDES)
            sites = [s for s in sites if s.shape not in GUARDS and s.shape != DECISION]
            self.targets = sites
        planner = _Planner(self)
        node.visit(planner)
        self._plan_dead_code(list(planner.blocks.values()))
        self._plan_handlers(planner.tries)
        self._plan_constants(node)
        self._note_leftovers(sites)
        self.changes += self.plan.rewrites
        for root in self.plan.removed_roots:
            self.remove_unused_import_by_node(root)

    # -- planning ------------------------------------------------------------------------

    def _outcome(self, top: cst.If) -> tuple[str, Optional[cst.BaseSuite]]:
        """What a decided chain becomes: ("keep", None), ("remove", None) or
        ("inline", the suite whose statements take its place)."""
        branches, orelse = _chain(top)
        kept = False
        for branch in branches:
            decision = self.plan.decisions.get(id(branch))
            if decision is False:
                continue
            if decision is True:
                return ("keep", None) if kept else ("inline", branch.body)
            kept = True
        if kept:
            return "keep", None
        return ("inline", orelse.body) if orelse is not None else ("remove", None)

    def _dropped_parts(self, top: cst.If) -> Iterator[cst.CSTNode]:
        branches, orelse = _chain(top)
        taken = False
        for branch in branches:
            decision = self.plan.decisions.get(id(branch))
            if taken:
                yield branch.test
            if taken or decision is False:
                yield branch.body
            if decision is True:
                taken = True
        if taken and orelse is not None:
            yield orelse

    def _expand(self, statements: Sequence[cst.CSTNode]) -> Iterator[tuple[cst.CSTNode, bool]]:
        """The statements a block will hold, each with whether it was inlined into it."""
        tops = {id(top) for top in self.plan.tops}
        for statement in statements:
            if id(statement) in self.plan.dead:
                continue
            if isinstance(statement, cst.If) and id(statement) in tops:
                kind, suite = self._outcome(statement)
                if kind == "keep":
                    yield statement, False
                elif suite is not None:
                    for inner, _ in self._expand(_statements(suite)):
                        yield inner, True
                continue
            yield statement, False

    def _plan_dead_code(self, blocks: list[Block]) -> None:
        for top in self.plan.tops:
            for part in self._dropped_parts(top):
                self.plan.consumed.append(self.position(part))
                self.plan.removed_roots.append(part)
        for block in blocks:
            finished = False
            for statement in block.body:
                if finished:
                    if id(statement) not in self.plan.dead:
                        self._mark_dead(statement)
                elif any(inlined and _terminates(s) for s, inlined in self._expand([statement])):
                    finished = True

    def _mark_dead(self, statement: cst.CSTNode) -> None:
        self.plan.dead.add(id(statement))
        self.plan.consumed.append(self.position(statement))
        self.plan.removed_roots.append(statement)

    def _plan_handlers(self, tries: list[cst.Try]) -> None:
        tops = {id(top) for top in self.plan.tops}
        for try_node in tries:
            last = True
            removed: list[int] = []
            for handler in reversed(try_node.handlers):
                statements = _statements(handler.body)
                changed = any(id(s) in tops for s in statements)
                effective = [s for s, _ in self._expand(statements)]
                reraises = changed and len(effective) == 1 and _is_bare_raise(effective[0])
                if reraises and last:
                    removed.append(id(handler))
                    self.plan.consumed.append(self.position(handler))
                    self.plan.removed_roots.append(handler)
                    self.plan.rewrites += 1
                    continue
                if reraises:
                    self.note_manual(
                        handler,
                        "this except clause now only re-raises: delete it unless a later"
                        " except clause of this try must not see these errors",
                    )
                last = False
            if len(removed) == len(try_node.handlers):
                self.plan.collapsed_tries.add(id(try_node))  # a try needs a handler
            else:
                self.plan.removed_handlers.update(removed)

    def _plan_constants(self, module: cst.Module) -> None:
        """Module constants bound to the code or the message go once nothing uses them."""
        code = module.code
        starts = [0]
        for text_line in code.splitlines(keepends=True):
            starts.append(starts[-1] + len(text_line))

        def offset(line: int, column: int) -> int:
            return starts[line - 1] + column

        tests = CodeTests(Evaluator(self.scope), self.catalog)
        constants = []
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                binding = _single_binding(statement.body[0])
                if binding is not None and tests.matches(binding[1]):
                    constants.append((statement, binding[0].value))

        removed = True
        while removed:  # a constant may only have been used by another one
            removed = False
            masked = [
                (offset(r.start.line, r.start.column), offset(r.end.line, r.end.column))
                for r in self.plan.consumed
            ]
            for statement, name in constants:
                if id(statement) in self.plan.dead:
                    continue
                where = self.position(statement)
                first_line = where.start.line - len(statement.leading_lines)
                own = (offset(first_line, 0), offset(where.end.line, where.end.column))
                left = [
                    match.start()
                    for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", code)
                    if not any(a <= match.start() < b for a, b in [*masked, own])
                ]
                if not left and not self.settings.used_elsewhere(name, minimum=0):
                    self._mark_dead(statement)
                    self.plan.constants.add(id(statement))
                    self.plan.kept_constants.pop(id(statement), None)
                    self.plan.rewrites += 1
                    removed = True
                    break
                text = _code(statement.body[0])
                if left:
                    line = code.count("\n", 0, left[0]) + 1
                    why = (
                        f"`{name}` is still used in this module (line {line}): remove that use"
                        f" first, then delete `{text}`"
                    )
                else:
                    why = (
                        f"`{name}` is still imported or used by other modules of the project:"
                        f" remove those uses (run the fix on them), then delete `{text}`"
                    )
                self.plan.kept_constants[id(statement)] = why

    # -- notes for what stays ------------------------------------------------------------

    def _note_at(self, finding: Finding, message: str) -> None:
        self.manual.append(ManualNote(self.RULE, finding.line, finding.column, message))

    def _note_leftovers(self, sites: list[Finding]) -> None:
        """One note per finding the rewrite does not remove, with the change to make."""
        positions = cast(Mapping[cst.CSTNode, CodeRange], self.metadata[PositionProvider])
        by_range: dict[tuple[int, int, int, int], cst.CSTNode] = {}
        for node, where in positions.items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            if isinstance(node, cst.BaseExpression):
                by_range.setdefault(key, node)
        for site in sites:
            start = (site.line, site.column - 1)
            if any(
                (r.start.line, r.start.column) <= start < (r.end.line, r.end.column)
                for r in self.plan.consumed
            ):
                continue
            found = by_range.get((site.line, site.column - 1, site.end_line, site.end_column - 1))
            self._note_at(site, self._suggestion(found) if found is not None else _GENERIC)

    def _parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        parent: Optional[cst.CSTNode] = self.get_metadata(ParentNodeProvider, node, None)
        return parent

    def _suggestion(self, site: cst.CSTNode) -> str:
        """The exact change a person should make where the rewrite left a match."""
        ancestors: list[cst.CSTNode] = []
        parent = self._parent(site)
        while parent is not None:
            ancestors.append(parent)
            parent = self._parent(parent)
        for ancestor in ancestors:
            if id(ancestor) in self.plan.kept_constants:
                return self.plan.kept_constants[id(ancestor)]
        class_name = next((a.name.value for a in ancestors if isinstance(a, cst.ClassDef)), None)
        tests = CodeTests(Evaluator(self.scope, class_name), self.catalog)

        # The largest code test around the site, then the expression it is a part of.
        test: Optional[cst.BaseExpression] = None
        for around in [site, *ancestors]:
            if isinstance(around, (cst.ComparisonTarget, cst.Element, cst.Arg)):
                continue  # the parts of `x in (A, str(A))`
            if not isinstance(around, cst.BaseExpression):
                break
            if tests.value(around) is not None:
                test = around
        if test is None:
            return self._entry_suggestion(site, ancestors)
        root: cst.BaseExpression = test
        parent = self._parent(root)
        while isinstance(parent, (cst.BooleanOperation, cst.UnaryOperation)):
            root = parent
            parent = self._parent(root)
        return _test_suggestion(root, tests.simplify(root), parent, ancestors)

    def _entry_suggestion(self, site: cst.CSTNode, ancestors: list[cst.CSTNode]) -> str:
        for parent in ancestors[:4]:
            if isinstance(parent, cst.DictElement):
                return (
                    f"delete the entry `{_code(parent.key)}: {_code(parent.value)}`: 21011007"
                    " no longer occurs in the US on v202309"
                )
            if isinstance(parent, cst.Element):
                return (
                    f"remove `{_code(parent.value)}` from this collection: 21011007 no longer"
                    " occurs in the US on v202309"
                )
        for parent in ancestors[:3]:
            if isinstance(parent, (cst.Assign, cst.AnnAssign)):
                binding = _single_binding(parent)
                if binding is not None:
                    return (
                        f"`{binding[0].value}` holds 21011007 or its message: delete it once"
                        " nothing uses it"
                    )
        return f"{_GENERIC} (`{_code(site)}`)"

    # -- the rewrite -----------------------------------------------------------------------

    def on_leave(
        self, original_node: _NodeT, updated_node: _NodeT
    ) -> Union[_NodeT, cst.RemovalSentinel]:
        result = super().on_leave(original_node, updated_node)
        key = id(original_node)
        if key in self.plan.dead:
            # stays in place until its block is rebuilt, which keeps its blank lines
            constant = key in self.plan.constants
            self._dead_out[id(updated_node)] = (updated_node, constant)
            return updated_node
        if key in self.plan.removed_small or key in self.plan.removed_handlers:
            return cst.RemoveFromParent()
        return result

    def leave_If(
        self, original_node: cst.If, updated_node: cst.If
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement], cst.RemovalSentinel]:
        if id(original_node) in self.plan.elifs or id(original_node) in self.plan.dead:
            return updated_node
        originals, _ = _chain(original_node)
        decisions = [self.plan.decisions.get(id(branch)) for branch in originals]
        if all(decision is None for decision in decisions):
            return updated_node
        self.changes += 1
        branches, orelse = _chain(updated_node)
        kept: list[cst.If] = []
        final = orelse
        for branch, decision in zip(branches, decisions):
            if decision is False:
                continue
            if decision is True:
                lines = self._keep_comments(branch.leading_lines) if kept else []
                final = cst.Else(body=branch.body, leading_lines=lines)
                break
            kept.append(branch)
        leading = self._keep_comments(updated_node.leading_lines)
        if kept:
            chain: Optional[Union[cst.If, cst.Else]] = final
            for branch in reversed(kept):
                chain = branch.with_changes(orelse=chain)
            assert isinstance(chain, cst.If)
            if kept[0] is not branches[0]:  # an elif moves up: the statement's comments stay
                chain = chain.with_changes(leading_lines=[*leading, *kept[0].leading_lines])
            return chain
        if final is None:
            self._dead_out[id(updated_node)] = (updated_node, False)
            return updated_node
        if final is not orelse:  # the body of an always-true branch
            return self._inline([final.body], leading)
        return self._inline([final.body], [*leading, *self._keep_comments(final.leading_lines)])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        removed = any(id(small) in self.plan.removed_small for small in original_node.body)
        if not removed or not updated_node.body:
            return updated_node
        last = updated_node.body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=[*updated_node.body[:-1], last])

    def leave_Try(
        self, original_node: cst.Try, updated_node: cst.Try
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement], cst.RemovalSentinel]:
        if id(original_node) not in self.plan.collapsed_tries:
            return updated_node
        # Every handler went: what the try guarded runs unguarded, then its else part.
        suites: list[cst.BaseSuite] = [updated_node.body]
        if updated_node.orelse is not None:
            suites.append(updated_node.orelse.body)
        if updated_node.finalbody is None:
            return self._inline(suites, self._keep_comments(updated_node.leading_lines))
        statements, trailing = self._join(suites)
        body = cst.IndentedBlock(body=statements, footer=trailing)
        if isinstance(updated_node.body, cst.IndentedBlock):
            body = updated_node.body.with_changes(body=statements, footer=trailing)
        return updated_node.with_changes(body=body, handlers=[], orelse=None)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body, trailing = self._rebuild(updated_node.body)
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()])]
        if body == list(updated_node.body) and not trailing:
            return updated_node
        return updated_node.with_changes(body=body, footer=[*trailing, *updated_node.footer])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body, trailing = self._rebuild(updated_node.body)
        if body == list(updated_node.body) and not trailing:
            return updated_node
        return updated_node.with_changes(body=body, footer=[*trailing, *updated_node.footer])

    # -- moving statements and their comments ---------------------------------------------

    def _group_header(self, lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
        comments = [line.comment for line in lines]
        if not lines or any(
            comment is None
            or comment.value.startswith("#:")
            or mentions_error(comment.value, self.catalog)
            for comment in comments
        ):
            return []
        return list(lines)

    def _keep_comments(self, lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
        """Leading lines of a rewritten statement, minus comment blocks about 21011007:
        those described the handling that is gone."""
        kept: list[cst.EmptyLine] = []
        block: list[cst.EmptyLine] = []

        def flush() -> None:
            about_code = any(
                line.comment is not None and mentions_error(line.comment.value, self.catalog)
                for line in block
            )
            if not about_code:
                kept.extend(block)
            block.clear()

        for line in lines:
            if line.comment is None:
                flush()
                kept.append(line)
            else:
                block.append(line)
        flush()
        return kept

    def _join(
        self, suites: Sequence[cst.BaseSuite]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """The statements of ``suites`` as lines of one block, header comments on top and
        each block's trailing comments in front of what follows it."""
        statements: list[cst.BaseStatement] = []
        pending: list[cst.EmptyLine] = []
        for suite in suites:
            if isinstance(suite, cst.SimpleStatementSuite):
                line = cst.SimpleStatementLine(
                    body=suite.body, trailing_whitespace=suite.trailing_whitespace
                )
                lines, footer = [], []
                inner: list[cst.BaseStatement] = [line]
            else:
                assert isinstance(suite, cst.IndentedBlock)
                comment = suite.header.comment
                keep = comment is not None and not mentions_error(comment.value, self.catalog)
                lines = [_comment_line(comment)] if keep and comment is not None else []
                footer = list(suite.footer)
                inner = list(suite.body)
            lines = [*pending, *lines]
            if inner and lines:
                inner[0] = _with_leading(inner[0], [*lines, *_leading(inner[0])])
                pending = []
            else:
                pending = lines
            pending = [*pending, *footer]
            statements.extend(inner)
        return statements, pending

    def _inline(
        self, suites: Sequence[cst.BaseSuite], leading: list[cst.EmptyLine]
    ) -> Union[cst.FlattenSentinel[cst.BaseStatement], cst.RemovalSentinel]:
        statements, trailing = self._join(suites)
        statements = [s for s in statements if not _is_pass(s)] or statements
        if not statements:
            return cst.RemoveFromParent()
        if leading:
            statements[0] = _with_leading(statements[0], [*leading, *_leading(statements[0])])
        if trailing:
            self._trailing[id(statements[-1])] = (statements[-1], trailing)
        return cst.FlattenSentinel(statements)

    def _rebuild(
        self, statements: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """Drop dead statements (the blank lines that set them apart stay) and put the
        trailing comments of inlined blocks in front of the statement that follows.

        A plain comment over a removed constant that the next constant follows without a
        blank line heads the group, not the constant: it stays, over the next one. A
        ``#:`` doc comment, or one about 21011007, belongs to the constant and goes."""
        body: list[cst.BaseStatement] = []
        carried_blank: list[cst.EmptyLine] = []
        header: list[cst.EmptyLine] = []
        pending: list[cst.EmptyLine] = []
        for statement in statements:
            dead = self._dead_out.pop(id(statement), None)
            if dead is not None:
                lines = _leading(statement)
                blank = _blank_prefix(lines)
                if blank:
                    header = []  # the group the header was over ended with the removed one
                if body and not carried_blank:
                    carried_blank = blank
                if dead[1]:
                    header = [*header, *self._group_header(lines[len(blank) :])]
                continue
            _, trailing = self._trailing.pop(id(statement), (statement, []))
            lines = list(_leading(statement))
            if header and not _blank_prefix(lines):
                lines = [*header, *lines]
            if carried_blank and not _blank_prefix(lines):
                lines = [*carried_blank, *lines]
            lines = [*pending, *lines]
            header = []
            if lines != list(_leading(statement)):
                statement = _with_leading(statement, lines)
            carried_blank = []
            pending = trailing
            body.append(statement)
        return body, pending


def _leading(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement.leading_lines
    return ()


def _with_leading(statement: _StatementT, lines: Sequence[cst.EmptyLine]) -> _StatementT:
    return statement.with_changes(leading_lines=lines)


def _no_blank_top(before: cst.Module, after: cst.Module) -> cst.Module:
    """When the statements at the top of a module went (an import, a constant), the blank
    lines that set the next one apart would open the file: drop them."""
    if not after.body or not before.body:
        return after
    first = after.body[0]
    blank = _blank_prefix(_leading(first))
    if not blank or _blank_prefix(_leading(before.body[0])):
        return after
    first = _with_leading(first, _leading(first)[len(blank) :])
    return after.with_changes(body=[first, *after.body[1:]])


def _is_pass(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Pass)
        and not statement.leading_lines
    )


def _test_suggestion(
    root: cst.BaseExpression,
    value: Simplified,
    parent: Optional[cst.CSTNode],
    ancestors: list[cst.CSTNode],
) -> str:
    shown = _code(root)
    replacement = str(value) if isinstance(value, bool) else _code(value)
    if isinstance(value, bool):
        always = f"`{shown}` is always {value} now"
    else:
        always = f"`{shown}` now means `{replacement}`"
    if isinstance(parent, cst.If):
        if value is False:
            return f"{always}: delete this if/elif branch (its else part, if any, stays)"
        if value is True:
            return f"{always}: keep this branch's body and delete the test and the other branches"
        return f"{always}: replace the condition with `{replacement}`"
    if isinstance(parent, cst.While):
        if value is False:
            return f"{always}: the loop never runs; delete it"
        return f"{always}: replace the loop condition with `{replacement}`"
    if isinstance(parent, cst.CompIf):
        if value is True:
            return f"{always}: drop the filter `if {shown}` from the comprehension"
        if value is False:
            return f"{always}: the comprehension is always empty; replace it with an empty one"
        return f"{always}: replace the filter with `if {replacement}`"
    if isinstance(parent, cst.IfExp) and parent.test is root and isinstance(value, bool):
        branch = parent.body if value else parent.orelse
        return f"{always}: replace `{_code(parent)}` with `{_code(branch)}`"
    if isinstance(parent, (cst.Assign, cst.AnnAssign)):
        binding = _single_binding(parent)
        if binding is not None:
            return (
                f"{always}: replace each use of `{binding[0].value}` with `{replacement}` and"
                " delete this assignment"
            )
    if isinstance(parent, cst.Return) and isinstance(value, bool):
        function = next((a for a in ancestors if isinstance(a, cst.FunctionDef)), None)
        if function is not None:
            return (
                f"{always}: `{function.name.value}()` now always returns {value}; replace its"
                f" calls with {value} and delete it"
            )
    return f"{always}: replace it with `{replacement}`"
