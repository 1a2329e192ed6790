"""``cancel-audit report``: a readiness report (HTML or Markdown) for one repository or many."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any, Optional

import click

from audit import __version__
from audit.catalog import load_catalog
from audit.config import ConfigError
from audit.exit_codes import EXIT_ERROR
from audit.scanner import scan as run_scan
from cancel_audit_cli.commands.options import ScanSettings, scan_options, warn, write_output
from cancel_audit_cli.commands.settle import settle
from reports.context import RepoInput, build_context, repo_name
from reports.load import LoadError, Prior, load_baseline, load_result, prior_from_result

FORMAT_CHOICES = ("html", "md", "markdown")
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}

REPORT_EPILOG = (
    "Examples: `cancel-audit report ./repo -o readiness.html`; "
    "`cancel-audit report --from a.json --from b.json -o portfolio.html`; "
    "`cancel-audit report ./repo --format md --previous last.json`. "
    "Exit status: 0 the report was written; 2 usage, input or internal error. "
    "The verdict does not set the exit status: use `cancel-audit scan --fail-on` in CI."
)


def parse_as_of(value: Optional[str]) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date in YYYY-MM-DD form (for example 2024-03-01)",
            param_hint="--as-of",
        ) from None


def choose_format(output_format: Optional[str], output_file: Optional[Path]) -> str:
    """--format wins; else the -o suffix; else Markdown on stdout."""
    if output_format is not None:
        return "md" if output_format == "markdown" else output_format
    if output_file is None:
        return "md"
    fmt = SUFFIX_FORMATS.get(output_file.suffix.lower())
    if fmt is None:
        raise click.BadParameter(
            f"cannot tell the format from '{output_file.name}': name it .html or .md, "
            "or pass --format html|md",
            param_hint="-o",
        )
    return fmt


def _live_repo(paths: tuple[Path, ...], settings: ScanSettings) -> RepoInput:
    config = settings.config(paths)
    request = settings.scan_request(paths, config)
    result = settle(run_scan(request, warn=warn), config, request.cache_dir)
    fallback = "repository"
    name = repo_name([p.resolve().as_posix() for p in paths], fallback)
    where = ", ".join(p.as_posix() for p in paths)
    return RepoInput(name, result, f"live scan of {where}", __version__)


def _json_repo(path: Path) -> RepoInput:
    loaded = load_result(path)
    name = repo_name(loaded.result.roots, path.stem)
    return RepoInput(name, loaded.result, path.name, loaded.tool_version)


@click.command(epilog=REPORT_EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--from",
    "from_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="SCAN.json",
    help="A `cancel-audit scan --format json` result (repeatable: one repository each).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_CHOICES),
    default=None,
    help="html or md [default: from the -o suffix; md on stdout].",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here (atomically) instead of stdout.",
)
@click.option(
    "--as-of",
    metavar="YYYY-MM-DD",
    help="Report date for the deadline arithmetic [default: today].",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Show what was fixed and what is new since this baseline file.",
)
@click.option(
    "--previous",
    "previous_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="SCAN.json",
    help="Show what was fixed and what is new since this earlier scan result.",
)
@click.option("--title", help="Report title [default: from the repository name].")
@scan_options()
@click.pass_context
def report(
    ctx: click.Context,
    paths: tuple[Path, ...],
    from_files: tuple[Path, ...],
    output_format: Optional[str],
    output_file: Optional[Path],
    as_of: Optional[str],
    baseline_file: Optional[Path],
    previous_file: Optional[Path],
    title: Optional[str],
    settings: ScanSettings,
) -> None:
    """Render a readiness report for the 2024-03-31 Reject Cancellation deadline.

    Scans PATHS (together, as one repository) and/or reads scan results given with
    --from (one repository each). Several repositories make a portfolio report: one row
    per repository, then each one's details. The HTML is a single self-contained file.
    """
    options: dict[str, Any] = ctx.obj or {}
    report_date = parse_as_of(as_of)
    fmt = choose_format(output_format, output_file)
    if not paths and not from_files:
        paths = (Path("."),)
    if baseline_file and previous_file:
        raise click.UsageError("use --baseline or --previous, not both")
    repo_count = (1 if paths else 0) + len(from_files)
    if (baseline_file or previous_file) and repo_count > 1:
        raise click.UsageError(
            "--baseline and --previous compare one repository: report a single one"
        )

    try:
        prior: Optional[Prior] = None
        if baseline_file is not None:
            prior = load_baseline(baseline_file)
        elif previous_file is not None:
            prior = prior_from_result(load_result(previous_file))
        repos = [_json_repo(path) for path in from_files]
        if paths:
            repos.insert(0, _live_repo(paths, settings))
    except (LoadError, ConfigError) as exc:
        click.echo(f"cancel-audit: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
    except Exception as exc:  # an internal error in the scan: say so plainly, exit 2
        click.echo(f"cancel-audit: internal error: {type(exc).__name__}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
    if prior is not None:
        repos[0] = dataclasses.replace(repos[0], prior=prior)

    from reports.render import render  # jinja2 is imported only now

    context = build_context(repos, load_catalog(), report_date, __version__, title=title)
    text = render(context, fmt)
    if output_file is None:
        click.echo(text, nl=False)
    else:
        write_output(output_file, text, "-o")
        if not options.get("quiet"):
            verdicts = ", ".join(f"{r['name']}: {r['verdict']['label']}" for r in context["repos"])
            click.echo(f"wrote {output_file} ({verdicts})", err=True)
