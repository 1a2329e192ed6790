"""``--format json``: the machine-readable result (schema documented in README)."""

from __future__ import annotations

import json

from audit.findings import ScanResult
from audit.render_context import RenderContext


def render(result: ScanResult, context: RenderContext) -> str:
    return json.dumps(result.to_dict(context.tool_version), indent=2, ensure_ascii=False) + "\n"
