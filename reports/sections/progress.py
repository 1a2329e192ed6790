"""Progress: what was fixed and what is new since a baseline or a previous scan."""

from __future__ import annotations

from typing import Any, Optional

from audit.catalog import Catalog
from audit.findings import ScanResult
from audit.redact import redact
from reports.load import Prior, PriorFinding
from reports.sections.labels import category_label, plural
from reports.sections.rows import finding_rows, section, split_path


def _prior_row(item: PriorFinding, catalog: Catalog) -> dict[str, Any]:
    rule = catalog.rules.get(item.rule)
    location = item.path if item.line is None else f"{item.path}:{item.line}"
    return {
        "rule": item.rule,
        "rule_name": rule.name if rule else "",
        "rule_anchor": f"rule-{item.rule}" if rule else None,
        "path": item.path,
        "line": item.line,
        "location": location,
        **split_path(item.path),
        "message": redact(item.message),  # an old baseline may hold what we now mask
        "category_label": category_label(rule.category) if rule else "",
    }


def progress(
    result: ScanResult, prior: Optional[Prior], catalog: Catalog
) -> Optional[dict[str, Any]]:
    """What was fixed and what is new since a baseline or a previous scan."""
    if prior is not None:
        before = prior.fingerprints()
        now = {f.fingerprint for f in result.findings}
        fixed = sorted(
            (p for p in prior.findings if p.fingerprint not in now),
            key=lambda p: (p.rule, p.path, p.line or 0),
        )
        new = [f for f in result.findings if f.fingerprint not in before]
        unchanged = len(result.findings) - len(new)
        label = prior.label
        fixed_rows = [_prior_row(p, catalog) for p in fixed]
        fixed_count = len(fixed)
    elif result.fixed or any(f.status == "baselined" for f in result.findings):
        new = [f for f in result.findings if f.status == "new"]
        unchanged = len(result.findings) - len(new)
        label = "the baseline applied during the scan"
        fixed_rows = []  # the scan records only the fixed fingerprints
        fixed_count = len(result.fixed)
    else:
        return None
    blocking_fixed = sum(1 for r in fixed_rows if r["category_label"] == "Blocking")
    new_blocking = sum(1 for f in new if f.category == "blocking")
    return {
        "label": label,
        "headline": (
            f"{plural(fixed_count, 'finding')} fixed and {plural(len(new), 'new finding')} "
            f"since {label}; {unchanged} unchanged."
        ),
        "fixed_count": fixed_count,
        "fixed_blocking": blocking_fixed,
        "new_count": len(new),
        "new_blocking": new_blocking,
        "unchanged": unchanged,
        "fixed": section(fixed_rows),
        "new": section(finding_rows(new, catalog)),
        "fixed_detail_available": prior is not None,
    }
