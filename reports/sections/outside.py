"""Findings outside production code (tests, fixtures, vendored SDK copies): one group,
listed after production code so a maintainer sees the sites that ship first (issue 10)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from audit.catalog import Catalog
from audit.findings import Finding
from audit.origin import PRODUCTION
from reports.sections.labels import ORIGIN_GROUPS, OUTSIDE_PRODUCTION, plural
from reports.sections.rows import finding_rows, section


def _by_origin(findings: Sequence[Finding]) -> str:
    """ "2 in tests, 1 in vendored SDK copies", in the order of ``ORIGIN_GROUPS``."""
    counts = Counter(f.origin for f in findings)
    known = [o for o in ORIGIN_GROUPS if counts[o]]
    others = sorted(o for o in counts if o not in ORIGIN_GROUPS)  # newer origins, as named
    return ", ".join(f"{counts[o]} in {ORIGIN_GROUPS.get(o, o)}" for o in known + others)


def _summary(total: int, outside: int) -> str:
    production = total - outside
    verb = "is" if production == 1 else "are"
    return (
        f"{production} of {plural(total, 'finding')} {verb} in production code; "
        f"{outside} in {OUTSIDE_PRODUCTION} are listed separately."
    )


def outside_production(findings: Sequence[Finding], catalog: Catalog) -> dict[str, Any]:
    """The group's table, its count and how the count splits by origin."""
    outside = [f for f in findings if f.origin != PRODUCTION]
    return {
        **section(finding_rows(outside, catalog)),
        "count_text": plural(len(outside), "finding"),
        "by_origin": _by_origin(outside),
        "summary": _summary(len(findings), len(outside)) if outside else None,
    }
