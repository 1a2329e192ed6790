"""The portfolio: one row per repository, worst first, when a report covers several."""

from __future__ import annotations

from collections import Counter
from typing import Any

from audit.markets import REJECT_DEADLINE as DEADLINE
from reports.charts import WIDE, stacked_chart
from reports.sections.breakdown import segments
from reports.sections.labels import CATEGORIES, plural

STATUS_ORDER = {"not-ready": 0, "not-applicable": 1, "ready": 2}


def portfolio(repos: list[dict[str, Any]]) -> dict[str, Any]:
    """One row per repository, worst first, with totals and a stacked bar chart."""
    keys = ("blocking", "risk", "migrate", "cleanup", "adopt", "meta", "cleanup_total", "total")
    rows = []
    for repo in repos:
        counts = repo["counts"]
        rows.append(
            {
                "name": repo["name"],
                "anchor": repo["anchor"],
                "status": repo["verdict"]["status"],
                "status_rank": STATUS_ORDER[repo["verdict"]["status"]],
                "label": repo["verdict"]["label"],
                "markets": repo["verdict"]["markets"],
                "endpoints": counts["endpoints"],
                "files_scanned": counts["files_scanned"],
                "errors": counts["errors"],
                **{k: counts[k] for k in keys},
            }
        )
    rows.sort(key=lambda r: (r["status_rank"], -r["blocking"], -r["total"], r["name"]))
    statuses = Counter(r["status"] for r in rows)
    totals: dict[str, int] = {k: sum(r[k] for r in rows) for k in keys}
    totals["files_scanned"] = sum(r["files_scanned"] for r in rows)
    totals["errors"] = sum(r["errors"] for r in rows)
    totals["repositories"] = len(rows)
    totals["ready"] = statuses.get("ready", 0)
    totals["not_ready"] = statuses.get("not-ready", 0)
    totals["not_applicable"] = statuses.get("not-applicable", 0)
    applicable = len(rows) - totals["not_applicable"]
    headline = (
        f"{totals['ready']} of {plural(applicable, 'repository', 'repositories')} ready for "
        f"the {DEADLINE.isoformat()} deadline"
    )
    if totals["not_applicable"]:
        headline += f"; it does not apply to {totals['not_applicable']} (no US market)"
    if totals["not_ready"]:
        status = "not-ready"
    elif totals["ready"]:
        status = "ready"
    else:
        status = "not-applicable"
    detail = (
        f"{plural(totals['blocking'], 'blocking finding')} across "
        f"{plural(len(rows), 'repository', 'repositories')}; "
        f"{plural(totals['risk'], 'behaviour risk')}; "
        f"{plural(totals['cleanup_total'], 'cleanup and adoption finding')}."
    )
    chart_rows = [(r["name"], r["anchor"], segments({k: r[k] for k in CATEGORIES})) for r in rows]
    return {
        "rows": rows,
        "totals": totals,
        "headline": headline,
        "detail": detail,
        "status": status,
        "label": f"{totals['ready']}/{applicable} ready",
        "chart": stacked_chart(chart_rows, "Findings per repository", width=WIDE),
    }
