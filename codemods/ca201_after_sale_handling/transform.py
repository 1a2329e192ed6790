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

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import ClassVar, Optional, TypeVar, Union

import libcst as cst
from libcst.metadata import (
    CodeRange,
    ParentNodeProvider,
    PositionProvider,
    ProviderT,
    ScopeProvider,
)

from audit.findings import Finding
from audit.python.matchers import mentions_error
from audit.python.shapes import DECISION, GUARDS
from codemods.base import AuditCodemod, ManualNote
from codemods.ca201_after_sale_handling.conditions import ConditionDecider
from codemods.ca201_after_sale_handling.notes import Notes, keep_for_markets
from codemods.ca201_after_sale_handling.plan import Plan, Planner, if_chain
from codemods.cst_helpers import (
    blank_prefix,
    has_relative_import,
    is_pass,
    join_suites,
    keep_comments,
    lines_above,
    no_blank_top,
    with_leading,
)
from codemods.hints import DECIDES

# RemoveImportsVisitor needs a package to resolve ``from .errors import X``; when the
# caller gave none, this stands in for it (deep enough for any number of leading dots).
_PLACEHOLDER_PACKAGE = ".".join(["_cancel_audit_pkg"] * 12)

_NodeT = TypeVar("_NodeT", bound=cst.CSTNode)


class RemoveAfterSaleHandling(AuditCodemod):
    DESCRIPTION = (
        "Remove handling of TikTok Shop error 21011007 'Package item has after-sale request',"
        " dead in the US on API v202309 (CA201)."
    )
    RULE = "CA201"
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (
        PositionProvider,
        ParentNodeProvider,
        ScopeProvider,
    )

    def start(self) -> None:
        self.plan = Plan()
        # Nodes this transform *returned*, read back when their block is rebuilt. Keyed by
        # id and holding the node, so no id is reused while the entry is alive.
        self._dead_out: dict[int, tuple[cst.CSTNode, bool]] = {}  # node, is a constant
        self._trailing: dict[int, tuple[cst.CSTNode, list[cst.EmptyLine]]] = {}

    # -- entry points ----------------------------------------------------------------------

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """As libcst's, but lets RemoveImportsVisitor resolve ``from .errors import X`` when
        the caller did not say which package the file is in."""
        given = self.context.full_package_name
        if given or not has_relative_import(tree):
            return no_blank_top(tree, super().transform_module(tree))
        self.context = replace(self.context, full_package_name=_PLACEHOLDER_PACKAGE)
        try:
            return no_blank_top(tree, super().transform_module(tree))
        finally:
            self.context = replace(self.context, full_package_name=given)

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.plan = Plan()
        self._dead_out.clear()
        self._trailing.clear()
        sites = self.rule_findings(node)
        if not sites:
            return
        if not self.settings.us_only:
            others = self.settings.markets.others_text()
            for site in sites:
                self._note_at(site, keep_for_markets(others))
            return
        if self.standalone:
            # On its own no guard moves a decision first: a deciding branch stays.
            for site in sites:
                if site.shape in GUARDS or site.shape == DECISION:
                    self._note_at(site, DECIDES)
            sites = [s for s in sites if s.shape not in GUARDS and s.shape != DECISION]
            self.targets = sites
        decider = ConditionDecider(self, self.plan)
        node.visit(decider)
        planner = Planner(self, self.plan)
        planner.dead_code(list(decider.blocks.values()))
        planner.handlers(decider.tries)
        planner.constants(node)
        for site, message in Notes(self, self.plan).leftovers(sites):
            self._note_at(site, message)
        self.changes += self.plan.rewrites
        for root in self.plan.removed_roots:
            self.remove_unused_import_by_node(root)

    def _note_at(self, finding: Finding, message: str) -> None:
        self.manual.append(ManualNote(self.RULE, finding.line, finding.column, message))

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
        originals, _ = if_chain(original_node)
        decisions = [self.plan.decisions.get(id(branch)) for branch in originals]
        if all(decision is None for decision in decisions):
            return updated_node
        self.changes += 1
        branches, orelse = if_chain(updated_node)
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

    def _about_code(self, comment: str) -> bool:
        """A comment about 21011007: it described the handling that is gone."""
        return mentions_error(comment, self.catalog)

    def _keep_comments(self, lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
        return keep_comments(lines, self._about_code)

    def _join(
        self, suites: Sequence[cst.BaseSuite]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        return join_suites(suites, self._about_code)

    def _inline(
        self, suites: Sequence[cst.BaseSuite], leading: list[cst.EmptyLine]
    ) -> Union[cst.FlattenSentinel[cst.BaseStatement], cst.RemovalSentinel]:
        statements, trailing = self._join(suites)
        statements = [s for s in statements if not is_pass(s)] or statements
        if not statements:
            return cst.RemoveFromParent()
        if leading:
            statements[0] = with_leading(statements[0], [*leading, *lines_above(statements[0])])
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
                lines = lines_above(statement)
                blank = blank_prefix(lines)
                if blank:
                    header = []  # the group the header was over ended with the removed one
                if body and not carried_blank:
                    carried_blank = blank
                if dead[1]:
                    header = [*header, *self._group_header(lines[len(blank) :])]
                continue
            _, trailing = self._trailing.pop(id(statement), (statement, []))
            lines = list(lines_above(statement))
            if header and not blank_prefix(lines):
                lines = [*header, *lines]
            if carried_blank and not blank_prefix(lines):
                lines = [*carried_blank, *lines]
            lines = [*pending, *lines]
            header = []
            if lines != list(lines_above(statement)):
                statement = with_leading(statement, lines)
            carried_blank = []
            pending = trailing
            body.append(statement)
        return body, pending
