"""Two per-instance searches libcst repeats for every visitor, answered once per class.

A dry fix plan builds a few transformers per file (each codemod, libcst's import
visitors) and a few metadata visitors per transformer; libcst inspects each new instance
by ``getattr`` on every one of its thousand-odd attributes, which was about half of the
plan. Both answers depend only on the class (methods are class attributes):

* a ``MatcherDecoratableTransformer`` looks for ``@m.visit``/``@m.leave``/
  ``@m.call_if_inside`` methods: no class here has one, so a class known to carry no
  matcher decoration gets the empty answer libcst would compute; others as before;
* a ``BatchableCSTVisitor`` (metadata providers) lists its ``visit_*``/``leave_*``
  methods: the names are found on the first instance of a class, then bound per instance.

``install`` leaves a libcst without these internals as it is.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from libcst import BatchableCSTVisitor
from libcst.matchers import _visitors

_GATHERERS = (
    "_gather_matchers",
    "_gather_constructed_visit_funcs",
    "_gather_constructed_leave_funcs",
)
_MARKS: tuple[str, ...] = tuple(
    getattr(_visitors, name, "")
    for name in (
        "CONSTRUCTED_VISIT_MATCHER_ATTR",
        "CONSTRUCTED_LEAVE_MATCHER_ATTR",
        "VISIT_POSITIVE_MATCHER_ATTR",
        "VISIT_NEGATIVE_MATCHER_ATTR",
    )
)
_undecorated_classes: dict[type, bool] = {}
_visitor_names: dict[type, tuple[str, ...]] = {}


def _undecorated(cls: type) -> bool:
    """No attribute of the class carries a matcher decoration (answered once per class)."""
    known = _undecorated_classes.get(cls)
    if known is None:
        known = _undecorated_classes[cls] = not any(
            hasattr(getattr(cls, name, None), mark) for name in dir(cls) for mark in _MARKS
        )
    return known


def _skipping(gather: Callable[[object], Any]) -> Callable[[object], Any]:
    @functools.wraps(gather)
    def gathered(obj: object) -> Any:
        return {} if _undecorated(type(obj)) else gather(obj)

    return gathered


def _named_once(get_visitors: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(get_visitors)
    def visitors(self: Any) -> Any:
        names = _visitor_names.get(type(self))
        if names is None:
            found = get_visitors(self)
            _visitor_names[type(self)] = tuple(found)
            return found
        return {name: getattr(self, name) for name in names}

    return visitors


def install() -> None:
    """Once per process (a second call changes nothing)."""
    if all(mark and isinstance(mark, str) for mark in _MARKS):
        for name in _GATHERERS:
            gather = getattr(_visitors, name, None)
            if callable(gather) and not hasattr(gather, "__wrapped__"):
                setattr(_visitors, name, _skipping(gather))
    get_visitors = BatchableCSTVisitor.get_visitors
    if not hasattr(get_visitors, "__wrapped__"):
        BatchableCSTVisitor.get_visitors = _named_once(get_visitors)  # type: ignore[method-assign,assignment]
