"""Drop the imports a rewrite left unused, and only those.

``transport.request(..., params={"idempotency_key": uuid.uuid4().hex})`` becoming a
ship-to-reject call can leave ``import uuid`` behind. The runner runs this after the
rule codemods: a top-level import whose name the file used before the rewrite and no
longer uses goes; imports that were already unused stay (not ours to judge).
"""

from __future__ import annotations

from typing import Union

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import RemoveImportsVisitor

from codemods.cst_helpers import code_of


def referenced_names(module: cst.Module) -> set[str]:
    """Names the module's code reads, outside import statements."""
    found: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Collect())
    return found


def _bound_names(node: Union[cst.Import, cst.ImportFrom]) -> set[str]:
    if isinstance(node.names, cst.ImportStar):
        return set()
    names = set()
    for alias in node.names:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            names.add(alias.asname.name.value)
        else:
            names.add(code_of(alias.name).split(".")[0])
    return names


class DropFreedImports(VisitorBasedCodemodCommand):
    DESCRIPTION = "Remove imports that a cancel-audit rewrite left unused."

    def __init__(self, context: CodemodContext, used_before: set[str]) -> None:
        super().__init__(context)
        self.used_before = used_before

    def visit_Module(self, node: cst.Module) -> None:
        freed = self.used_before - referenced_names(node)
        if not freed:
            return
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)) and _bound_names(small) & freed:
                    RemoveImportsVisitor.remove_unused_import_by_node(self.context, small)
