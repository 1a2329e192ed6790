"""The finding tables for production code: what blocks the deadline, behaviour risks,
cleanup and adoption. Findings outside production code are counted here and listed in
their own group (``reports.sections.outside``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Optional

from audit.catalog import Catalog
from audit.findings import Finding
from audit.origin import PRODUCTION
from reports.sections.labels import OUTSIDE_PRODUCTION, category_label, category_rank
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


def _outside_note(shown: int, outside: int) -> Optional[str]:
    """What a production table leaves to the group outside production code."""
    if not outside:
        return None
    if shown:
        return f"{outside} more in {OUTSIDE_PRODUCTION}."
    return f"None in production code; {outside} in {OUTSIDE_PRODUCTION}."


def _table(
    findings: Sequence[Finding], wanted: Callable[[Finding], bool], catalog: Catalog
) -> dict[str, Any]:
    chosen = [f for f in findings if wanted(f)]
    production = [f for f in chosen if f.origin == PRODUCTION]
    outside = len(chosen) - len(production)
    return {
        **section(finding_rows(production, catalog)),
        "outside": outside,
        "outside_note": _outside_note(len(production), outside),
    }


def _is_cleanup(finding: Finding) -> bool:
    return finding.category not in ("blocking", "risk")


def finding_sections(findings: Sequence[Finding], catalog: Catalog) -> dict[str, Any]:
    """The "blocking", "risks" and "cleanup" tables, and the cleanup's per-rule summary."""
    production_cleanup = [f for f in findings if _is_cleanup(f) and f.origin == PRODUCTION]
    return {
        "blocking": _table(findings, lambda f: f.category == "blocking", catalog),
        "risks": _table(findings, lambda f: f.category == "risk", catalog),
        "cleanup": _table(findings, _is_cleanup, catalog),
        "cleanup_rules": rule_summary(production_cleanup, catalog),
    }
