"""Shortening a report context's tables, for outputs with a length limit (a PR comment)."""

from __future__ import annotations

import copy
from typing import Any, Optional

# The tables of a repository's context that can grow with the code base.
_TABLES = ("blocking", "risks", "cleanup", "outside", "endpoints", "errors")


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
        for key in _TABLES:
            dropped += _limit(repo[key], limit)
        if repo["progress"]:
            dropped += _limit(repo["progress"]["fixed"], limit)
            dropped += _limit(repo["progress"]["new"], limit)
    out["truncated"] = {"limit": limit, "omitted": dropped} if dropped else None
    return out
