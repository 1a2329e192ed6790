"""The endpoint map: every TikTok Shop endpoint the code uses, finding or not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from audit.catalog import Catalog
from audit.findings import InventoryEntry
from audit.origin import PRODUCTION

# What an endpoint's use means, by the category of the rule that fires on it.
ENDPOINT_STATUS: dict[str, tuple[int, str]] = {
    "blocking": (0, "Retired"),
    "migrate": (1, "Legacy API"),
    "risk": (2, "Ships: rejects pending cancels (US)"),
    "adopt": (3, "Has a better replacement"),
}
CURRENT_STATUS = (4, "Current")
LOCATIONS_SHOWN = 12


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
        # production sites first: a test's mock is not where the endpoint is used
        locations = sorted({(e.origin != PRODUCTION, e.path, e.line) for e in entries})
        outside = sum(1 for e in entries if e.origin != PRODUCTION)
        rows.append(
            {
                "endpoint": name,
                "title": endpoint.title if endpoint else name,
                "version": version,
                "version_known": version != "unknown",
                "role": role,
                "uses": len(entries),
                "outside": outside,  # of them in tests, fixtures or vendored SDK copies
                "status": status,
                "status_rank": rank,
                "locations": [f"{path}:{line}" for _, path, line in locations[:LOCATIONS_SHOWN]],
                "locations_more": max(0, len(locations) - LOCATIONS_SHOWN),
            }
        )
    rows.sort(key=lambda r: (r["status_rank"], r["title"], r["version"], r["role"]))
    return rows
