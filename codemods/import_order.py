"""Put the added ``from .ship_to_reject import ...`` where the project's sorted imports want it.

libcst's ``AddImportsVisitor`` appends a new import after the module's last import. In a
module whose relative imports are sorted (isort, ruff), that leaves the one unsorted
line a linter then flags. When the run of same-level ``from . import`` lines just above
it is sorted, the new line moves into its place; otherwise it stays where it is.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from codemods.cst_helpers import code_of


def sort_added_import(module: cst.Module, added: str) -> cst.Module:
    """``module`` with its top-level ``from <dots><added> import ...`` line in sorted order."""
    body = list(module.body)
    index = next((i for i, s in enumerate(body) if _imported_module(s) == added), None)
    if index is None:
        return module
    if body[index].leading_lines:  # it opens a run of its own: nothing above is its run
        return module
    level = _level(body[index])
    start = index
    while start > 0 and _level(body[start - 1]) == level:
        start -= 1
        if body[start].leading_lines:  # a blank line or comment opens the run
            break
    run = body[start:index]
    names = [_imported_module(s) or "" for s in run]
    if not run or names != sorted(names):
        return module
    place = start + sum(1 for name in names if name < added)
    if place == index:
        return module
    line = body.pop(index)
    first = body[start]
    if place == start:  # the new first line takes the run's blank lines and comments
        line = line.with_changes(leading_lines=first.leading_lines)
        body[start] = first.with_changes(leading_lines=[])
    body.insert(place, line)
    return module.with_changes(body=body)


def _import_from(statement: cst.CSTNode) -> Optional[cst.ImportFrom]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        node = statement.body[0]
        if isinstance(node, cst.ImportFrom):
            return node
    return None


def _imported_module(statement: cst.CSTNode) -> Optional[str]:
    node = _import_from(statement)
    if node is None or node.module is None:
        return None
    return code_of(node.module)


def _level(statement: cst.CSTNode) -> Optional[int]:
    node = _import_from(statement)
    return None if node is None else len(node.relative)
