"""Everything a readiness report says, computed once into one plain dict.

Verdicts, counts, day arithmetic, sorting, grouping, progress against an earlier run and
chart geometry are decided here; the Jinja templates only lay the values out. The dict
holds only str, int, bool, None, lists and dicts, so tests can assert on it directly and
both the HTML and the Markdown template read the same facts.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any, Optional

from audit.catalog import Catalog
from audit.findings import Finding, InventoryEntry, ScanResult
from audit.redact import redact, redact_result
from reports.charts import WIDE, bar_chart, stacked_chart
from reports.load import Prior

DEADLINE = date(2024, 3, 31)
DEADLINE_MARKET = "US"

# Categories in the order the report discusses them, with their labels.
CATEGORIES: dict[str, str] = {
    "blocking": "Blocking",
    "risk": "Behaviour risk",
    "migrate": "Migrate",
    "cleanup": "Cleanup",
    "adopt": "Adopt",
    "meta": "Housekeeping",
}
CLEANUP_CATEGORIES = ("migrate", "cleanup", "adopt", "meta")

FIX_LABELS: dict[str, tuple[str, str]] = {
    "safe": ("Automatic", "`cancel-audit fix` rewrites it"),
    "unsafe": ("Automatic, review", "`cancel-audit fix --unsafe-fixes` rewrites it; review it"),
    "manual": ("By hand", "no automatic rewrite: change it by hand"),
    "none": ("No fix", "nothing to rewrite"),
}

# What an endpoint's use means, by the category of the rule that fires on it.
ENDPOINT_STATUS: dict[str, tuple[int, str]] = {
    "blocking": (0, "Retired"),
    "migrate": (1, "Legacy API"),
    "risk": (2, "Ships: rejects pending cancels (US)"),
    "adopt": (3, "Has a better replacement"),
}
CURRENT_STATUS = (4, "Current")

STATUS_ORDER = {"not-ready": 0, "not-applicable": 1, "ready": 2}
LOCATIONS_SHOWN = 12
DIRECTORY_BARS = 8


@dataclass(frozen=True)
class RepoInput:
    """One repository's scan result and where it came from."""

    name: str
    result: ScanResult
    source: str  # "live scan of ./repo" or the JSON file's name
    tool_version: str
    prior: Optional[Prior] = None  # a baseline or previous scan to compare against


def plural(count: int, word: str, many: Optional[str] = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def days_text(as_of: date, deadline: date = DEADLINE) -> str:
    delta = (as_of - deadline).days
    if delta < 0:
        return f"{plural(-delta, 'day')} before the {deadline.isoformat()} deadline"
    if delta > 0:
        return f"{plural(delta, 'day')} after the {deadline.isoformat()} deadline"
    return f"the day of the {deadline.isoformat()} deadline"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "repository"


def unique_anchors(names: Sequence[str], prefix: str) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        base = f"{prefix}{slug(name)}"
        seen[base] += 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def verdict(result: ScanResult, as_of: date) -> dict[str, Any]:
    """Ready = no blocking finding (CA101, CA102) for markets that include the US."""
    blocking = [f for f in result.findings if f.category == "blocking"]
    markets = ", ".join(result.markets)
    applies = DEADLINE_MARKET in result.markets
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
    elif blocking:
        status, label = "not-ready", "Not ready"
        headline = f"Not ready for the {DEADLINE.isoformat()} Reject Cancellation deadline"
        detail = (
            f"{plural(len(blocking), 'place')} still reject buyers' cancel requests the "
            f"retired way ({what})."
        )
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
        "days": overdue,
        "days_text": when,
        "overdue": status == "not-ready" and overdue > 0,
        "markets": markets,
    }


def _split(path: str) -> dict[str, Any]:
    """The folder (with its trailing slash, also split per level) and the file name, so a
    long path can break between folders rather than inside a name."""
    folder, sep, name = path.rpartition("/")
    parts = [part + "/" for part in folder.split("/")] if sep else []
    return {"folder": folder + sep, "folder_parts": parts, "file": name}


def _fix(kind: str) -> dict[str, str]:
    label, hint = FIX_LABELS.get(kind, (kind, ""))
    return {"fix": kind, "fix_label": label, "fix_hint": hint}


def finding_row(finding: Finding, catalog: Catalog) -> dict[str, Any]:
    rule = catalog.rules.get(finding.rule)
    endpoint = catalog.endpoints.get(finding.endpoint or "")
    return {
        "rule": finding.rule,
        "rule_name": rule.name if rule else "",
        "rule_anchor": f"rule-{finding.rule}" if rule else None,
        "category": finding.category,
        "category_label": CATEGORIES.get(finding.category, finding.category),
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "location": f"{finding.path}:{finding.line}",
        **_split(finding.path),
        "snippet": finding.snippet.strip(),
        "message": finding.message,
        "language": finding.language,
        "confidence": finding.confidence,
        "endpoint": endpoint.title if endpoint else (finding.endpoint or ""),
        "baselined": finding.status == "baselined",
        "fingerprint": finding.fingerprint,
        **_fix(finding.fix),
    }


def section(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rows": rows, "total": len(rows), "omitted": 0}


def _category_rank(category: str) -> int:
    order = list(CATEGORIES)
    return order.index(category) if category in order else len(order)


def _rows(findings: Iterable[Finding], catalog: Catalog) -> list[dict[str, Any]]:
    ordered = sorted(
        findings, key=lambda f: (_category_rank(f.category), f.rule, f.path, f.line, f.column)
    )
    return [finding_row(f, catalog) for f in ordered]


def rule_summary(findings: Sequence[Finding], catalog: Catalog) -> list[dict[str, Any]]:
    """One row per rule: how many findings, and how they can be fixed."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    rows = []
    for rule_id, group in sorted(
        by_rule.items(), key=lambda item: (_category_rank(item[1][0].category), item[0])
    ):
        rule = catalog.rules.get(rule_id)
        fixes = Counter(f.fix for f in group)
        rows.append(
            {
                "rule": rule_id,
                "rule_name": rule.name if rule else "",
                "rule_anchor": f"rule-{rule_id}" if rule else None,
                "summary": rule.summary if rule else group[0].message,
                "category_label": CATEGORIES.get(group[0].category, group[0].category),
                "count": len(group),
                "automatic": fixes.get("safe", 0) + fixes.get("unsafe", 0),
                "manual": fixes.get("manual", 0) + fixes.get("none", 0),
            }
        )
    return rows


def _endpoint_status(endpoint: str, catalog: Catalog) -> tuple[int, str]:
    rule = catalog.rule_for_endpoint(endpoint)
    if rule is None:
        return CURRENT_STATUS
    return ENDPOINT_STATUS.get(rule.category, CURRENT_STATUS)


def endpoint_map(inventory: Sequence[InventoryEntry], catalog: Catalog) -> list[dict[str, Any]]:
    """Which endpoints the code uses, at which API version, in which role, and where."""
    groups: dict[tuple[str, str, str], list[InventoryEntry]] = defaultdict(list)
    for entry in inventory:
        groups[(entry.endpoint, entry.version or "unknown", entry.role)].append(entry)
    rows = []
    for (name, version, role), entries in groups.items():
        endpoint = catalog.endpoints.get(name)
        rank, status = _endpoint_status(name, catalog)
        locations = sorted({(e.path, e.line) for e in entries})
        rows.append(
            {
                "endpoint": name,
                "title": endpoint.title if endpoint else name,
                "version": version,
                "version_known": version != "unknown",
                "role": role,
                "uses": len(entries),
                "status": status,
                "status_rank": rank,
                "locations": [f"{path}:{line}" for path, line in locations[:LOCATIONS_SHOWN]],
                "locations_more": max(0, len(locations) - LOCATIONS_SHOWN),
            }
        )
    rows.sort(key=lambda r: (r["status_rank"], r["title"], r["version"], r["role"]))
    return rows


def _where(path: str, depth: int) -> str:
    parts = PurePosixPath(path).parts
    if len(parts) <= depth:
        return path
    return parts[depth] + ("/" if len(parts) > depth + 1 else "")


def directory_groups(findings: Sequence[Finding]) -> tuple[str, list[tuple[str, Counter[str]]]]:
    """Findings per top directory (or file) below the folder every finding shares.

    Returns that shared folder ("" when there is none) and the groups, largest first,
    with the long tail folded into one "N other places" group.
    """
    if not findings:
        return "", []
    dirs = [PurePosixPath(f.path).parts[:-1] for f in findings]
    depth = 0
    while all(len(d) > depth for d in dirs) and len({d[depth] for d in dirs}) == 1:
        depth += 1
    shared = "/".join(dirs[0][:depth]) + ("/" if depth else "")
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        groups[_where(finding.path, depth)][finding.category] += 1
    ordered = sorted(groups.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    if len(ordered) > DIRECTORY_BARS:
        rest: Counter[str] = Counter()
        for _, counts in ordered[DIRECTORY_BARS - 1 :]:
            rest.update(counts)
        others = len(ordered) - DIRECTORY_BARS + 1
        ordered = [*ordered[: DIRECTORY_BARS - 1], (f"{others} other places", rest)]
    return shared, ordered


def _segments(counts: Counter[str] | dict[str, int]) -> list[tuple[str, int, str]]:
    return [(label, counts.get(cat, 0), cat) for cat, label in CATEGORIES.items()]


def charts(findings: Sequence[Finding], counts: dict[str, int]) -> dict[str, Any]:
    categories = [
        (label, counts[cat], cat)
        for cat, label in CATEGORIES.items()
        if cat != "meta" or counts[cat]
    ]
    shared, groups = directory_groups(findings)
    directories = [(place, place, _segments(group)) for place, group in groups]
    return {
        "by_category": bar_chart(categories, "Findings by category"),
        "by_directory": {
            **stacked_chart(directories, "Findings by top directory"),
            "under": shared,
        },
    }


def _prior_row(item: Any, catalog: Catalog) -> dict[str, Any]:
    rule = catalog.rules.get(item.rule)
    location = item.path if item.line is None else f"{item.path}:{item.line}"
    return {
        "rule": item.rule,
        "rule_name": rule.name if rule else "",
        "rule_anchor": f"rule-{item.rule}" if rule else None,
        "path": item.path,
        "line": item.line,
        "location": location,
        **_split(item.path),
        "message": redact(item.message),  # an old baseline may hold what we now mask
        "category_label": CATEGORIES.get(rule.category, rule.category) if rule else "",
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
        "new": section(_rows(new, catalog)),
        "fixed_detail_available": prior is not None,
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


def repository(repo: RepoInput, anchor: str, catalog: Catalog, as_of: date) -> dict[str, Any]:
    result = repo.result
    findings = result.findings
    by_category = Counter(f.category for f in findings)
    counts = {cat: by_category.get(cat, 0) for cat in CATEGORIES}
    counts["cleanup_total"] = sum(counts[c] for c in CLEANUP_CATEGORIES)
    counts["total"] = len(findings)
    counts["files_scanned"] = result.files_scanned
    counts["files_parsed"] = result.files_parsed
    counts["errors"] = len(result.errors)
    endpoints = endpoint_map(result.inventory, catalog)
    counts["endpoints"] = len({r["endpoint"] for r in endpoints})
    counts["endpoint_uses"] = len(result.inventory)
    counts["automatic"] = sum(1 for f in findings if f.fix in ("safe", "unsafe"))
    cleanup = [f for f in findings if f.category not in ("blocking", "risk")]
    return {
        "name": repo.name,
        "anchor": anchor,
        "source": repo.source,
        "tool_version": repo.tool_version,
        "roots": list(result.roots),
        "markets": list(result.markets),
        "verdict": verdict(result, as_of),
        "counts": counts,
        "blocking": section(_rows((f for f in findings if f.category == "blocking"), catalog)),
        "risks": section(_rows((f for f in findings if f.category == "risk"), catalog)),
        "cleanup": section(_rows(cleanup, catalog)),
        "cleanup_rules": rule_summary(cleanup, catalog),
        "endpoints": section(endpoints),
        "progress": progress(result, repo.prior, catalog),
        "charts": charts(findings, counts),
        "errors": section([{"path": e.path, "message": e.message} for e in result.errors]),
        "notes": notes(result),
    }


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
    chart_rows = [(r["name"], r["anchor"], _segments({k: r[k] for k in CATEGORIES})) for r in rows]
    return {
        "rows": rows,
        "totals": totals,
        "headline": headline,
        "detail": detail,
        "status": status,
        "label": f"{totals['ready']}/{applicable} ready",
        "chart": stacked_chart(chart_rows, "Findings per repository", width=WIDE),
    }


def rule_pages(catalog: Catalog, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The catalog's explanation of every rule, for the in-report anchors."""
    used = Counter(f.rule for f in findings)
    pages = []
    for rule in sorted(catalog.rules.values(), key=lambda r: (_category_rank(r.category), r.id)):
        pages.append(
            {
                "id": rule.id,
                "anchor": f"rule-{rule.id}",
                "name": rule.name,
                "category": rule.category,
                "category_label": CATEGORIES.get(rule.category, rule.category),
                "severity": rule.severity,
                "summary": rule.summary,
                "why": rule.why,
                "example": rule.example.rstrip("\n"),
                "instead": rule.instead.rstrip("\n"),
                "fix_detail": rule.fix.detail,
                "count": used.get(rule.id, 0),
                **_fix(rule.fix.kind),
            }
        )
    return pages


def build_context(
    repos: Sequence[RepoInput],
    catalog: Catalog,
    as_of: date,
    tool_version: str,
    title: Optional[str] = None,
    generated_on: Optional[date] = None,
) -> dict[str, Any]:
    """The one dict both templates render."""
    if not repos:
        raise ValueError("a report needs at least one repository")
    named = Counter(r.name for r in repos)
    repos = [
        dataclasses.replace(r, name=f"{r.name} ({r.source})") if named[r.name] > 1 else r
        for r in repos
    ]
    # credentials on a finding's line are masked, whether live or loaded from an old JSON
    repos = [dataclasses.replace(r, result=redact_result(r.result)) for r in repos]
    anchors = unique_anchors([r.name for r in repos], "repo-")
    repo_contexts = [
        repository(repo, anchor, catalog, as_of) for repo, anchor in zip(repos, anchors)
    ]
    multi = len(repos) > 1
    if title is None:
        title = (
            f"Reject Cancellation readiness: {plural(len(repos), 'repository', 'repositories')}"
            if multi
            else f"Reject Cancellation readiness: {repos[0].name}"
        )
    return {
        "title": title,
        "tool_version": tool_version,
        "as_of": as_of.isoformat(),
        "generated_on": (generated_on or date.today()).isoformat(),
        "deadline": DEADLINE.isoformat(),
        "days_text": days_text(as_of),
        "multi": multi,
        "repos": repo_contexts,
        "portfolio": portfolio(repo_contexts) if multi else None,
        "rules": rule_pages(catalog, (f for r in repos for f in r.result.findings)),
        "truncated": None,
    }


def _limit(part: Optional[dict[str, Any]], limit: int) -> int:
    if not part or len(part["rows"]) <= limit:
        return 0
    dropped = len(part["rows"]) - limit
    part["rows"] = part["rows"][:limit]
    part["omitted"] += dropped
    return dropped


def truncated(context: dict[str, Any], limit: int) -> dict[str, Any]:
    """A copy that lists at most ``limit`` rows per table, saying how many it left out."""
    out = copy.deepcopy(context)
    dropped = 0
    for repo in out["repos"]:
        for key in ("blocking", "risks", "cleanup", "endpoints", "errors"):
            dropped += _limit(repo[key], limit)
        if repo["progress"]:
            dropped += _limit(repo["progress"]["fixed"], limit)
            dropped += _limit(repo["progress"]["new"], limit)
    out["truncated"] = {"limit": limit, "omitted": dropped} if dropped else None
    return out


def repo_name(roots: Sequence[str], fallback: str) -> str:
    """A readable name for a repository: its root folder's name, else ``fallback``."""
    names = []
    for root in roots:
        path = PurePosixPath(root.replace("\\", "/"))
        name = path.name
        if name in ("", ".", ".."):
            return fallback
        names.append(name)
    if not names:
        return fallback
    return names[0] if len(names) == 1 else " + ".join(names)
