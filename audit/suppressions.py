"""Inline suppressions: ``# cancel-audit: ignore[CA101] reason``.

A suppression covers findings that start on its own line or, when the comment stands
alone on its line, on the next line. ``ignore`` without ids covers every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

_PATTERN = re.compile(
    r"#\s*cancel-audit:\s*ignore(?:\[(?P<ids>[^\]]*)\])?(?P<reason>.*)$", re.IGNORECASE
)


@dataclass(frozen=True)
class Suppression:
    rules: frozenset[str]  # empty: every rule
    reason: str
    line: int = 0
    covers_next_line: bool = False

    def at(self, line: int, stands_alone: bool) -> Suppression:
        return replace(self, line=line, covers_next_line=stands_alone)

    def covers(self, rule: str, line: int) -> bool:
        if line != self.line and not (self.covers_next_line and line == self.line + 1):
            return False
        return not self.rules or rule in self.rules

    def describe(self) -> str:
        ids = ",".join(sorted(self.rules))
        return f"# cancel-audit: ignore[{ids}]" if ids else "# cancel-audit: ignore"


def parse_suppression(comment: str) -> Optional[Suppression]:
    match = _PATTERN.search(comment)
    if match is None:
        return None
    ids = match.group("ids") or ""
    rules = frozenset(part.strip().upper() for part in ids.split(",") if part.strip())
    return Suppression(rules=rules, reason=match.group("reason").strip())
