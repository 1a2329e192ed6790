"""Whether libcst can rewrite a file in bounded time, decided before it is parsed.

libcst nests a chain of ``or``/``and`` one level per operator (CPython's tree keeps it
flat), and every codemod pass walks that depth: a valid 60 KB file of 10,000 ``a or a``
terms took a minute to fix, and its native parser crashed the process off a large-stack
thread. ``fix`` rewrites a file only if libcst's tree would nest at most
:data:`MAX_REWRITE_DEPTH` levels and the file is at most :data:`MAX_REWRITE_BYTES`;
other files are reported as not fixed, with the reason, and keep their findings.
"""

from __future__ import annotations

import ast
import warnings
from typing import Optional

MAX_REWRITE_DEPTH = 1000
MAX_REWRITE_BYTES = 256_000


def _depth_cost(node: ast.AST) -> int:
    """The levels libcst adds for this node: a BoolOp of n values is n-1 binary nodes."""
    if isinstance(node, ast.BoolOp):
        return max(1, len(node.values) - 1)
    return 1


def refusal(text: str) -> Optional[str]:
    """Why ``text`` is not rewritten, or None when it may be."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_REWRITE_BYTES:
        return (
            f"larger than {MAX_REWRITE_BYTES // 1000} KB ({size // 1000} KB), too costly to "
            "rewrite; file left untouched, fix it by hand"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None  # libcst decides, as the scan did
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        depth += _depth_cost(node)
        if depth > MAX_REWRITE_DEPTH:
            return (
                f"expressions nest more than {MAX_REWRITE_DEPTH} levels (a long and/or "
                "chain?), too costly to rewrite; file left untouched, fix it by hand"
            )
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return None
