"""The options that shape a scan, shared by every verb that scans (scan, baseline, report,
fix), and the one function that turns them plus the config file into a ``Config``.

A verb applies ``@scan_options()`` and receives a single ``settings: ScanSettings``
argument instead of nine loose ones; ``settings.config(paths)`` resolves the config file
(explicit, or the nearest one) and layers the command-line values on top.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import click

from audit.cache import ENV_DIR, default_cache_dir
from audit.catalog import load_catalog
from audit.config import (
    Config,
    ConfigError,
    find_config_file,
    load_config,
    parse_excludes,
    parse_markets,
    parse_rule_ids,
    parse_size,
)
from audit.findings import CONFIDENCES
from audit.scanner import ScanOptions

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ScanSettings:
    config_file: Optional[Path] = None
    exclude: tuple[str, ...] = ()
    no_gitignore: bool = False
    max_file_size: Optional[str] = None
    markets: Optional[str] = None
    select: Optional[str] = None
    ignore: Optional[str] = None
    min_confidence: Optional[str] = None
    jobs: Optional[int] = None
    include_docs: bool = False
    no_cache: bool = False
    cache_dir: Optional[Path] = None

    def scan_request(self, paths: tuple[Path, ...], config: Config, **more: Any) -> ScanOptions:
        """What the scanner needs: the paths, the config and where its cache is."""
        cache = None if self.no_cache else (self.cache_dir or default_cache_dir())
        return ScanOptions(paths, config, cache_dir=cache, **more)

    def config(self, paths: tuple[Path, ...], fail_on: Optional[str] = None) -> Config:
        """The config file's settings with these options on top (exit 2 on a mistake)."""
        try:
            return self._config(paths, fail_on)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc

    def _config(self, paths: tuple[Path, ...], fail_on: Optional[str]) -> Config:
        catalog = load_catalog()
        source = self.config_file or find_config_file(paths[0].resolve())
        base = load_config(source, catalog)
        overrides: dict[str, Any] = {
            "min_confidence": self.min_confidence,
            "jobs": self.jobs,
            "include_docs": True if self.include_docs else None,
            "fail_on": fail_on,
            "exclude": base.exclude + parse_excludes(list(self.exclude), "--exclude")
            if self.exclude
            else None,
            "gitignore": False if self.no_gitignore else None,
            "max_file_size": parse_size(self.max_file_size, "--max-file-size")
            if self.max_file_size
            else None,
            "markets": parse_markets(self.markets.split(","), "--markets")
            if self.markets
            else None,
            "select": parse_rule_ids(self.select.split(","), "select", catalog, "--select")
            if self.select
            else None,
            "ignore": parse_rule_ids(self.ignore.split(","), "ignore", catalog, "--ignore")
            if self.ignore
            else None,
        }
        changes = {key: value for key, value in overrides.items() if value is not None}
        return dataclasses.replace(base, **changes)


_FIELDS = [f.name for f in dataclasses.fields(ScanSettings)]

_CONFIG = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Config file (default: nearest .cancel-audit.yaml or pyproject.toml [tool.cancel-audit]).",
)
_EXCLUDE = click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip paths matching this gitignore-style glob (repeatable).",
)
_NO_GITIGNORE = click.option(
    "--no-gitignore", is_flag=True, help="Scan files that .gitignore excludes."
)
_MAX_FILE_SIZE = click.option(
    "--max-file-size", metavar="SIZE", help="Skip larger files (default 1MB)."
)
_MARKETS = click.option("--markets", metavar="US,UK,...", help="Markets the integration serves.")
_SELECT = click.option("--select", metavar="IDS", help="Only these rules, comma-separated.")
_IGNORE = click.option("--ignore", metavar="IDS", help="Skip these rules, comma-separated.")
_JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes for parsing big batches [default: one per CPU].",
)
_INCLUDE_DOCS = click.option(
    "--include-docs",
    is_flag=True,
    help="Also read Markdown and reStructuredText files (not read by default).",
)
_NO_CACHE = click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the per-file result cache."
)
_CACHE_DIR = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help=f"Cache folder [default: ${ENV_DIR}, else the user cache folder].",
)
_MIN_CONFIDENCE = click.option(
    "--min-confidence",
    type=click.Choice(CONFIDENCES),
    default=None,
    help="Hide findings below this confidence [default: medium].",
)


def _into_context(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """``cancel-audit scan -v .`` means what ``cancel-audit -v scan .`` means."""
    if not value:
        return
    shared = ctx.ensure_object(dict)  # the group's options, which every verb reads
    if param.name == "verbose":
        shared["verbose"] = shared.get("verbose", 0) + value
    else:
        shared["quiet"] = True


_VERBOSE = click.option(
    "-v",
    "--verbose",
    count=True,
    expose_value=False,
    callback=_into_context,
    help="Show skipped files and more detail (as before the verb).",
)
_QUIET = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    callback=_into_context,
    help="Print findings only: no summary, no progress (as before the verb).",
)


def scan_options(rules: bool = True) -> Callable[[F], F]:
    """Add the scan-shaping options; the command gets them as ``settings``.

    ``rules=False`` leaves out --select/--ignore for verbs that pick rules their own way.
    """
    options = [_CONFIG, _EXCLUDE, _NO_GITIGNORE, _MAX_FILE_SIZE, _MARKETS]
    if rules:
        options += [_SELECT, _IGNORE]
    options += [_MIN_CONFIDENCE, _JOBS, _INCLUDE_DOCS, _NO_CACHE, _CACHE_DIR, _VERBOSE, _QUIET]

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in _FIELDS if name in kwargs}
            return command(*args, settings=ScanSettings(**values), **kwargs)

        decorated: Callable[..., Any] = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated  # type: ignore[return-value]

    return decorate


def write_output(path: Path, text: str, option: str) -> None:
    """Write a result file atomically; a path that cannot be written is a usage error."""
    from audit.atomic import write_text_atomic

    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot write {path}: {exc.strerror or exc}", param_hint=option
        ) from exc


def warn(message: str) -> None:
    click.echo(f"cancel-audit: warning: {message}", err=True)


def print_progress(done: int, total: int) -> None:
    line = f"parsing {done}/{total} candidate files"
    # the last count is wiped: what follows starts on a clean line
    end = "\r" + " " * len(line) + "\r" if done == total else ""
    click.echo("\r" + line + end, err=True, nl=False)


def progress_callback(quiet: bool) -> Optional[Callable[[int, int], None]]:
    """A progress line on long scans, only when stderr is a terminal."""
    return print_progress if sys.stderr.isatty() and not quiet else None
