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
                if isinstance(small, cst.ImportFrom) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    for alias in small.names:
                        if not isinstance(alias.name, cst.Name):
                            continue
                        imported = alias.name.value
                        local = imported
                        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                            local = alias.asname.name.value
                            scope.import_aliases[local] = imported
                        scope.imported_names.add(local)
                        module_name = _module_name(small)
                        if module_name:
                            scope.imported_from[local] = module_name
                elif isinstance(small, cst.Import):
                    for alias in small.names:
                        local_name = (
                            alias.asname.name.value
                            if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                            else _dotted(alias.name).split(".")[0]
                        )
                        scope.module_aliases[local_name] = _dotted(alias.name)
                        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                            scope.import_aliases[alias.asname.name.value] = _dotted(alias.name)
    return scope
