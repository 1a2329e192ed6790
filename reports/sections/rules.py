"""The rule reference: the catalog's explanation of every rule, for in-report links."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from audit.catalog import Catalog
from audit.findings import Finding
from reports.sections.labels import category_label, category_rank, fix_fields


def rule_pages(catalog: Catalog, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The catalog's explanation of every rule, for the in-report anchors."""
    used = Counter(f.rule for f in findings)
    pages = []
    for rule in sorted(catalog.rules.values(), key=lambda r: (category_rank(r.category), r.id)):
        pages.append(
            {
                "id": rule.id,
                "anchor": f"rule-{rule.id}",
                "name": rule.name,
                "category": rule.category,
                "category_label": category_label(rule.category),
                "severity": rule.severity,
                "summary": rule.summary,
                "why": rule.why,
                "example": rule.example.rstrip("\n"),
                "instead": rule.instead.rstrip("\n"),
                "fix_detail": rule.fix.detail,
                "count": used.get(rule.id, 0),
                **fix_fields(rule.fix.kind),
            }
        )
    return pages
