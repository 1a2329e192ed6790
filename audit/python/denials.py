"""Routes a project refuses: a read-only gateway's deny list names an endpoint but never
sends it, so its entries are definitions, not uses (no finding)."""

from __future__ import annotations

import re

# A word of the assigned name: DENIED_ROUTES, _BLOCKED, ForbiddenPaths, READONLY_REFUSED
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DENIAL_WORDS = frozenset(
    {
        "deny",
        "denied",
        "denylist",
        "block",
        "blocked",
        "blocklist",
        "blacklist",
        "blacklisted",
        "forbid",
        "forbidden",
        "disallow",
        "disallowed",
        "refuse",
        "refused",
        "banned",
    }
)


def names_a_denial(name: str) -> bool:
    """Whether an assigned name says its value lists what is refused."""
    return any(word.lower() in _DENIAL_WORDS for word in _WORD.findall(name))
