"""The per-class answers to libcst's per-instance searches (codemods/libcst_speedups.py)
are the answers libcst gives."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.matchers import _visitors
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

import codemods.base  # noqa: F401  (installs the shortcuts)
from codemods.ca101_reject_cancellation import RejectToShip
from codemods.ca301_search_cancellations import PendingViaOrderFilter

GATHERERS = (
    "_gather_matchers",
    "_gather_constructed_visit_funcs",
    "_gather_constructed_leave_funcs",
)


def test_the_codemods_get_the_answer_libcst_would_give() -> None:
    for cls in (RejectToShip, PendingViaOrderFilter):
        codemod = cls(CodemodContext())
        for name in GATHERERS:
            shortcut = getattr(_visitors, name)
            assert hasattr(shortcut, "__wrapped__"), name
            assert shortcut(codemod) == shortcut.__wrapped__(codemod) == {}


def test_a_decorated_transformer_still_has_its_matchers_called() -> None:
    class Renamer(m.MatcherDecoratableTransformer):
        seen: list[str]

        def __init__(self) -> None:
            super().__init__()
            self.seen = []

        @m.call_if_inside(m.FunctionDef())
        @m.visit(m.Name())
        def note(self, node: cst.Name) -> None:
            self.seen.append(node.value)

        @m.leave(m.Name("old"))
        def rename(self, original: cst.Name, updated: cst.Name) -> cst.Name:
            return updated.with_changes(value="new")

    renamer = Renamer()
    module = cst.parse_module("old = 1\ndef f():\n    return old\n").visit(renamer)
    assert module.code == "new = 1\ndef f():\n    return new\n"
    assert renamer.seen == ["f", "old"]


def test_metadata_visitors_list_the_methods_libcst_would() -> None:
    wrapper = MetadataWrapper(cst.parse_module("def f(x):\n    return x\n"))
    wrapper.resolve_many([PositionProvider, ScopeProvider, ParentNodeProvider])  # warm
    shortcut = cst.BatchableCSTVisitor.get_visitors
    assert hasattr(shortcut, "__wrapped__")
    for provider in (ScopeProvider, ParentNodeProvider):
        for _ in range(2):  # the first instance names them, the next ones reuse the names
            visitor = provider()
            got = visitor.get_visitors()
            assert got == shortcut.__wrapped__(visitor) and got
            assert all(method.__self__ is visitor for method in got.values())
    scopes = wrapper.resolve(ScopeProvider)  # and the provider still works
    assert "f" in scopes[wrapper.module]
    functions = [s for s in scopes.values() if s is not None and s is not scopes[wrapper.module]]
    assert any("x" in scope for scope in functions)
