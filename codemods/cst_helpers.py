"""libcst helpers every codemod shares: code of a node, bindings, parents, name uses, and
moving statements with their comments and blank lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Optional, TypeVar

import libcst as cst
from libcst.metadata import Assignment, ParentNodeProvider, Scope

_StatementT = TypeVar("_StatementT", bound=cst.BaseStatement)


# -- code and bindings ----------------------------------------------------------------------


def code_of(node: cst.CSTNode) -> str:
    """The node's source, as written."""
    return cst.Module(body=[]).code_for_node(node)


def short_code(node: cst.CSTNode, limit: int = 80) -> str:
    """The node's source on one line, cut to ``limit`` characters (for messages)."""
    text = " ".join(code_of(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def single_binding(
    statement: cst.CSTNode,
) -> Optional[tuple[cst.Name, cst.BaseExpression]]:
    """``(name, value)`` of ``name = value`` or ``name: T = value``, else None."""
    if (
        isinstance(statement, cst.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0].target, cst.Name)
    ):
        return statement.targets[0].target, statement.value
    if (
        isinstance(statement, cst.AnnAssign)
        and isinstance(statement.target, cst.Name)
        and statement.value is not None
    ):
        return statement.target, statement.value
    return None


def simple_bindings(function: cst.FunctionDef) -> dict[str, cst.BaseExpression]:
    """``name = expr`` and ``a, b = x, y`` bound once in the function body (nested
    functions have their own names)."""
    found: dict[str, cst.BaseExpression] = {}
    seen: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                pairs: list[tuple[cst.BaseExpression, Optional[cst.BaseExpression]]] = []
                if isinstance(target.target, cst.Name):
                    pairs.append((target.target, node.value))
                elif isinstance(target.target, cst.Tuple) and isinstance(node.value, cst.Tuple):
                    values = [e.value for e in node.value.elements]
                    names = [e.value for e in target.target.elements]
                    if len(values) == len(names):
                        pairs.extend(zip(names, values))
                for name, value in pairs:
                    if isinstance(name, cst.Name) and value is not None:
                        if name.value in seen:
                            found.pop(name.value, None)  # rebound: not a simple binding
                        else:
                            found[name.value] = value
                        seen.add(name.value)

    function.visit(Collect())
    return found


def only_assignment(scope: Optional[Scope], target: cst.Name) -> Optional[Assignment]:
    """The assignment of ``target``'s name in ``scope`` when ``target`` is its only one."""
    if scope is None:
        return None
    assignments = list(scope.assignments[target.value])
    only = assignments[0] if len(assignments) == 1 else None
    return only if isinstance(only, Assignment) and only.node is target else None


def parent_of(owner: cst.MetadataDependent, node: cst.CSTNode) -> Optional[cst.CSTNode]:
    """``node``'s parent, through ``owner``'s ParentNodeProvider metadata."""
    parent: Optional[cst.CSTNode] = owner.get_metadata(ParentNodeProvider, node, None)
    return parent


# -- statements with their comments and blank lines -----------------------------------------


def lines_above(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """The comment and blank lines above a statement."""
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement.leading_lines
    return ()


def with_leading(statement: _StatementT, lines: Sequence[cst.EmptyLine]) -> _StatementT:
    return statement.with_changes(leading_lines=lines)


def blank_prefix(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """The blank lines before the first comment line."""
    prefix = []
    for line in lines:
        if line.comment is not None:
            break
        prefix.append(line)
    return prefix


def comment_line(comment: cst.Comment) -> cst.EmptyLine:
    return cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(""), comment=comment)


def is_pass(statement: cst.BaseStatement) -> bool:
    """A bare ``pass`` line with nothing above it."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Pass)
        and not statement.leading_lines
    )


def keep_comments(
    lines: Sequence[cst.EmptyLine], stale: Callable[[str], bool]
) -> list[cst.EmptyLine]:
    """Leading lines of a rewritten statement, minus the comment blocks (runs of comment
    lines) that hold a ``stale`` comment: those described the code that is gone."""
    kept: list[cst.EmptyLine] = []
    block: list[cst.EmptyLine] = []

    def flush() -> None:
        about_code = any(line.comment is not None and stale(line.comment.value) for line in block)
        if not about_code:
            kept.extend(block)
        block.clear()

    for line in lines:
        if line.comment is None:
            flush()
            kept.append(line)
        else:
            block.append(line)
    flush()
    return kept


def join_suites(
    suites: Sequence[cst.BaseSuite], stale: Callable[[str], bool]
) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """The statements of ``suites`` as lines of one block, header comments (unless
    ``stale``) on top and each block's trailing comments in front of what follows it."""
    statements: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    for suite in suites:
        if isinstance(suite, cst.SimpleStatementSuite):
            line = cst.SimpleStatementLine(
                body=suite.body, trailing_whitespace=suite.trailing_whitespace
            )
            lines, footer = [], []
            inner: list[cst.BaseStatement] = [line]
        else:
            assert isinstance(suite, cst.IndentedBlock)
            comment = suite.header.comment
            keep = comment is not None and not stale(comment.value)
            lines = [comment_line(comment)] if keep and comment is not None else []
            footer = list(suite.footer)
            inner = list(suite.body)
        lines = [*pending, *lines]
        if inner and lines:
            inner[0] = with_leading(inner[0], [*lines, *lines_above(inner[0])])
            pending = []
        else:
            pending = lines
        pending = [*pending, *footer]
        statements.extend(inner)
    return statements, pending


def no_blank_top(before: cst.Module, after: cst.Module) -> cst.Module:
    """When the statements at the top of a module went (an import, a constant), the blank
    lines that set the next one apart would open the file: drop them."""
    if not after.body or not before.body:
        return after
    first = after.body[0]
    blank = blank_prefix(lines_above(first))
    if not blank or blank_prefix(lines_above(before.body[0])):
        return after
    first = with_leading(first, lines_above(first)[len(blank) :])
    return after.with_changes(body=[first, *after.body[1:]])


def has_relative_import(module: cst.Module) -> bool:
    found = []

    class Imports(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.relative:
                found.append(node)

    module.visit(Imports())
    return bool(found)
