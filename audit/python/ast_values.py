"""Static string values of CPython ``ast`` expressions, for the project model.

The project model reads every candidate file once with CPython's own parser (about ten
times faster than libcst) to learn what the project defines: path constants, path
builders, client join templates and wrappers. This evaluator is its counterpart of
``audit.python.strings.Evaluator``: literals, f-strings, ``+``, ``%``, ``.format()``,
``.replace()``, names bound in an environment, ``self.X``/``Class.X``/``module.X``
and enum ``.value``. Unknown parts become ``HOLE``; a parameter becomes its marker so a
join template can later take the caller's arguments.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Callable, Optional

from audit.catalog import HOLE

_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")
_MAX_DEPTH = 24
MARK = "\x01"  # around a parameter's index: "\x01" + "0" + "\x01"

Lookup = Callable[[ast.expr], Optional[str]]


def marker(index: int) -> str:
    return f"{MARK}{index}{MARK}"


_MARKER = re.compile(MARK + r"(\d+)" + MARK)


_WHOLE_SEGMENT = re.compile(r"(?<=/)" + MARK + r"(\d+)" + MARK + r"(?=/|$)")
UNKNOWN = "\x02"  # an unknown argument inside a segment: it matches no template


def fill(template: str, values: Mapping[int, str]) -> str:
    """A join template with the caller's argument values. An unknown argument that is a
    whole path segment (a version passed in) is a hole; one glued to other text
    (``orders{api_path}``) leaves the path unknown."""
    whole = _WHOLE_SEGMENT.sub(lambda m: values.get(int(m.group(1)), HOLE), template)
    return _MARKER.sub(lambda m: values.get(int(m.group(1)), UNKNOWN), whole)


def has_marker(text: str) -> bool:
    return MARK in text


def without_markers(text: str) -> str:
    return _MARKER.sub(HOLE, text)


def dotted(node: ast.expr) -> Optional[str]:
    """``a.b.c`` for a name or attribute chain, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner is not None else None
    return None


class AstStrings:
    """Evaluates string expressions; ``lookup`` resolves names and attributes."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup

    def string(self, node: ast.expr, depth: int = 0) -> Optional[str]:
        if depth > _MAX_DEPTH:
            return None
        depth += 1
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    parts.append(self.piece(value.value, depth))
                else:
                    parts.append(self.string(value, depth) or "")
            return "".join(parts)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                left, right = self.string(node.left, depth), self.string(node.right, depth)
                if left is None and right is None:
                    return None
                return (HOLE if left is None else left) + (HOLE if right is None else right)
            if isinstance(node.op, ast.Mod):
                template = self.string(node.left, depth)
                if template is None:
                    return None
                values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
                pieces = iter([self.piece(v, depth) for v in values])
                return re.sub(r"%[sd]", lambda _: next(pieces, HOLE), template)
            return None
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            return self.lookup(node)
        return None

    def piece(self, node: ast.expr, depth: int) -> str:
        text = self.string(node, depth)
        if text is not None:
            return text
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return str(node.value)
        return HOLE

    def _call(self, node: ast.Call, depth: int) -> Optional[str]:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        receiver = self.string(func.value, depth)
        if receiver is None:
            return None
        if func.attr == "format":
            positional = [self.piece(a, depth) for a in node.args]
            named = {k.arg: self.piece(k.value, depth) for k in node.keywords if k.arg}
            counter = iter(positional)

            def substitute(match: re.Match[str]) -> str:
                name = re.split(r"[!:.\[]", match.group(1), maxsplit=1)[0]
                if name == "":
                    return next(counter, HOLE)
                if name.isdigit():
                    index = int(name)
                    return positional[index] if index < len(positional) else HOLE
                return named.get(name, HOLE)

            return _FORMAT_FIELD.sub(substitute, receiver)
        if func.attr == "replace" and len(node.args) >= 2:
            old = self.string(node.args[0], depth)
            return (
                receiver if old is None else receiver.replace(old, self.piece(node.args[1], depth))
            )
        if func.attr in ("strip", "lstrip", "rstrip", "lower", "upper"):
            return receiver
        if (
            func.attr == "join"
            and len(node.args) == 1
            and isinstance(node.args[0], (ast.List, ast.Tuple))
        ):
            return receiver.join(self.piece(e, depth) for e in node.args[0].elts)
        return None
