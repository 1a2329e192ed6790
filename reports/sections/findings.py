"""The finding tables: what blocks the deadline, behaviour risks, cleanup and adoption."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from audit.catalog import Catalog
from audit.findings import Finding
from reports.sections.labels import category_label, category_rank
from reports.sections.rows import finding_rows, section


def rule_summary(findings: Sequence[Finding], catalog: Catalog) -> list[dict[str, Any]]:
    """One row per rule: how many findings, and how they can be fixed."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    rows = []
    for rule_id, group in sorted(
        by_rule.items(), key=lambda item: (category_rank(item[1][0].category), item[0])
    ):
        rule = catalog.rules.get(rule_id)
        fixes = Counter(f.fix for f in group)
        rows.append(
            {
                "rule": rule_id,
                "rule_name": rule.name if rule else "",
                "rule_anchor": f"rule-{rule_id}" if rule else None,
                "summary": rule.summary if rule else group[0].message,
                "category_label": category_label(group[0].category),
                "count": len(group),
                "automatic": fixes.get("safe", 0) + fixes.get("unsafe", 0),
                "manual": fixes.get("manual", 0) + fixes.get("none", 0),
            }
        )
    return rows


def finding_sections(findings: Sequence[Finding], catalog: Catalog) -> dict[str, Any]:
    """The "blocking", "risks" and "cleanup" tables, and the cleanup's per-rule summary."""
    cleanup = [f for f in findings if f.category not in ("blocking", "risk")]
    return {
        "blocking": section(
            finding_rows((f for f in findings if f.category == "blocking"), catalog)
        ),
        "risks": section(finding_rows((f for f in findings if f.category == "risk"), catalog)),
        "cleanup": section(finding_rows(cleanup, catalog)),
        "cleanup_rules": rule_summary(cleanup, catalog),
    }
