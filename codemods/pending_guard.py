"""CA201, deciding branches: move the 21011007 decision before the ship call.

On v202309 in the US, a ship call no longer fails while the buyer's cancel request is
pending: it ships and rejects the request. Where the old code decided something in its
21011007 branch (hold the package, skip it until the cancel job runs), that branch never
runs again and the package would ship. This codemod keeps the decision: before the ship
call's ``try`` it inserts::

    if order.get("is_buyer_request_cancel"):
        <what the 21011007 branch did, without any "reject, then ship again" tail>

using the order record at hand (Get Order List / Get Order Detail return the flag on
v202309). It only inserts; the branch left behind is dead and the cleanup codemod that
runs next removes it. Which branches qualify is decided once, in
``audit.python.decisions``, for scan and fix alike (finding shape ``code-guard``).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from audit.findings import Finding
from audit.python.decisions import CANCEL_FLAG, GUARD, Branch, find_branches
from codemods.base import AuditCodemod

_COMMENT = "# v202309: shipping no longer fails while a cancel request is pending; decide first."


class GuardPendingCancel(AuditCodemod):
    DESCRIPTION = "Check is_buyer_request_cancel before shipping where 21011007 decided (CA201)."
    RULE = "CA201"
    SAFETY = "unsafe"

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        targets = [t for t in self._targets_now() if t.shape == GUARD]
        branches = find_branches(
            node, self.scope, self.catalog, lambda n: self.get_metadata(PositionProvider, n)
        )
        # the try to guard -> the guards, in source order
        self.guards: dict[int, list[Branch]] = {}
        self.guarded: list[Finding] = []  # the targets whose decision now stands first
        for branch in branches:
            if branch.kind != GUARD or branch.ship_try is None:
                continue
            covered = [t for t in targets if branch.covers(t.line, t.column)]
            if covered:
                self.guards.setdefault(id(branch.ship_try), []).append(branch)
                self.guarded.extend(covered)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body: list[cst.BaseStatement] = []
        for original, updated in zip(original_node.body, updated_node.body):
            for branch in self.guards.get(id(original), []):
                body.append(_guard(branch))
                self.changes += 1
            body.append(updated)
        if len(body) == len(updated_node.body):
            return updated_node
        return updated_node.with_changes(body=body)


def _guard(branch: Branch) -> cst.If:
    test = cst.parse_expression(f'{branch.order}.get("{CANCEL_FLAG}")')
    statements: list[cst.BaseStatement] = list(branch.decision)
    return cst.If(
        test=test,
        body=cst.IndentedBlock(body=statements),
        leading_lines=[
            cst.EmptyLine(indent=True, comment=cst.Comment(_COMMENT)),
        ],
    )
