"""What every output format is told besides the result (shared by CI outputs and reports)."""

from __future__ import annotations

from dataclasses import dataclass

from audit.catalog import Catalog


@dataclass(frozen=True)
class RenderContext:
    tool_version: str
    catalog: Catalog
    color: bool = False
    verbose: bool = False
    quiet: bool = False
