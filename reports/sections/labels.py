"""The words every section shares: category and fix labels, their order, plurals."""

from __future__ import annotations

from typing import Optional

from audit.origin import PRODUCTION

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

# Where a finding sits (audit.origin): as one row's tag, and as a group of rows.
ORIGIN_LABELS: dict[str, str] = {
    PRODUCTION: "production code",
    "test": "test",
    "fixture": "fixture",
    "vendored": "vendored SDK copy",
}
ORIGIN_GROUPS: dict[str, str] = {
    "test": "tests",
    "fixture": "fixtures",
    "vendored": "vendored SDK copies",
}
OUTSIDE_PRODUCTION = "tests, fixtures or vendored SDK copies"


def plural(count: int, word: str, many: Optional[str] = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def category_rank(category: str) -> int:
    order = list(CATEGORIES)
    return order.index(category) if category in order else len(order)


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category)


def fix_fields(kind: str) -> dict[str, str]:
    label, hint = FIX_LABELS.get(kind, (kind, ""))
    return {"fix": kind, "fix_label": label, "fix_hint": hint}


def origin_label(origin: str) -> str:
    return ORIGIN_LABELS.get(origin, origin)
