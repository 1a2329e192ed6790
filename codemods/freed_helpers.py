"""Drop the private functions and methods a rewrite left unused, and only those.

Removing a dead 21011007 branch can leave the helper it called behind
(``ShippingJob._reject_pending_cancel``, now called from nowhere). The runner runs this
after the rule codemods and before the import cleanup: a function or method whose name
is private (``_name``, not ``__dunder__``), that the module referred to before the
rewrite and refers to nowhere now, in this module or anywhere else in the project, goes.
Helpers that were already unused stay (not ours to judge).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Union

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand


def references(module: cst.Module) -> Counter[str]:
    """How often each name is referred to, not counting the names definitions bind."""
    found: Counter[str] = Counter()
    defined: set[int] = set()

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            defined.add(id(node.name))

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            defined.add(id(node.name))

        def visit_Name(self, node: cst.Name) -> None:
            if id(node) not in defined:
                found[node.value] += 1

    module.visit(Collect())
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


class DropFreedHelpers(VisitorBasedCodemodCommand):
    DESCRIPTION = "Remove private helpers that a cancel-audit rewrite left unused."

    def __init__(
        self, context: CodemodContext, used_before: Counter[str], project_text: str
    ) -> None:
        super().__init__(context)
        self.used_before = used_before
        self.project_text = project_text
        self.used_now: Counter[str] = Counter()

    def visit_Module(self, node: cst.Module) -> None:
        self.used_now = references(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> Union[cst.FunctionDef, cst.RemovalSentinel]:
        name = original_node.name.value
        if (
            _private(name)
            and self.used_before[name] > 0
            and self.used_now[name] == 0
            and not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", self.project_text)
        ):
            return cst.RemoveFromParent()
        return updated_node
