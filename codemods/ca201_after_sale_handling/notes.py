"""CA201, manual notes: the exact change a person should make where the rewrite leaves
21011007 handling in place (a code in a retry table, a comprehension filter, an ``and``
combination, a flag used elsewhere, a constant still used)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Optional, cast

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from audit.findings import Finding
from audit.python.code_tests import CodeTests, Simplified
from audit.python.strings import Evaluator
from codemods.base import AuditCodemod
from codemods.ca201_after_sale_handling.plan import Plan
from codemods.cst_helpers import parent_of, short_code, single_binding

GENERIC = (
    '21011007 "Package item has after-sale request" no longer occurs in the US on v202309:'
    " remove this handling by hand"
)


def keep_for_markets(others: str) -> str:
    """Why handling stays when markets besides the US are configured."""
    return (
        f'keep this: markets {others} still fail with 21011007 "Package item has'
        ' after-sale request" while a cancel request is pending (the handling is'
        " dead only for US shops on v202309)"
    )


class Notes:
    """The notes for one module, once its plan is made."""

    def __init__(self, codemod: AuditCodemod, plan: Plan) -> None:
        self.codemod = codemod
        self.plan = plan

    def leftovers(self, sites: list[Finding]) -> Iterator[tuple[Finding, str]]:
        """One note per finding the rewrite does not remove, with the change to make."""
        metadata = self.codemod.metadata[PositionProvider]
        positions = cast(Mapping[cst.CSTNode, CodeRange], metadata)
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
            yield site, self.suggestion(found) if found is not None else GENERIC

    def _parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return parent_of(self.codemod, node)

    def suggestion(self, site: cst.CSTNode) -> str:
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
        tests = CodeTests(Evaluator(self.codemod.scope, class_name), self.codemod.catalog)

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
        return test_suggestion(root, tests.simplify(root), parent, ancestors)

    def _entry_suggestion(self, site: cst.CSTNode, ancestors: list[cst.CSTNode]) -> str:
        for parent in ancestors[:4]:
            if isinstance(parent, cst.DictElement):
                return (
                    f"delete the entry `{short_code(parent.key)}: {short_code(parent.value)}`:"
                    " 21011007 no longer occurs in the US on v202309"
                )
            if isinstance(parent, cst.Element):
                return (
                    f"remove `{short_code(parent.value)}` from this collection: 21011007 no longer"
                    " occurs in the US on v202309"
                )
        for parent in ancestors[:3]:
            if isinstance(parent, (cst.Assign, cst.AnnAssign)):
                binding = single_binding(parent)
                if binding is not None:
                    return (
                        f"`{binding[0].value}` holds 21011007 or its message: delete it once"
                        " nothing uses it"
                    )
        return f"{GENERIC} (`{short_code(site)}`)"


def test_suggestion(
    root: cst.BaseExpression,
    value: Simplified,
    parent: Optional[cst.CSTNode],
    ancestors: list[cst.CSTNode],
) -> str:
    shown = short_code(root)
    replacement = str(value) if isinstance(value, bool) else short_code(value)
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
        return f"{always}: replace `{short_code(parent)}` with `{short_code(branch)}`"
    if isinstance(parent, (cst.Assign, cst.AnnAssign)):
        binding = single_binding(parent)
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
