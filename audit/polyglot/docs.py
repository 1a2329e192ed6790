"""Markdown and reStructuredText, read only with ``--include-docs``: a line that holds an
endpoint path is a use of role ``url`` (docs are never call sites)."""

from __future__ import annotations

import re

from audit.catalog import Catalog
from audit.findings import Finding, InventoryEntry
from audit.polyglot.hints import hint
from audit.polyglot.results import PolyglotContext, PolyglotOutput, by_hand

# Markdown punctuation around a path (`code`, (links), | tables |) ends it, like a space.
_PUNCTUATION = re.compile(r"[`()\[\]|<>,;]")


def detect_docs(text: str, catalog: Catalog, context: PolyglotContext) -> PolyglotOutput:
    findings: list[Finding] = []
    inventory: list[InventoryEntry] = []
    for number, line in enumerate(text.splitlines(), 1):
        found = catalog.match_path(_PUNCTUATION.sub(" ", line))
        if found is None:
            continue
        literal = found.template.split("{", 1)[0].rstrip("/") or found.template
        column = max(line.find(literal), 0) + 1
        inventory.append(
            InventoryEntry(found.endpoint, found.version, "url", context.path, number, column)
        )
        rule = catalog.rule_for_endpoint(found.endpoint)
        if rule is None or rule.sites == "calls" or not found.strong:
            continue
        if rule.us_only and not context.markets.includes_us:
            continue
        findings.append(
            Finding(
                rule=rule.id,
                severity=rule.severity,
                category=rule.category,
                path=context.path,
                line=number,
                column=column,
                end_line=number,
                end_column=len(line) + 1,
                message=rule.message.format(what=found.template) + by_hand(rule.id, "markdown"),
                snippet=line,
                confidence="high",
                fix="manual",
                matched=line.strip(),
                endpoint=found.endpoint,
                shape="url",
                language="markdown",
                hint=hint(rule.id, "markdown"),
            )
        )
    return PolyglotOutput(findings, inventory, [])
