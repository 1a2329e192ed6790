"""The literal value of a name a module imports from another module of the project.

``from .config import HANDOVER_METHOD`` in the shipping job, with
``HANDOVER_METHOD = "PICKUP"`` in ``config.py``: the rewritten Reject Cancellation site
must ship with ``"PICKUP"`` too. The scan's project constants hold only API versions and
error codes, so this reads the defining module itself (CPython's ``ast``) for a
module-level assignment of a string or integer literal.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Optional, Union

from audit.source import SourceError, decode
from codemods.plan_inputs import is_file, read_bytes

Literal = Union[str, int]


def imported_literal(importer: Path, tree: ast.Module, name: str) -> Optional[Literal]:
    """The value of ``name`` where ``importer`` (parsed as ``tree``) imports it from a
    project module, or None when it is not imported, not found or not a literal."""
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        for alias in node.names:
            if (alias.asname or alias.name) != name:
                continue
            source = _module_file(importer, node.module, node.level)
            return None if source is None else _literals(source).get(alias.name)
    return None


def _module_file(importer: Path, module: Optional[str], level: int) -> Optional[Path]:
    """The file of ``from <level dots><module> import ...`` as seen from ``importer``."""
    parts = module.split(".") if module else []
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
    else:
        base = _top_of_package(importer)
    candidate = base.joinpath(*parts)
    for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if is_file(path):
            return path
    return None


def _top_of_package(path: Path) -> Path:
    """The folder an absolute import of the file's own package starts from."""
    directory = path.parent
    while is_file(directory / "__init__.py"):
        directory = directory.parent
    return directory


def _literals(path: Path) -> dict[str, Literal]:
    """Module-level ``NAME = <str or int literal>`` (bound once) in the file at ``path``."""
    try:
        tree = ast.parse(decode(read_bytes(path)).text)
    except (SourceError, SyntaxError, ValueError, RecursionError):
        return {}
    found: dict[str, Literal] = {}
    seen: set[str] = set()
    bound_twice: set[str] = set()
    for node in tree.body:
        target, value = _assignment(node)
        if target is None:
            continue
        if target in seen:
            bound_twice.add(target)
        seen.add(target)
        literal = value.value if isinstance(value, ast.Constant) else None
        if isinstance(literal, (str, int)) and not isinstance(literal, bool):
            found[target] = literal
    return {k: v for k, v in found.items() if k not in bound_twice}


def _assignment(node: ast.stmt) -> tuple[Optional[str], Optional[ast.expr]]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name):
            return target.id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None
