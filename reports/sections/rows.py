"""A finding as one table row, and a table as rows with a count of those left out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audit.catalog import Catalog
from audit.findings import Finding
from audit.origin import PRODUCTION
from reports.sections.labels import category_label, category_rank, fix_fields, origin_label


def split_path(path: str) -> dict[str, Any]:
    """The folder (with its trailing slash, also split per level) and the file name, so a
    long path can break between folders rather than inside a name."""
    folder, sep, name = path.rpartition("/")
    parts = [part + "/" for part in folder.split("/")] if sep else []
    return {"folder": folder + sep, "folder_parts": parts, "file": name}


def finding_row(finding: Finding, catalog: Catalog) -> dict[str, Any]:
    rule = catalog.rules.get(finding.rule)
    endpoint = catalog.endpoints.get(finding.endpoint or "")
    return {
        "rule": finding.rule,
        "rule_name": rule.name if rule else "",
        "rule_anchor": f"rule-{finding.rule}" if rule else None,
        "category": finding.category,
        "category_label": category_label(finding.category),
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "location": f"{finding.path}:{finding.line}",
        **split_path(finding.path),
        "snippet": finding.snippet.strip(),
        "message": finding.message,
        "language": finding.language,
        "confidence": finding.confidence,
        "endpoint": endpoint.title if endpoint else (finding.endpoint or ""),
        "baselined": finding.status == "baselined",
        "origin": finding.origin,
        "origin_label": origin_label(finding.origin),
        "in_production": finding.origin == PRODUCTION,
        "fingerprint": finding.fingerprint,
        **fix_fields(finding.fix),
    }


def finding_rows(findings: Iterable[Finding], catalog: Catalog) -> list[dict[str, Any]]:
    """Rows in the report's order: by category, then rule, then place."""
    ordered = sorted(
        findings, key=lambda f: (category_rank(f.category), f.rule, f.path, f.line, f.column)
    )
    return [finding_row(f, catalog) for f in ordered]


def section(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rows": rows, "total": len(rows), "omitted": 0}
