"""What a module binds at its top level: constants, class constants and import aliases.

Only simple, static bindings are recorded (``NAME = <expr>`` with one target). They let
the detector see that ``exc.code == AFTER_SALE`` compares against 21011007, or that
``ROUTES["reject"].format(...)`` builds the Reject Cancellation path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst


@dataclass
class ModuleScope:
    constants: dict[str, cst.BaseExpression] = field(default_factory=dict)
    class_constants: dict[str, dict[str, cst.BaseExpression]] = field(default_factory=dict)
    # local alias -> imported name, for ``from sdk import reject_cancellation as rc``
    import_aliases: dict[str, str] = field(default_factory=dict)
    # names imported from other modules: ``from .errors import AFTER_SALE``
    imported_names: set[str] = field(default_factory=set)
    # constants defined elsewhere in the project (name -> value), filled by the scanner
    project_constants: dict[str, Union[str, int]] = field(default_factory=dict)
    # local name -> the module it is imported from; import alias -> module
    imported_from: dict[str, str] = field(default_factory=dict)
    module_aliases: dict[str, str] = field(default_factory=dict)
    # the project's path builders (name -> the path they return), see ProjectModel
    project_builders: dict[str, str] = field(default_factory=dict)

    def constant(self, name: str, class_name: Optional[str] = None) -> Optional[cst.BaseExpression]:
        if class_name is not None:
            value = self.class_constants.get(class_name, {}).get(name)
            if value is not None:
                return value
        return self.constants.get(name)


def _single_target(statement: cst.BaseSmallStatement) -> Optional[tuple[str, cst.BaseExpression]]:
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target = statement.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, statement.value
    if (
        isinstance(statement, cst.AnnAssign)
        and isinstance(statement.target, cst.Name)
        and statement.value is not None
    ):
        return statement.target.value, statement.value
    return None


def _bindings(body: Sequence[cst.CSTNode]) -> dict[str, cst.BaseExpression]:
    found: dict[str, cst.BaseExpression] = {}
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                binding = _single_target(small)
                if binding is not None:
                    found.setdefault(*binding)
    return found


def _dotted(node: Union[cst.Attribute, cst.Name]) -> str:
    if isinstance(node, cst.Name):
        return node.value
    base = node.value
    prefix = _dotted(base) if isinstance(base, (cst.Attribute, cst.Name)) else ""
    return f"{prefix}.{node.attr.value}"


def _module_name(node: cst.ImportFrom) -> str:
    """``.constants`` for ``from .constants import X``; the dots kept out."""
    if node.module is None:
        return ""
    return _dotted(node.module) if isinstance(node.module, (cst.Attribute, cst.Name)) else ""


def collect_scope(module: cst.Module) -> ModuleScope:
    scope = ModuleScope(constants=_bindings(module.body))
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            scope.class_constants[statement.name.value] = _bindings(statement.body.body)
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    _add_import(scope, small)
    # Imports inside functions (``import tiktok_shop_api as _tt`` in a view) name modules
    # too: taken module-wide unless the top level binds the name otherwise.
    taken = frozenset({*scope.imported_names, *scope.module_aliases, *scope.constants})
    for node in _nested_imports(module):
        _add_import(scope, node, taken)
    return scope


def _nested_imports(module: cst.Module) -> list[Union[cst.Import, cst.ImportFrom]]:
    """Imports below the top level, found through statement blocks only (never into
    expressions: a full tree visit would cost as much as the detector's)."""
    found: list[Union[cst.Import, cst.ImportFrom]] = []
    todo: list[cst.CSTNode] = [s for s in module.body if not isinstance(s, cst.SimpleStatementLine)]
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            found.extend(s for s in node.body if isinstance(s, (cst.Import, cst.ImportFrom)))
        elif isinstance(node, cst.IndentedBlock):
            todo.extend(node.body)
        else:  # a compound statement, or its else/except/finally/case part
            todo.extend(
                part
                for part in (getattr(node, "body", None), getattr(node, "orelse", None))
                if isinstance(part, cst.CSTNode)
            )
            todo.extend(getattr(node, "handlers", ()))
            todo.extend(getattr(node, "cases", ()))
            finalbody = getattr(node, "finalbody", None)
            if isinstance(finalbody, cst.CSTNode):
                todo.append(finalbody)
    return found[::-1]


def _add_import(
    scope: ModuleScope,
    small: Union[cst.Import, cst.ImportFrom],
    taken: frozenset[str] = frozenset(),
) -> None:
    """Record one import, unless the top level binds its name (``taken``)."""

    def free(name: str) -> bool:
        return name not in taken

    if isinstance(small, cst.ImportFrom):
        if isinstance(small.names, cst.ImportStar):
            return
        for alias in small.names:
            if not isinstance(alias.name, cst.Name):
                continue
            imported = alias.name.value
            local = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            if not free(local):
                continue
            if local != imported:
                scope.import_aliases[local] = imported
            scope.imported_names.add(local)
            module_name = _module_name(small)
            if module_name:
                scope.imported_from[local] = module_name
        return
    for alias in small.names:
        module_name = _dotted(alias.name)
        asname = alias.asname.name if alias.asname is not None else None
        local_name = asname.value if isinstance(asname, cst.Name) else module_name.split(".")[0]
        if not free(local_name):
            continue
        scope.module_aliases[local_name] = module_name
        if isinstance(asname, cst.Name):
            scope.import_aliases[local_name] = module_name
