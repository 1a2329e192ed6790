"""Static evaluation of string-building expressions in any of the grammars we read.

``Evaluator.string`` gives the text an expression produces, with every part that cannot
be known replaced by ``HOLE``: literals, template literals and interpolation (JS/TS
``${}``, PHP ``"{$x}"``, Ruby ``#{}``, C# ``$"{x}"``), ``+`` and PHP ``.``
concatenation, constants and class members bound in the same file (``self::API_VERSION``,
``Paths.REJECT``, Go ``const`` blocks), ``sprintf``/``String.format``/``fmt.Sprintf``/
``string.Format`` (format holes become path holes) and ``.replace``/``str_replace``.
Nothing is executed.
"""

from __future__ import annotations

import re
from typing import Optional

from audit.catalog import HOLE
from audit.polyglot.bindings import Bindings
from audit.polyglot.syntax import (
    BINARY,
    CALLS,
    CONCAT_OPERATORS,
    ESCAPES,
    IDENTIFIERS,
    INTERPOLATIONS,
    MEMBER_ACCESS,
    NUMBERS,
    STRING_CONTENT,
    STRINGS,
    Node,
    call_arguments,
    callee,
    member_parts,
    named_children,
    operator,
    text,
)

# printf-style holes (%s, %d, %v, %[1]s, %-5s) and .NET ones ({0}, {1:D})
_PRINTF = re.compile(r"%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[sdvqxXfgtT]")
_DOTNET = re.compile(r"\{(\d+)(?:[,:][^}]*)?\}")
_FORMATTERS = frozenset({"sprintf", "Sprintf", "format", "Format", "formatted", "printf"})
_REPLACERS = frozenset({"replace", "Replace", "replaceAll", "ReplaceAll", "str_replace", "gsub"})
_JOINERS = frozenset({"Join", "join", "Combine"})
_PATH_OWNERS = frozenset({"path", "filepath", "posix", "File", "Path", "url", "URI"})
_N8N_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_ESCAPE_VALUES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_MAX_DEPTH = 24


class Evaluator:
    def __init__(self, bindings: Bindings, class_name: Optional[str] = None) -> None:
        self.bindings = bindings
        self.class_name = class_name

    def string(self, node: Node) -> Optional[str]:
        """The static text of ``node``, or None when it is not string-like."""
        value = self._string(node, 0)
        if value is not None and value.startswith("="):
            # n8n expressions: '=/order/202309/orders/{{$parameter.id}}'
            value = _N8N_EXPRESSION.sub(HOLE, value)
        return value

    def integer(self, node: Node) -> Optional[int]:
        return self._integer(node, 0)

    # -- strings ------------------------------------------------------------------------

    def piece(self, node: Node, depth: int) -> str:
        value = self._string(node, depth)
        if value is not None:
            return value
        number = self._integer(node, depth)
        return str(number) if number is not None else HOLE

    def _string(self, node: Node, depth: int) -> Optional[str]:
        if depth > _MAX_DEPTH:
            return None
        depth += 1
        kind = node.type
        if kind in STRINGS:
            return self._literal(node, depth)
        if kind in BINARY and operator(node) in CONCAT_OPERATORS:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return None
            lv, rv = self._string(left, depth), self._string(right, depth)
            if lv is None and rv is None:
                return None
            return (lv if lv is not None else HOLE) + (rv if rv is not None else HOLE)
        if kind in ("parenthesized_expression",):
            kids = named_children(node)
            return self._string(kids[0], depth) if len(kids) == 1 else None
        if kind in CALLS:
            return self._call(node, depth)
        if kind in IDENTIFIERS or kind in MEMBER_ACCESS:
            bound = self._resolve(node)
            return self._string(bound, depth) if bound is not None else None
        return None

    def _literal(self, node: Node, depth: int) -> str:
        parts = node.children
        if not any(p.is_named for p in parts):
            raw = text(node)
            return raw.strip("'\"`@$") if len(raw) >= 2 else raw
        out = []
        for part in parts:
            kind = part.type
            if kind in STRING_CONTENT:
                out.append(text(part))
            elif kind in ESCAPES:
                escape = text(part)
                out.append(_ESCAPE_VALUES.get(escape[1:2], escape[1:2]) if escape else "")
            elif not part.is_named or kind in ("interpolation_start", "interpolation_brace"):
                continue
            elif kind in INTERPOLATIONS:
                inner = [c for c in named_children(part) if c.type != "interpolation_brace"]
                out.append(self.piece(inner[0], depth) if inner else HOLE)
            else:
                out.append(self.piece(part, depth))
        return "".join(out)

    def _call(self, node: Node, depth: int) -> Optional[str]:
        name, receiver = callee(node)
        if name is None:
            return None
        args = call_arguments(node)
        receiver_text = self._string(receiver, depth) if receiver is not None else None
        if name in _FORMATTERS:
            if receiver_text is not None:  # "...%s".formatted(x) / '...' % x (Ruby format)
                return self._format(receiver_text, [self.piece(a, depth) for a in args])
            if args:
                template = self._string(args[0], depth)
                if template is not None:
                    return self._format(template, [self.piece(a, depth) for a in args[1:]])
            return None
        if name in _REPLACERS:
            if receiver_text is not None and len(args) >= 2:
                old = self._string(args[0], depth)
                return (
                    receiver_text
                    if old is None
                    else receiver_text.replace(old, self.piece(args[1], depth))
                )
            if name == "str_replace" and len(args) >= 3:  # str_replace($search, $replace, $s)
                subject, old = self._string(args[2], depth), self._string(args[0], depth)
                if subject is not None:
                    return (
                        subject if old is None else subject.replace(old, self.piece(args[1], depth))
                    )
            if name in ("Replace", "ReplaceAll") and len(args) >= 3:  # Go strings.Replace
                subject, old = self._string(args[0], depth), self._string(args[1], depth)
                if subject is not None:
                    return (
                        subject if old is None else subject.replace(old, self.piece(args[2], depth))
                    )
            return None
        if name in _JOINERS and receiver is not None and text(receiver) in _PATH_OWNERS and args:
            pieces = [self.piece(a, depth) for a in args]
            if all(p == HOLE for p in pieces):
                return None
            return "/".join(p.strip("/") if i else p.rstrip("/") for i, p in enumerate(pieces))
        return None

    @staticmethod
    def _format(template: str, values: list[str]) -> str:
        if _DOTNET.search(template) and not _PRINTF.search(template):

            def dotnet(match: re.Match[str]) -> str:
                index = int(match.group(1))
                return values[index] if index < len(values) else HOLE

            return _DOTNET.sub(dotnet, template)
        remaining = iter(values)
        return _PRINTF.sub(lambda _: next(remaining, HOLE), template)

    # -- names and numbers --------------------------------------------------------------

    def _resolve(self, node: Node) -> Optional[Node]:
        if node.type in IDENTIFIERS:
            return self.bindings.bare(text(node))
        owner, member = member_parts(node)
        if member is None:
            return None
        return self.bindings.member(owner, member.lstrip("$"), self.class_name)

    def _integer(self, node: Node, depth: int) -> Optional[int]:
        if depth > _MAX_DEPTH:
            return None
        if node.type in NUMBERS:
            digits = text(node).replace("_", "").rstrip("lLuU")
            return int(digits) if digits.isdigit() else None
        if node.type in IDENTIFIERS or node.type in MEMBER_ACCESS:
            bound = self._resolve(node)
            return self._integer(bound, depth + 1) if bound is not None else None
        return None
