"""What a match outside Python becomes: a ``Finding`` with its language, origin,
confidence (TikTok Shop evidence of its class or file) and the hand change it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from audit.catalog import Rule
from audit.findings import Finding, InventoryEntry
from audit.markets import Markets
from audit.origin import marked, origin_of
from audit.polyglot.hints import hint, title
from audit.polyglot.syntax import Node, text
from audit.suppressions import Suppression


@dataclass(frozen=True)
class PolyglotContext:
    path: str
    language: str  # as shown in findings: "php", "typescript" ...
    markets: Markets
    file_has_context: bool
    project_has_context: bool


@dataclass
class RawMatch:
    """A match before suppression, baseline and fingerprinting."""

    rule: Rule
    node: Node
    what: str
    strong: bool
    endpoint: Optional[str]
    shape: str
    function: Optional[str]
    verdict: Optional[str]  # TikTok evidence of the enclosing class, else of the file
    floor: str = "low"
    at: Optional[Node] = None  # where the finding is shown, when not at the node's start
    needs: frozenset[str] = frozenset()  # facts its functions must show (Rule.requires)
    listing: bool = False  # a function around it lists by time or syncs everything


@dataclass
class PolyglotOutput:
    findings: list[Finding]
    inventory: list[InventoryEntry]
    suppressions: list[Suppression]


def confidence(raw: RawMatch, context: PolyglotContext) -> Optional[str]:
    """None: weak evidence in code for another marketplace, not a TikTok Shop finding."""
    if raw.strong:
        return "high"
    if raw.verdict == "other":
        return None
    if raw.verdict == "tiktok" or context.file_has_context:
        return "high"
    if context.project_has_context or raw.floor == "medium":
        return "medium"
    return "low"


def position(node: Node, lines: list[bytes]) -> tuple[int, int]:
    row, column = node.start_point
    line = lines[row] if row < len(lines) else b""
    return row + 1, len(line[:column].decode("utf-8", "replace")) + 1


def stands_alone(node: Node, lines: list[bytes]) -> bool:
    row, column = node.start_point
    return (lines[row][:column] if row < len(lines) else b"").strip() == b""


def to_finding(
    raw: RawMatch, confidence: str, lines: list[bytes], context: PolyglotContext
) -> Finding:
    rule = raw.rule
    line, column = position(raw.at or raw.node, lines)
    end_row, end_col = (raw.at or raw.node).end_point
    end_line_bytes = lines[end_row] if end_row < len(lines) else b""
    message = rule.finding_message(raw.what, context.markets)
    message += by_hand(rule.id, context.language)
    origin = origin_of(context.path)
    snippet = lines[line - 1].decode("utf-8", "replace").rstrip("\r") if line <= len(lines) else ""
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        category=rule.category,
        path=context.path,
        line=line,
        column=column,
        end_line=end_row + 1,
        end_column=len(end_line_bytes[:end_col].decode("utf-8", "replace")) + 1,
        message=marked(message, origin),
        snippet=snippet,
        confidence=confidence,
        fix="manual",
        matched=text(raw.node),
        origin=origin,
        endpoint=raw.endpoint,
        shape=raw.shape,
        function=raw.function,
        language=context.language,
        hint=hint(rule.id, context.language),
    )


def by_hand(rule: str, language: str) -> str:
    """The message's tail for a non-Python finding: the language and the change to make."""
    change = hint(rule, language)
    if not change:
        return f" ({title(language)})"
    return f" By hand ({title(language)}): {change}" + ("" if change[-1] in ";}." else ".")
