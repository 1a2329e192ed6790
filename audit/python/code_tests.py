"""Code tests: expressions that compare with 21011007 or its message.

A *code test* is a comparison, membership or substring test with the code or the message
on one side (as ``audit.python.matchers`` recognises them), or ``not``/``or`` of code
tests. In the US on v202309 shipping no longer fails with 21011007, so a code test is
always False now and its ``!=``/``not in`` form always True.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional, Union

import libcst as cst

from audit.catalog import Catalog
from audit.python.matchers import is_error_code, mentions_error
from audit.python.strings import Evaluator

# Conversions that keep a code a code: ``str(AFTER_SALE)``, ``int("21011007")``.
_CONVERSIONS = frozenset({"str", "int"})

Simplified = Union[bool, cst.BaseExpression]


class CodeTests:
    """Decides expressions with the matchers: always False, always True, or unknown."""

    def __init__(
        self, evaluator: Evaluator, catalog: Catalog, flags: Optional[Mapping[str, bool]] = None
    ) -> None:
        self.evaluator = evaluator
        self.catalog = catalog
        self.flags: Mapping[str, bool] = flags or {}

    def matches(self, node: cst.BaseExpression) -> bool:
        """``node`` is the code or the message (a literal, a constant, ``str(CODE)``)."""
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in _CONVERSIONS
            and len(node.args) == 1
            and node.args[0].keyword is None
            and not node.args[0].star
        ):
            return self.matches(node.args[0].value)
        if is_error_code(node, self.evaluator, self.catalog):
            return True
        text = self.evaluator.string(node)
        return text is not None and mentions_error(text, self.catalog)

    def _all_match(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)) and node.elements:
            return all(
                isinstance(element, cst.Element) and self.matches(element.value)
                for element in node.elements
            )
        return False

    def value(
        self, node: cst.BaseExpression, used: Optional[list[cst.Name]] = None
    ) -> Optional[bool]:
        """True/False when ``node`` is a code test (or ``not``/``or`` of them), else None.
        Flag names it relied on are appended to ``used``."""
        names: list[cst.Name] = []
        result = self._value(node, names)
        if result is not None and used is not None:
            used.extend(names)
        return result

    def _value(self, node: cst.BaseExpression, used: list[cst.Name]) -> Optional[bool]:
        if isinstance(node, cst.Name) and node.value in self.flags:
            used.append(node)
            return self.flags[node.value]
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner = self._value(node.expression, used)
            return None if inner is None else not inner
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            first = self._value(node.left, used)
            second = self._value(node.right, used)
            return None if first is None or second is None else first or second
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            operator, left, right = target.operator, node.left, target.comparator
            if isinstance(operator, (cst.Equal, cst.NotEqual)):
                hit = self.matches(left) or self.matches(right)
            elif isinstance(operator, (cst.In, cst.NotIn)):
                hit = self.matches(left) or self.matches(right) or self._all_match(right)
            else:
                return None
            return isinstance(operator, (cst.NotEqual, cst.NotIn)) if hit else None
        return None

    def simplify(self, node: cst.BaseExpression) -> Simplified:
        """``node`` with every code test replaced by its value (for suggestions)."""
        decided = self.value(node)
        if decided is not None:
            return decided
        if isinstance(node, cst.BooleanOperation):
            left, right = self.simplify(node.left), self.simplify(node.right)
            absorbing = isinstance(node.operator, cst.Or)  # True absorbs `or`, False `and`
            for side, other in ((left, right), (right, left)):
                if side is absorbing:
                    return absorbing
                if side is (not absorbing):
                    return other
            assert not isinstance(left, bool) and not isinstance(right, bool)
            return node.with_changes(left=left, right=right)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner = self.simplify(node.expression)
            if isinstance(inner, bool):
                return not inner
            return node.with_changes(expression=inner)
        return node
