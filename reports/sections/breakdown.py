"""The summary charts: findings by category and by top directory."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from audit.findings import Finding
from reports.charts import bar_chart, stacked_chart
from reports.sections.labels import CATEGORIES

DIRECTORY_BARS = 8


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


def segments(counts: Counter[str] | dict[str, int]) -> list[tuple[str, int, str]]:
    """A stacked bar's segments: (label, count, css class) per category, in order."""
    return [(label, counts.get(cat, 0), cat) for cat, label in CATEGORIES.items()]


def charts(findings: Sequence[Finding], counts: dict[str, int]) -> dict[str, Any]:
    categories = [
        (label, counts[cat], cat)
        for cat, label in CATEGORIES.items()
        if cat != "meta" or counts[cat]
    ]
    shared, groups = directory_groups(findings)
    directories = [(place, place, segments(group)) for place, group in groups]
    return {
        "by_category": bar_chart(categories, "Findings by category"),
        "by_directory": {
            **stacked_chart(directories, "Findings by top directory"),
            "under": shared,
        },
    }
