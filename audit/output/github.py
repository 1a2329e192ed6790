"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

One ``::error``/``::warning``/``::notice`` line per new finding (baselined findings are
accepted debt and are not annotated), one ``::error`` per file that could not be
scanned, then a plain summary line for the log. Escaping follows GitHub's runner
(actions/toolkit ``command.ts``): ``%``, CR and LF in the message; those and ``:`` and
``,`` in property values.
"""

from __future__ import annotations

from audit.findings import Finding, ScanResult
from audit.render_context import RenderContext

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}"


def annotation(finding: Finding) -> str:
    properties: dict[str, object] = {
        "file": finding.path,
        "line": finding.line,
        "col": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
        "title": finding.rule,
    }
    return command(COMMANDS[finding.severity], properties, finding.message)


def render(result: ScanResult, context: RenderContext) -> str:
    lines = [annotation(f) for f in result.findings if f.status == "new"]
    lines.extend(
        command("error", {"file": e.path, "title": "cancel-audit"}, f"cannot scan: {e.message}")
        for e in result.errors
    )
    if not context.quiet:
        summary = result.summary()
        baseline = (
            f", {summary['baselined']} baselined, {summary['fixed']} fixed since the baseline"
            if result.baseline_path is not None
            else ""
        )
        lines.append(
            f"cancel-audit: {_plural(summary['new'], 'new finding')}{baseline}; "
            f"{_plural(summary['files_scanned'], 'file')} scanned, "
            f"{summary['files_failed']} failed."
        )
    return "\n".join(lines) + ("\n" if lines else "")
