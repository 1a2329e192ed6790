"""Which language a file is, and its tree-sitter grammar, loaded on first use.

Each grammar is its own wheel (``tree-sitter-php``, ``tree-sitter-typescript`` ...); a
scan imports only the grammars of the files it actually parses.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any, Optional

# language -> (grammar module, function returning the language pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "php": ("tree_sitter_php", "language_php"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
}

_SUFFIXES: dict[str, str] = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".php": "php",
    ".go": "go",
    ".java": "java",
    ".cs": "csharp",
    ".rb": "ruby",
    ".json": "apispec",
    ".yaml": "apispec",
    ".yml": "apispec",
}
DOC_SUFFIXES: dict[str, str] = {".md": "markdown", ".markdown": "markdown", ".rst": "markdown"}

# What findings and reports call each language.
DISPLAY = {"tsx": "typescript", "apispec": "openapi"}


@dataclass(frozen=True)
class SourceKind:
    language: str  # a _GRAMMARS key, "apispec" or "markdown"
    grammar: bool  # parsed with tree-sitter


def kind_for(name: str, include_docs: bool = False) -> Optional[SourceKind]:
    """The kind of a file by its name, or None for Python and files that are not read."""
    dot = name.rfind(".")
    if dot < 0:
        return None
    suffix = name[dot:].lower()
    if name.endswith(".d.ts"):
        return None  # type declarations: no calls, and very large in SDK packages
    language = _SUFFIXES.get(suffix) or (DOC_SUFFIXES.get(suffix) if include_docs else None)
    if language is None:
        return None
    return SourceKind(language, language in _GRAMMARS)


def is_read(name: str, include_docs: bool = False) -> bool:
    return kind_for(name, include_docs) is not None


@cache
def parser(language: str) -> Any:
    """A tree-sitter parser for ``language``; its grammar is imported on the first call."""
    import tree_sitter

    module_name, function = _GRAMMARS[language]
    module = importlib.import_module(module_name)
    return tree_sitter.Parser(tree_sitter.Language(getattr(module, function)()))
