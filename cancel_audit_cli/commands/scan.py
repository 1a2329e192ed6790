"""``cancel-audit scan PATH...``: find what blocks the Reject Cancellation retirement."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import click

from audit import __version__
from audit.catalog import load_catalog
from audit.config import (
    FAIL_ON_CHOICES,
    apply_to_catalog,
)
from audit.exit_codes import EPILOG, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from audit.findings import SEVERITY_RANK, ScanResult
from audit.render_context import RenderContext
from audit.scanner import scan as run_scan
from cancel_audit_cli.commands.formats import FORMATS, renderer
from cancel_audit_cli.commands.options import (
    ScanSettings,
    progress_callback,
    scan_options,
    warn,
    write_output,
)
from cancel_audit_cli.commands.settle import sarif_fixes, settle

if TYPE_CHECKING:
    from audit.baseline import Baseline


def exit_status(result: ScanResult, fail_on: str, ignore_errors: bool) -> int:
    """1 when a new finding reaches ``fail_on`` or a file failed; else 0."""
    if result.errors and not ignore_errors:
        return EXIT_FINDINGS
    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    for finding in result.findings:
        if finding.status == "new" and SEVERITY_RANK[finding.severity] >= threshold:
            return EXIT_FINDINGS
    return EXIT_OK


def emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text, "-o")


def _parse_outputs(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    outputs = []
    for value in values:
        name, sep, path = value.partition(":")
        if not sep or not path or name not in FORMATS:
            raise click.BadParameter(
                f"'{value}' is not FORMAT:PATH with FORMAT one of {', '.join(sorted(FORMATS))}",
                param_hint="--output",
            )
        outputs.append((name, Path(path)))
    return outputs


@click.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="Output format for stdout (or -o).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the main output to this file instead of stdout.",
)
@click.option(
    "--output",
    "extra_outputs",
    multiple=True,
    metavar="FORMAT:PATH",
    help="Also write FORMAT to PATH (repeatable), e.g. json:scan.json.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Lowest severity that makes the exit status 1 [default: error].",
)
@click.option(
    "--ignore-errors",
    is_flag=True,
    help="Do not let files that fail to parse or decode set exit status 1.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Findings recorded in this baseline are 'baselined' and do not set the exit status.",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only scan files changed since the merge base of REF and HEAD, and untracked ones.",
)
@scan_options()
@click.pass_context
def scan(
    ctx: click.Context,
    settings: ScanSettings,
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Optional[Path],
    extra_outputs: tuple[str, ...],
    fail_on: Optional[str],
    ignore_errors: bool,
    baseline_file: Optional[Path],
    changed_since: Optional[str],
) -> None:
    """Scan source files under PATHS (default: .) for Reject Cancellation use,
    21011007 handling, legacy API calls and shipping that now rejects cancel requests.

    Reads Python, JavaScript/TypeScript, PHP, Go, Java, C#, Ruby, and OpenAPI/Postman
    documents; Markdown only with --include-docs.
    """
    options: dict[str, Any] = ctx.obj or {}
    paths = paths or (Path("."),)
    outputs = _parse_outputs(extra_outputs)
    config = settings.config(paths, fail_on)
    baseline = _read_baseline(baseline_file)
    changed = _changed_files(changed_since, paths)

    request = settings.scan_request(paths, config, changed_files=changed)
    try:
        result = run_scan(request, progress_callback(bool(options.get("quiet"))), warn)
    except Exception as exc:  # an internal error: say so plainly, exit 2
        click.echo(f"cancel-audit: internal error: {type(exc).__name__}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
    result = settle(result, config, request.cache_dir)
    if baseline is not None:
        from audit.baseline import apply_baseline, scan_scope

        result = apply_baseline(result, baseline, scan_scope(paths, config.rule_enabled, changed))

    if "sarif" in (output_format, *(name for name, _ in outputs)):
        fixes = sarif_fixes(result, config, request.cache_dir)  # only SARIF carries fixes
        result = dataclasses.replace(result, fixes=fixes)

    catalog = apply_to_catalog(config, load_catalog())
    context = RenderContext(
        tool_version=__version__,
        catalog=catalog,
        color=bool(options.get("color")) and output_file is None,
        verbose=bool(options.get("verbose")),
        quiet=bool(options.get("quiet")),
    )
    emit(renderer(output_format)(result, context), output_file)
    plain = dataclasses.replace(context, color=False)
    for name, path in outputs:
        write_output(path, renderer(name)(result, plain), "--output")
    ctx.exit(exit_status(result, config.fail_on, ignore_errors))


def _read_baseline(path: Optional[Path]) -> Optional[Baseline]:
    if path is None:
        return None
    from audit.baseline import BaselineError, read_baseline  # deferred: start-up time

    try:
        return read_baseline(path)
    except BaselineError as exc:
        raise click.BadParameter(str(exc), param_hint="--baseline") from exc


def _changed_files(ref: Optional[str], paths: tuple[Path, ...]) -> Optional[frozenset[Path]]:
    if ref is None:
        return None
    from audit.changed import ChangedFilesError, changed_python_files  # deferred: start-up time

    try:
        return changed_python_files(ref, paths)
    except ChangedFilesError as exc:
        raise click.BadParameter(str(exc), param_hint="--changed-since") from exc
