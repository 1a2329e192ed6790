"""What the project passes when it ships, so ship-to-reject ships the same way.

A project's shipping job calls ``client.ship_package(pid, handover_method=...)`` or
sends ``{"handover_method": "DROP_OFF"}`` to Ship Package through its transport. The
rewritten Reject Cancellation sites ship too, and must ship as the project does, not
with whatever default the helper would pick. This reads every ship call in the
project's files and keeps the options whose value is known statically (a literal, a
module constant, or ``self.x`` set from an ``__init__`` parameter's default) and the
same at every call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import libcst as cst

from audit.catalog import HOLE, Catalog
from audit.python.matchers import call_use
from audit.python.scope import collect_scope
from audit.python.strings import Evaluator
from codemods.imported_constants import imported_literal

_SHIP = "ship_package"
_UNKNOWN = object()


@dataclass
class ShipOptions:
    """Option name -> Python source of its value, as every ship call passes it."""

    keywords: dict[str, str] = field(default_factory=dict)  # client.ship_package(..., k=v)
    body: dict[str, str] = field(default_factory=dict)  # transport body {"k": v}


def ship_options(
    files: Iterable[tuple[Optional[Path], str]],
    catalog: Catalog,
    constants: dict[str, Union[str, int]],
) -> ShipOptions:
    """What every ship call in ``files`` (path, text) passes; a path lets a name imported
    from another project module be resolved to its literal value."""
    seen_keywords: list[dict[str, object]] = []
    seen_bodies: list[dict[str, object]] = []
    for path, text in files:
        if "ship" not in text.lower():
            continue
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue
        finder = _ShipCalls(module, catalog, constants, _Imports(path, text))
        module.visit(finder)
        seen_keywords.extend(finder.keywords)
        seen_bodies.extend(finder.bodies)
    return ShipOptions(_agreed(seen_keywords), _agreed(seen_bodies))


def _agreed(calls: list[dict[str, object]]) -> dict[str, str]:
    """The options every call passes with one known value."""
    if not calls:
        return {}
    agreed = {}
    for name, value in calls[0].items():
        if value is _UNKNOWN or not isinstance(value, str):
            continue
        if all(call.get(name) == value for call in calls[1:]):
            agreed[name] = value
    return agreed


class _ShipCalls(cst.CSTVisitor):
    def __init__(
        self,
        module: cst.Module,
        catalog: Catalog,
        constants: dict[str, Union[str, int]],
        imports: _Imports,
    ) -> None:
        self.catalog = catalog
        self.imports = imports
        self.scope = collect_scope(module)
        self.scope.project_constants = constants
        self.classes: list[cst.ClassDef] = []
        self.keywords: list[dict[str, object]] = []
        self.bodies: list[dict[str, object]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
        return node.name.value != _SHIP  # the client's own method is no call of it

    def visit_Call(self, node: cst.Call) -> None:
        use = call_use(node, self._evaluator(), self.catalog)
        if use is None or use.endpoint != _SHIP:
            return
        if use.via == "method":
            self.keywords.append(
                {a.keyword.value: self._value(a.value) for a in node.args if a.keyword is not None}
            )
            return
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in ("body", "json", "data", "payload") and isinstance(arg.value, cst.Dict):
                self.bodies.append(self._dict(arg.value))

    def _evaluator(self) -> Evaluator:
        return Evaluator(self.scope, self.classes[-1].name.value if self.classes else None)

    def _dict(self, node: cst.Dict) -> dict[str, object]:
        found: dict[str, object] = {}
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self._evaluator().string(element.key)
                if key is not None:
                    found[key] = self._value(element.value)
        return found

    def _value(self, node: cst.BaseExpression) -> object:
        """The value's source as a literal, or _UNKNOWN."""
        if isinstance(node, cst.Attribute) and _is_self(node.value):
            default = self._init_default(node.attr.value)
            return _UNKNOWN if default is None else self._value(default)
        evaluator = self._evaluator()
        text = evaluator.string(node)
        if text is not None and HOLE not in text:
            return _quoted(text)
        number = evaluator.integer(node)
        if number is not None:
            return repr(number)
        imported = self.imports.literal(node.value) if isinstance(node, cst.Name) else None
        if isinstance(imported, str):
            return _quoted(imported)
        return _UNKNOWN if imported is None else repr(imported)

    def _init_default(self, attribute: str) -> Optional[cst.BaseExpression]:
        """``self.x`` set in ``__init__`` from a parameter: that parameter's default."""
        if not self.classes:
            return None
        for statement in self.classes[-1].body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                source = _assigned_from(statement, attribute)
                for param in statement.params.params:
                    if param.name.value == source and param.default is not None:
                        return param.default
        return None


class _Imports:
    """Names the module imports from other project modules, resolved on demand."""

    def __init__(self, path: Optional[Path], text: str) -> None:
        self.path = path
        self.text = text
        self.tree: Optional[ast.Module] = None

    def literal(self, name: str) -> Optional[Union[str, int]]:
        if self.path is None:
            return None
        if self.tree is None:
            try:
                self.tree = ast.parse(self.text)
            except (SyntaxError, ValueError, RecursionError):
                self.tree = ast.Module(body=[], type_ignores=[])
        return imported_literal(self.path, self.tree, name)


def _quoted(text: str) -> str:
    """A string literal in the double quotes most code uses."""
    return f'"{text}"' if not set(text) & {'"', "\\", "\n"} else repr(text)


def _is_self(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "self"


def _assigned_from(init: cst.FunctionDef, attribute: str) -> Optional[str]:
    """The parameter name in ``self.<attribute> = <parameter>``."""
    found: list[str] = []

    class Assignments(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            target = node.targets[0].target if len(node.targets) == 1 else None
            if (
                isinstance(target, cst.Attribute)
                and _is_self(target.value)
                and target.attr.value == attribute
                and isinstance(node.value, cst.Name)
            ):
                found.append(node.value.value)

    init.visit(Assignments())
    return found[0] if len(found) == 1 else None
