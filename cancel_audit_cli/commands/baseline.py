"""``cancel-audit baseline write``: accept today's findings so CI fails only on new ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from audit.baseline import DEFAULT_BASELINE, BaselineError, from_result, write_baseline
from audit.exit_codes import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from audit.scanner import scan as run_scan
from cancel_audit_cli.commands.options import ScanSettings, progress_callback, scan_options, warn


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.group()
def baseline() -> None:
    """Record today's findings in a baseline file, then gate CI on new findings only:
    `cancel-audit scan . --baseline .cancel-audit-baseline.json`.
    """


WRITE_EPILOG = (
    "Exit status: 0 written; 1 written, but some files could not be scanned (unless "
    "--ignore-errors); 2 usage, config or file error (the file exists and --force is not given)."
)


@baseline.command(epilog=WRITE_EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Baseline file to write.",
)
@click.option("--force", is_flag=True, help="Overwrite the baseline file if it exists.")
@scan_options()
@click.option(
    "--ignore-errors",
    is_flag=True,
    help="Do not let files that fail to parse or decode set exit status 1.",
)
@click.pass_context
def write(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path,
    force: bool,
    settings: ScanSettings,
    ignore_errors: bool,
) -> None:
    """Scan PATHS (default: .) and write every finding to the baseline file.

    Findings are keyed by fingerprint, which includes the file's path relative to the
    project root (the nearest folder with .git, .hg, .cancel-audit.yaml or the baseline
    file), so later scans match it from any working directory.
    """
    options: dict[str, Any] = ctx.obj or {}
    paths = paths or (Path("."),)
    if output.exists() and not force:
        raise click.BadParameter(
            f"{output} already exists; pass --force to overwrite it.", param_hint="--output"
        )
    config = settings.config(paths)

    try:
        result = run_scan(
            settings.scan_request(paths, config),
            progress_callback(bool(options.get("quiet"))),
            warn,
        )
    except Exception as exc:  # an internal error: say so plainly, exit 2
        click.echo(f"cancel-audit: internal error: {type(exc).__name__}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)

    try:
        write_baseline(output, from_result(result), force=force)
    except BaselineError as exc:
        raise click.BadParameter(str(exc), param_hint="--output") from exc
    for error in result.errors:
        click.echo(f"{error.path}: error: {error.message}", err=True)
    if not options.get("quiet"):
        files = len({f.path for f in result.findings})
        message = (
            f"Wrote {_plural(len(result.findings), 'finding')} in {_plural(files, 'file')} "
            f"to {output}."
        )
        if result.errors:
            message += (
                f" {_plural(len(result.errors), 'file')} could not be scanned; "
                "their findings are not in it."
            )
        click.echo(message)
    ctx.exit(EXIT_FINDINGS if result.errors and not ignore_errors else EXIT_OK)
