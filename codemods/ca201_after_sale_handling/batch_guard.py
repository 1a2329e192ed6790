"""CA201, deciding branches: move the 21011007 decision before the ship call.

On v202309 in the US, a ship call no longer fails while the buyer's cancel request is
pending: it ships and rejects the request. Where the old code decided something in its
21011007 branch (hold the package, skip it until the cancel job runs), that branch never
runs again and the package would ship. This codemod keeps the decision: before the ship
call's ``try`` it inserts::

    if order.get("is_buyer_request_cancel"):
        <what the 21011007 branch did, without any "reject, then ship again" tail>

using the order record at hand (Get Order List / Get Order Detail return the flag on
v202309). Where the branch decides per package of a Batch Ship Packages call's errors,
it asks the project's own Get Order Detail which of the batch's orders have a pending
request, runs the decision for their packages and ships the rest::

    pending_orders = orders_with_cancel_request(client, [order_of.get(p) for p in batch])
    for package_id in [p for p in batch if order_of.get(p) in pending_orders]:
        <what the 21011007 branch did>
    batch = [p for p in batch if order_of.get(p) not in pending_orders]
    if not batch:
        continue

It only inserts; the branch left behind is dead and the cleanup codemod that runs next
removes it. Which branches qualify is decided once, in ``audit.python.decisions``, for
scan and fix alike (finding shapes ``code-guard`` and ``code-batch-guard``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import PositionProvider

from audit.findings import Finding
from audit.python.decisions import CANCEL_FLAG, BatchShip, Branch, find_branches
from audit.python.shapes import BATCH_GUARD, GUARD, GUARDS
from codemods.base import AuditCodemod
from codemods.helper_module import (
    PENDING_ORDERS_ASYNC,
    PENDING_ORDERS_FUNCTION,
)
from codemods.name_uses import fresh_name

_COMMENT = "# v202309: shipping no longer fails while a cancel request is pending; decide first."
_BATCH_COMMENT = (
    "# v202309: a batch now ships packages with a pending cancel request; decide first."
)


class GuardPendingCancel(AuditCodemod):
    DESCRIPTION = "Check is_buyer_request_cancel before shipping where 21011007 decided (CA201)."
    RULE = "CA201"
    IMPORTS_HELPER = True

    @classmethod
    def wanted_for(cls, targets: Sequence[Finding]) -> bool:
        return any(t.shape in GUARDS for t in targets)  # only deciding branches move

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.module_node = node
        targets = [t for t in self._targets_now() if t.shape in GUARDS]
        branches = find_branches(
            node, self.scope, self.catalog, lambda n: self.get_metadata(PositionProvider, n)
        )
        # the statement to guard (a try, a batch ship line) -> the guards, in source order
        self.guards: dict[int, list[Branch]] = {}
        self.guarded: list[Finding] = []  # the targets whose decision now stands first
        for branch in branches:
            anchor = _anchor(branch)
            if anchor is None:
                continue
            covered = [t for t in targets if branch.covers(t.line, t.column)]
            if covered:
                self.guards.setdefault(id(anchor), []).append(branch)
                self.guarded.extend(covered)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body: list[cst.BaseStatement] = []
        for original, updated in zip(original_node.body, updated_node.body):
            for branch in self.guards.get(id(original), []):
                if branch.batch is not None:
                    body.extend(self._batch_guard(branch, branch.batch))
                else:
                    body.append(_guard(branch))
                self.changes += 1
            body.append(updated)
        if len(body) == len(updated_node.body):
            return updated_node
        return updated_node.with_changes(body=body)

    def _batch_guard(self, branch: Branch, ship: BatchShip) -> list[cst.BaseStatement]:
        function = PENDING_ORDERS_ASYNC if ship.awaited else PENDING_ORDERS_FUNCTION
        AddImportsVisitor.add_needed_import(
            self.context,
            self.helper_import.module,
            function,
            relative=self.helper_import.relative,
        )
        pending = fresh_name(self.module_node, "pending_orders")
        order = f"{ship.order_of}.get(p)"
        arguments = f"{ship.client}, [{order} for p in {ship.batch}]"
        lookup = f"{pending} = {'await ' if ship.awaited else ''}{function}("
        if len(lookup) + len(arguments) > 72:
            arguments = f"\n    {arguments}\n"
        lines = [
            f"{lookup}{arguments})",
            f"{ship.batch} = [p for p in {ship.batch} if {order} not in {pending}]",
            f"if not {ship.batch}:\n    continue\n",
        ]
        first, *rest = (cst.parse_statement(line) for line in lines)
        first = first.with_changes(
            leading_lines=[cst.EmptyLine(indent=True, comment=cst.Comment(_BATCH_COMMENT))]
        )
        decide = cst.For(
            target=cst.Name(ship.package),
            iter=cst.parse_expression(f"[p for p in {ship.batch} if {order} in {pending}]"),
            body=cst.IndentedBlock(body=list(branch.decision)),
        )
        return [first, decide, *rest]


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


def _anchor(branch: Branch) -> Optional[cst.CSTNode]:
    """The statement the guard goes before."""
    if branch.kind == GUARD:
        return branch.ship_try
    if branch.kind == BATCH_GUARD and branch.batch is not None:
        return branch.batch.statement
    return None
