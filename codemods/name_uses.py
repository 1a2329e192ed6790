"""Is a name still used? Answered from libcst's scope analysis, not from the text.

A rewrite can leave a local URL variable, a module constant or a name it wants to add
behind; whether anything still reads it decides what goes. Scopes see what a text search
cannot: a mention in a comment or a string is not a use, a nested function's read of an
outer name is one, and so is a name another binding of the same scope shadows.
Uses in *other* modules are not visible here; callers check the project's text for them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Union

import libcst as cst
from libcst.metadata import (
    CodeRange,
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)


def _resolved(module: cst.Module) -> tuple[MetadataWrapper, dict[cst.CSTNode, object]]:
    # unsafe_skip_copy: keep the caller's nodes, so identities (and positions) match
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper, dict(wrapper.resolve(ScopeProvider))


def drop_unused_assignments(function: cst.FunctionDef, names: Collection[str]) -> cst.FunctionDef:
    """``function`` without its ``name = value`` lines for the ``names`` that it binds
    once and reads nowhere (nested functions included)."""
    _, scopes = _resolved(cst.Module(body=[function]))

    def unused(target: cst.Name) -> bool:
        scope = scopes.get(target)
        if not isinstance(scope, Scope):
            return False
        assignments = list(scope.assignments[target.value])
        return len(assignments) == 1 and not assignments[0].references

    class Drop(cst.CSTTransformer):
        def leave_SimpleStatementLine(
            self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
        ) -> Union[cst.SimpleStatementLine, cst.RemovalSentinel]:
            statement = original_node.body[0] if len(original_node.body) == 1 else None
            if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
                return updated_node
            target = statement.targets[0].target
            if isinstance(target, cst.Name) and target.value in names and unused(target):
                return cst.RemoveFromParent()
            return updated_node

    result = function.visit(Drop())
    assert isinstance(result, cst.FunctionDef)
    return result


def bound_or_read(module: cst.Module) -> frozenset[str]:
    """Every name the module binds or reads, in any scope (builtins it calls included)."""
    _, scopes = _resolved(module)
    names: set[str] = set()
    for scope in {id(s): s for s in scopes.values() if isinstance(s, Scope)}.values():
        names.update(a.name for a in scope.assignments)
        names.update(a.node.value for a in scope.accesses if isinstance(a.node, cst.Name))
    return frozenset(names)


def fresh_name(module: cst.Module, name: str) -> str:
    """``name``, or ``name_2`` ... when the module already binds or reads it."""
    taken = bound_or_read(module)
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}_{number}"
    return candidate


def global_reads(module: cst.Module, name: str) -> list[CodeRange]:
    """Where the module reads its global ``name``, from any function or class within, and
    where its ``__all__`` exports it."""
    wrapper, scopes = _resolved(module)
    positions = wrapper.resolve(PositionProvider)
    scope = scopes.get(module)
    if not isinstance(scope, GlobalScope):
        return []
    reads = [access.node for a in scope.assignments[name] for access in a.references]
    return [positions[node] for node in [*reads, *_exports(module, name)]]


def _exports(module: cst.Module, name: str) -> list[cst.SimpleString]:
    """The strings naming ``name`` in a top-level ``__all__ = [...]`` (scopes do not count
    them as reads, yet ``from module import *`` needs the name)."""
    found = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets = small.targets if isinstance(small, cst.Assign) else ()
            if not any(
                isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in targets
            ):
                continue
            assert isinstance(small, cst.Assign)
            if isinstance(small.value, (cst.List, cst.Tuple)):
                found += [
                    e.value
                    for e in small.value.elements
                    if isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == name
                ]
    return found
