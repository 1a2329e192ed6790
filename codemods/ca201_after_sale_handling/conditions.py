"""CA201, deciding conditions: which tests of 21011007 are always True or False now.

A *code test* (a comparison, membership or substring test with the code or the message on
one side, as ``audit.python.matchers`` defines them; or ``A or B`` of code tests) is
always False on v202309 in the US, and its ``!=``/``not in`` form always True. This walk
decides every if/elif branch whose test is one, and every local flag assigned only a code
test and read only in if/elif tests, scope by scope; ``plan`` takes it from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

import libcst as cst
from libcst.metadata import (
    CodeRange,
    FunctionScope,
    PositionProvider,
    ScopeProvider,
)

from audit.python.code_tests import CodeTests
from audit.python.strings import Evaluator
from codemods.base import AuditCodemod
from codemods.ca201_after_sale_handling.plan import Block, Plan, if_chain
from codemods.cst_helpers import only_assignment, parent_of, single_binding


class ConditionDecider(cst.CSTVisitor):
    """Walks the original module and decides every if-chain and flag, scope by scope."""

    def __init__(self, codemod: AuditCodemod, plan: Plan) -> None:
        super().__init__()
        self.codemod = codemod
        self.plan = plan
        self.class_stack: list[str] = []
        self.flag_stack: list[dict[str, bool]] = [{}]
        self.blocks: dict[int, Block] = {}
        self.tries: list[cst.Try] = []

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.codemod.get_metadata(PositionProvider, node)

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
        branches, _ = if_chain(node)
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
            self.plan.consumed.append(self.position(branch.test))
            self.plan.removed_roots.append(branch.test)
        if decided:
            self.plan.tops.append(node)
            parent = parent_of(self.codemod, node)
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
            binding = single_binding(small)
            if binding is None:
                continue
            target, value = binding
            decided = tests.value(value)
            if decided is None or self.codemod.target_within(small) is None:
                continue
            scope = self.codemod.get_metadata(ScopeProvider, target, None)
            if not isinstance(scope, FunctionScope):
                continue
            only = only_assignment(scope, target)
            if only is None:
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
            self.plan.consumed.append(self.position(small))
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
