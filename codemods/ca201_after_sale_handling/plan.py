"""CA201, planning: once the conditions are decided, what else goes.

Every decision is taken on the original tree before anything is rewritten: the dead code
after an inlined ``return``/``raise``/``continue``/``break``, the ``except`` clauses left
holding only ``raise``, and the module constants nothing uses any more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from audit.python.code_tests import CodeTests
from audit.python.strings import Evaluator
from codemods.base import AuditCodemod
from codemods.cst_helpers import short_code, single_binding
from codemods.name_uses import global_reads

Block = Union[cst.IndentedBlock, cst.Module]


@dataclass
class Plan:
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


# -- statements as the rewrite sees them ----------------------------------------------------


def if_chain(node: cst.If) -> tuple[list[cst.If], Optional[cst.Else]]:
    branches = [node]
    orelse = node.orelse
    while isinstance(orelse, cst.If):
        branches.append(orelse)
        orelse = orelse.orelse
    return branches, orelse


def statements_of(suite: cst.BaseSuite) -> list[cst.CSTNode]:
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body)
    return [suite]  # a one-line suite stands for its single line


def terminates(node: cst.CSTNode) -> bool:
    if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(
            isinstance(s, (cst.Return, cst.Raise, cst.Continue, cst.Break)) for s in node.body
        )
    return False


def is_bare_raise(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.SimpleStatementLine)
        and len(node.body) == 1
        and isinstance(node.body[0], cst.Raise)
        and node.body[0].exc is None
    )


# -- the planner ----------------------------------------------------------------------------


class Planner:
    """Plans, on the original tree, what goes besides the decided branches."""

    def __init__(self, codemod: AuditCodemod, plan: Plan) -> None:
        self.codemod = codemod
        self.plan = plan

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.codemod.get_metadata(PositionProvider, node)

    def outcome(self, top: cst.If) -> tuple[str, Optional[cst.BaseSuite]]:
        """What a decided chain becomes: ("keep", None), ("remove", None) or
        ("inline", the suite whose statements take its place)."""
        branches, orelse = if_chain(top)
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

    def dropped_parts(self, top: cst.If) -> Iterator[cst.CSTNode]:
        branches, orelse = if_chain(top)
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

    def expand(self, statements: Sequence[cst.CSTNode]) -> Iterator[tuple[cst.CSTNode, bool]]:
        """The statements a block will hold, each with whether it was inlined into it."""
        tops = {id(top) for top in self.plan.tops}
        for statement in statements:
            if id(statement) in self.plan.dead:
                continue
            if isinstance(statement, cst.If) and id(statement) in tops:
                kind, suite = self.outcome(statement)
                if kind == "keep":
                    yield statement, False
                elif suite is not None:
                    for inner, _ in self.expand(statements_of(suite)):
                        yield inner, True
                continue
            yield statement, False

    def dead_code(self, blocks: list[Block]) -> None:
        for top in self.plan.tops:
            for part in self.dropped_parts(top):
                self.plan.consumed.append(self.position(part))
                self.plan.removed_roots.append(part)
        for block in blocks:
            finished = False
            for statement in block.body:
                if finished:
                    if id(statement) not in self.plan.dead:
                        self.mark_dead(statement)
                elif any(inlined and terminates(s) for s, inlined in self.expand([statement])):
                    finished = True

    def mark_dead(self, statement: cst.CSTNode) -> None:
        self.plan.dead.add(id(statement))
        self.plan.consumed.append(self.position(statement))
        self.plan.removed_roots.append(statement)

    def handlers(self, tries: list[cst.Try]) -> None:
        tops = {id(top) for top in self.plan.tops}
        for try_node in tries:
            last = True
            removed: list[int] = []
            for handler in reversed(try_node.handlers):
                statements = statements_of(handler.body)
                changed = any(id(s) in tops for s in statements)
                effective = [s for s, _ in self.expand(statements)]
                reraises = changed and len(effective) == 1 and is_bare_raise(effective[0])
                if reraises and last:
                    removed.append(id(handler))
                    self.plan.consumed.append(self.position(handler))
                    self.plan.removed_roots.append(handler)
                    self.plan.rewrites += 1
                    continue
                if reraises:
                    self.codemod.note_manual(
                        handler,
                        "this except clause now only re-raises: delete it unless a later"
                        " except clause of this try must not see these errors",
                    )
                last = False
            if len(removed) == len(try_node.handlers):
                self.plan.collapsed_tries.add(id(try_node))  # a try needs a handler
            else:
                self.plan.removed_handlers.update(removed)

    def constants(self, module: cst.Module) -> None:
        """Module constants bound to the code or the message go once nothing uses them."""
        code = module.code
        starts = [0]
        for text_line in code.splitlines(keepends=True):
            starts.append(starts[-1] + len(text_line))

        def offset(line: int, column: int) -> int:
            return starts[line - 1] + column

        tests = CodeTests(Evaluator(self.codemod.scope), self.codemod.catalog)
        constants = []
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                binding = single_binding(statement.body[0])
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
                reads = [offset(r.start.line, r.start.column) for r in global_reads(module, name)]
                left = sorted(at for at in reads if not any(a <= at < b for a, b in [*masked, own]))
                if not left and not self.codemod.settings.used_elsewhere(name, minimum=0):
                    self.mark_dead(statement)
                    self.plan.constants.add(id(statement))
                    self.plan.kept_constants.pop(id(statement), None)
                    self.plan.rewrites += 1
                    removed = True
                    break
                text = short_code(statement.body[0])
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
