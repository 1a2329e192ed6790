"""Output formats for scan results, looked up by name and imported only when used.

The registry lives in the command layer because it names both the CI outputs
(``audit.output``) and the report formats (``reports.render``).
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Callable

from audit.findings import ScanResult
from audit.render_context import RenderContext

# name -> "module:function". A format's module is imported only when it is asked for.
FORMATS: dict[str, str] = {
    "text": "audit.output.text:render",
    "json": "audit.output.json_format:render",
    "markdown": "reports.render:render_markdown_result",
    "html": "reports.render:render_html_result",
    "sarif": "audit.output.sarif:render",
    "junit": "audit.output.junit:render",
    "github": "audit.output.github:render",
    "gitlab": "audit.output.gitlab:render",
}


def renderer(name: str) -> Callable[[ScanResult, RenderContext], str]:
    """The format's render function; every format sees credentials masked."""
    from audit.discovery import printable_name
    from audit.redact import redact_result

    module_name, function = FORMATS[name].split(":")
    module = importlib.import_module(module_name)
    render: Callable[[ScanResult, RenderContext], str] = getattr(module, function)

    def masked(result: ScanResult, context: RenderContext) -> str:
        # roots as typed may hold file names that are not UTF-8: show them as \xNN
        roots = tuple(printable_name(root) for root in result.roots)
        return render(dataclasses.replace(redact_result(result), roots=roots), context)

    return masked
