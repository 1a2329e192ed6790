"""``--format text``: findings grouped by file, a code line under each, a summary."""

from __future__ import annotations

from itertools import groupby

import click

from audit.findings import Finding, ScanResult
from audit.output.escape import terminal_safe
from audit.render_context import RenderContext

_SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def _style(text: str, context: RenderContext, **kwargs: object) -> str:
    return click.style(text, **kwargs) if context.color else text  # type: ignore[arg-type]


def _finding(finding: Finding, context: RenderContext) -> list[str]:
    severity = _style(
        f"{finding.severity:<7}", context, fg=_SEVERITY_COLOURS[finding.severity], bold=True
    )
    rule = _style(finding.rule, context, bold=True)
    location = f"{finding.line}:{finding.column}"
    extra = [finding.confidence + " confidence"]
    if finding.fix in ("safe", "unsafe"):
        extra.append(f"fix: {finding.fix}")
    if finding.status != "new":
        extra.append(finding.status)
    message = terminal_safe(finding.message)
    lines = [f"  {location:<8} {severity} {rule}  {message} [{', '.join(extra)}]"]
    if finding.snippet:
        gutter = f"{finding.line:>6} | "

        def shown(text: str) -> str:  # control characters escaped, tabs expanded
            return terminal_safe(text).expandtabs(4)

        code = shown(finding.snippet)
        lines.append(_style(gutter, context, dim=True) + code)
        # Columns count characters of the raw line; the caret goes under the shown one.
        start = len(shown(finding.snippet[: finding.column - 1]))
        end = (
            len(shown(finding.snippet[: finding.end_column - 1]))
            if finding.end_line == finding.line
            else len(code)
        )
        marker = " " * start + "^" * max(1, end - start)
        lines.append(
            _style(" " * 6 + " | ", context, dim=True)
            + _style(marker, context, fg=_SEVERITY_COLOURS[finding.severity])
        )
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: ScanResult) -> str:
    counts = result.counts()
    parts = [
        _plural(counts["error"], "error"),
        _plural(counts["warning"], "warning"),
        f"{counts['info']} info",
    ]
    files = {f.path for f in result.findings}
    head = (
        f"Found {_plural(len(result.findings), 'finding')} ({', '.join(parts)}) "
        f"in {_plural(len(files), 'file')}"
        if result.findings
        else "No findings"
    )
    tail = (
        f"{result.files_scanned} scanned, {result.files_parsed} parsed, "
        f"{len(result.skipped)} skipped, {len(result.errors)} failed"
    )
    notes = []
    if result.suppressed:
        notes.append(f"{result.suppressed} suppressed")
    if result.hidden_low_confidence:
        notes.append(f"{result.hidden_low_confidence} low-confidence hidden")
    baselined = sum(1 for f in result.findings if f.status == "baselined")
    if baselined or result.fixed:
        notes.append(f"{baselined} baselined, {len(result.fixed)} fixed since the baseline")
    return f"{head}; files: {tail}" + (f"; {', '.join(notes)}" if notes else "") + "."


def render(result: ScanResult, context: RenderContext) -> str:
    out: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        out.append(_style(terminal_safe(path), context, bold=True, underline=True))
        for finding in group:
            out.extend(_finding(finding, context))
        out.append("")
    if not context.quiet:
        for error in result.errors:
            out.append(
                f"{_style(terminal_safe(error.path), context, bold=True)}: "
                f"{_style('error', context, fg='red')}: {terminal_safe(error.message)}"
            )
        if context.verbose:
            for skipped in result.skipped:
                out.append(f"{terminal_safe(skipped.path)}: skipped: {skipped.reason}")
        out.append(summary_line(result))
    return "\n".join(out) + ("\n" if out else "")
