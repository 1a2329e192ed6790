"""Static evaluation of the expressions that build URLs and error codes.

``evaluate_string`` turns an expression into the text it would produce at run time, with
every part that cannot be known statically replaced by ``HOLE``. It understands the
shapes URLs are built from in real integrations: literals, implicit concatenation,
f-strings, ``+``, ``%``, ``str.format``, ``str.replace``, ``sep.join([...])``,
``urljoin``/``posixpath.join``, module and class constants, and route-table lookups.
Nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Optional, Union

import libcst as cst

from audit.catalog import HOLE
from audit.python.scope import ModuleScope

_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")
_PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")
_JOIN_FUNCTIONS = frozenset({"urljoin", "join"})
_MAX_DEPTH = 32


class Evaluator:
    """Evaluates expressions of one module; ``class_name`` resolves ``self.X``."""

    def __init__(
        self,
        scope: ModuleScope,
        class_name: Optional[str] = None,
        local_bindings: Optional[dict[str, cst.BaseExpression]] = None,
    ) -> None:
        self.scope = scope
        self.class_name = class_name
        # names bound once in the enclosing function: ``path = f"..."; post(path)``
        self.local_bindings = local_bindings or {}

    # -- public -------------------------------------------------------------------------

    def string(self, node: cst.BaseExpression) -> Optional[str]:
        """The static text of ``node``, or None when ``node`` is not string-like."""
        return self._string(node, 0)

    def integer(self, node: cst.BaseExpression) -> Optional[int]:
        """The static integer value of ``node`` (a literal or a constant), else None."""
        return self._integer(node, 0)

    def constant_for(self, node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """The expression a name, ``self.X``/``Class.X`` or ``TABLE[key]`` is bound to."""
        if isinstance(node, cst.Name):
            local = self.local_bindings.get(node.value)
            return local if local is not None else self.scope.constant(node.value)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            owner = node.value.value
            class_name = self.class_name if owner in ("self", "cls") else owner
            if class_name in self.scope.class_constants:
                return self.scope.class_constants[class_name].get(node.attr.value)
            return None
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            table = self.constant_for(node.value)
            index = node.slice[0].slice
            if isinstance(table, cst.Dict) and isinstance(index, cst.Index):
                key = self.string(index.value)
                for element in table.elements:
                    if isinstance(element, cst.DictElement) and self.string(element.key) == key:
                        return element.value
        return None

    # -- strings ------------------------------------------------------------------------

    def _piece(self, node: cst.BaseExpression, depth: int) -> str:
        """A part of a larger string: its text if known, else HOLE."""
        text = self._string(node, depth)
        if text is not None:
            return text
        number = self._integer(node, depth)
        return str(number) if number is not None else HOLE

    def _string(self, node: cst.BaseExpression, depth: int) -> Optional[str]:
        if depth > _MAX_DEPTH:
            return None
        depth += 1
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return value.decode("latin-1") if isinstance(value, bytes) else value
        if isinstance(node, cst.ConcatenatedString):
            return self._piece(node.left, depth) + self._piece(node.right, depth)
        if isinstance(node, cst.FormattedString):
            return "".join(
                self._piece(part.expression, depth)
                if isinstance(part, cst.FormattedStringExpression)
                else getattr(part, "value", "")
                for part in node.parts
            )
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, depth)
        if isinstance(node, cst.Call):
            return self._call(node, depth)
        if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)):
            return self._bound_string(node, depth)
        return None

    def _binary(self, node: cst.BinaryOperation, depth: int) -> Optional[str]:
        if isinstance(node.operator, cst.Add):
            left = self._string(node.left, depth)
            right = self._string(node.right, depth)
            if left is None and right is None:
                return None
            return (left if left is not None else HOLE) + (right if right is not None else HOLE)
        if isinstance(node.operator, cst.Modulo):
            template = self._string(node.left, depth)
            if template is None:
                return None
            return self._percent(template, node.right, depth)
        return None

    def _percent(self, template: str, values: cst.BaseExpression, depth: int) -> str:
        positional: list[str] = []
        named: dict[str, str] = {}
        if isinstance(values, cst.Tuple):
            positional = [self._piece(e.value, depth) for e in values.elements]
        elif isinstance(values, cst.Dict):
            for element in values.elements:
                if isinstance(element, cst.DictElement):
                    key = self._string(element.key, depth)
                    if key is not None:
                        named[key] = self._piece(element.value, depth)
        else:
            positional = [self._piece(values, depth)]
        counter = iter(positional)

        def substitute(match: re.Match[str]) -> str:
            if match.group(1):
                return named.get(match.group(1), HOLE)
            return next(counter, HOLE)

        return _PERCENT_FIELD.sub(substitute, template)

    def _call(self, node: cst.Call, depth: int) -> Optional[str]:
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            receiver = self._string(func.value, depth)
            if receiver is not None:
                if method == "format":
                    return self._format(receiver, node.args, depth)
                if method == "replace" and len(node.args) >= 2:
                    old = self._string(node.args[0].value, depth)
                    if old is None:
                        return receiver
                    return receiver.replace(old, self._piece(node.args[1].value, depth))
                if method == "join" and len(node.args) == 1:
                    items = node.args[0].value
                    if isinstance(items, (cst.List, cst.Tuple)):
                        return receiver.join(
                            self._piece(e.value, depth)
                            for e in items.elements
                            if isinstance(e, cst.Element)
                        )
                    return None
                if method in ("strip", "lstrip", "rstrip", "lower", "upper") and not node.args:
                    return receiver
                return None
        name = _callee_name(func)
        if name is not None and name in self.scope.project_builders:
            return self.scope.project_builders[name]  # ship_path(pid): the path it returns
        if name in _JOIN_FUNCTIONS and len(node.args) >= 2:
            pieces = [self._piece(arg.value, depth) for arg in node.args if not arg.keyword]
            if any(piece != HOLE for piece in pieces):
                return "/".join(
                    piece.strip("/") if i else piece.rstrip("/") for i, piece in enumerate(pieces)
                )
        return None

    def _format(self, template: str, args: Sequence[cst.Arg], depth: int) -> str:
        positional = [self._piece(a.value, depth) for a in args if a.keyword is None and not a.star]
        named = {
            a.keyword.value: self._piece(a.value, depth) for a in args if a.keyword is not None
        }
        counter = iter(positional)

        def substitute(match: re.Match[str]) -> str:
            field_name = re.split(r"[!:.\[]", match.group(1), maxsplit=1)[0]
            if field_name == "":
                return next(counter, HOLE)
            if field_name.isdigit():
                index = int(field_name)
                return positional[index] if index < len(positional) else HOLE
            return named.get(field_name, HOLE)

        return _FORMAT_FIELD.sub(substitute, template)

    def _bound_string(self, node: cst.BaseExpression, depth: int) -> Optional[str]:
        bound = self._resolve(node)
        if isinstance(bound, cst.BaseExpression):
            return self._string(bound, depth)  # the depth limit stops A = B; B = A
        return bound if isinstance(bound, str) else None

    # -- integers -----------------------------------------------------------------------

    def _integer(self, node: cst.BaseExpression, depth: int) -> Optional[int]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Integer):
            try:
                return int(node.value, 0)
            except ValueError:  # e.g. a legacy "0777" literal
                return None
        if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)):
            bound = self._resolve(node)
            if isinstance(bound, cst.BaseExpression):
                return self._integer(bound, depth + 1)
            return bound if isinstance(bound, int) else None
        return None

    def _resolve(self, node: cst.BaseExpression) -> Union[cst.BaseExpression, str, int, None]:
        bound = self.constant_for(node)
        if bound is not None:
            return bound
        if isinstance(node, cst.Name) and node.value not in self.scope.constants:
            return self.scope.project_constants.get(node.value)
        if isinstance(node, cst.Attribute):
            if node.attr.value == "value" and isinstance(node.value, (cst.Attribute, cst.Name)):
                return self._resolve(node.value)  # an enum member's value
            owner = node.value
            if isinstance(owner, cst.Name):  # Paths.ORDER_SEARCH from another module
                cls = self.class_name if owner.value in ("self", "cls") else owner.value
                qualified = self.scope.project_constants.get(f"{cls}.{node.attr.value}")
                if qualified is not None:
                    return qualified
            # ``errors.AFTER_SALE`` or ``config.API_VERSION`` from another project module
            return self.scope.project_constants.get(node.attr.value)
        return None


def _callee_name(func: cst.BaseExpression) -> Optional[str]:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None
