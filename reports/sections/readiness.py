"""The readiness summary: the deadline, the verdict, the caveats and the headline counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from audit.findings import Finding, ScanResult
from audit.markets import REJECT_DEADLINE as DEADLINE
from audit.origin import PRODUCTION
from reports.sections.labels import CATEGORIES, CLEANUP_CATEGORIES, OUTSIDE_PRODUCTION, plural


def days_text(as_of: date, deadline: date = DEADLINE) -> str:
    delta = (as_of - deadline).days
    if delta < 0:
        return f"{plural(-delta, 'day')} before the {deadline.isoformat()} deadline"
    if delta > 0:
        return f"{plural(delta, 'day')} after the {deadline.isoformat()} deadline"
    return f"the day of the {deadline.isoformat()} deadline"


def _where_blocking(blocking: Sequence[Finding]) -> str:
    """How many blocking sites are production code, said only when some are not."""
    production = sum(1 for f in blocking if f.origin == PRODUCTION)
    outside = len(blocking) - production
    if not outside:
        return ""
    return f" {production} of them in production code, {outside} in {OUTSIDE_PRODUCTION}."


def verdict(result: ScanResult, as_of: date) -> dict[str, Any]:
    """Ready = no blocking finding (CA101, CA102) for markets that include the US."""
    blocking = [f for f in result.findings if f.category == "blocking"]
    markets = ", ".join(result.markets)
    applies = result.markets.includes_us
    when = days_text(as_of)
    by_rule = Counter(f.rule for f in blocking)
    what = ", ".join(f"{n} {rule}" for rule, n in sorted(by_rule.items()))
    if not applies:
        status, label = "not-applicable", "Does not apply"
        headline = f"The {DEADLINE.isoformat()} Reject Cancellation deadline does not apply"
        detail = (
            f"It is a US instruction and this integration serves {markets}; Reject "
            "Cancellation still exists there."
        )
        if blocking:
            detail += (
                f" {plural(len(blocking), 'place')} still reject cancellations ({what}): "
                "they must change before the integration serves the US."
            )
            detail += _where_blocking(blocking)
    elif blocking:
        status, label = "not-ready", "Not ready"
        headline = f"Not ready for the {DEADLINE.isoformat()} Reject Cancellation deadline"
        detail = (
            f"{plural(len(blocking), 'place')} still reject buyers' cancel requests the "
            f"retired way ({what})."
        )
        detail += _where_blocking(blocking)
    else:
        status, label = "ready", "Ready"
        headline = f"Ready for the {DEADLINE.isoformat()} Reject Cancellation deadline"
        detail = "No code calls Reject Cancellation or the legacy reverse-request reject endpoint."
    overdue = (as_of - DEADLINE).days
    return {
        "status": status,
        "label": label,
        "headline": headline,
        "detail": detail,
        "applies": applies,
        "blocking": len(blocking),
        "production_blocking": sum(1 for f in blocking if f.origin == PRODUCTION),
        "days": overdue,
        "days_text": when,
        "overdue": status == "not-ready" and overdue > 0,
        "markets": markets,
    }


def notes(result: ScanResult) -> list[str]:
    """Caveats that limit what the verdict can claim."""
    out = []
    if result.errors:
        out.append(
            f"{plural(len(result.errors), 'file')} could not be scanned (listed below); "
            "code in them is not covered by this verdict."
        )
    if result.hidden_low_confidence:
        out.append(
            f"{plural(result.hidden_low_confidence, 'low-confidence finding')} hidden "
            "(scan with --min-confidence low to see them)."
        )
    if result.suppressed:
        out.append(
            f"{plural(result.suppressed, 'finding')} suppressed by inline "
            "`# cancel-audit: ignore` comments."
        )
    if result.files_scanned == 0:
        out.append("No files were scanned: check the path and the exclude settings.")
    return out


def counts(result: ScanResult, endpoints: Sequence[dict[str, Any]]) -> dict[str, int]:
    """The numbers on the summary cards, per category and for files and endpoints."""
    findings = result.findings
    by_category = Counter(f.category for f in findings)
    out = {cat: by_category.get(cat, 0) for cat in CATEGORIES}
    out["cleanup_total"] = sum(out[c] for c in CLEANUP_CATEGORIES)
    out["total"] = len(findings)
    out["production"] = sum(1 for f in findings if f.origin == PRODUCTION)
    out["outside_production"] = len(findings) - out["production"]
    out["files_scanned"] = result.files_scanned
    out["files_parsed"] = result.files_parsed
    out["errors"] = len(result.errors)
    out["endpoints"] = len({r["endpoint"] for r in endpoints})
    out["endpoint_uses"] = len(result.inventory)
    out["automatic"] = sum(1 for f in findings if f.fix in ("safe", "unsafe"))
    return out
