"""Everything a readiness report says, computed once into one plain dict.

Verdicts, counts, day arithmetic, sorting, grouping, progress against an earlier run and
chart geometry are decided in ``reports.sections``, one module per part of the report;
this module names the repositories and puts the parts together. The Jinja templates only
lay the values out. The dict holds only str, int, bool, None, lists and dicts, so tests
can assert on it directly and both the HTML and the Markdown template read the same facts.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any, Optional

from audit.catalog import Catalog
from audit.findings import ScanResult
from audit.markets import REJECT_DEADLINE as DEADLINE
from audit.redact import redact_result
from reports.load import Prior
from reports.sections.breakdown import charts
from reports.sections.endpoints import endpoint_map
from reports.sections.findings import finding_sections
from reports.sections.labels import plural
from reports.sections.outside import outside_production
from reports.sections.portfolio import portfolio
from reports.sections.progress import progress
from reports.sections.readiness import counts, days_text, notes, verdict
from reports.sections.rows import section
from reports.sections.rules import rule_pages


@dataclass(frozen=True)
class RepoInput:
    """One repository's scan result and where it came from."""

    name: str
    result: ScanResult
    source: str  # "live scan of ./repo" or the JSON file's name
    tool_version: str
    prior: Optional[Prior] = None  # a baseline or previous scan to compare against


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


def repository(repo: RepoInput, anchor: str, catalog: Catalog, as_of: date) -> dict[str, Any]:
    """Every section of one repository's part of the report."""
    result = repo.result
    endpoints = endpoint_map(result.inventory, catalog)
    numbers = counts(result, endpoints)
    return {
        "name": repo.name,
        "anchor": anchor,
        "source": repo.source,
        "tool_version": repo.tool_version,
        "roots": list(result.roots),
        "markets": list(result.markets),
        "verdict": verdict(result, as_of),
        "counts": numbers,
        **finding_sections(result.findings, catalog),
        "outside": outside_production(result.findings, catalog),
        "endpoints": section(endpoints),
        "progress": progress(result, repo.prior, catalog),
        "charts": charts(result.findings, numbers),
        "errors": section([{"path": e.path, "message": e.message} for e in result.errors]),
        "notes": notes(result),
    }


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
