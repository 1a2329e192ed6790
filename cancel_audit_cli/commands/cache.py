"""``cancel-audit cache``: where the per-file result cache is, and emptying it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from audit.cache import ENV_DIR, clear, default_cache_dir

_DIR = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help=f"Cache folder [default: ${ENV_DIR}, else the user cache folder].",
)


@click.group()
def cache() -> None:
    """The cache of per-file scan results (by content hash, tool build and config)."""


@cache.command("clear")
@_DIR
def clear_command(cache_dir: Optional[Path]) -> None:
    """Delete every cached result."""
    directory = cache_dir or default_cache_dir()
    try:
        found = clear(directory)
    except OSError as exc:
        raise click.ClickException(f"cannot clear the cache in {directory}: {exc}") from exc
    click.echo(f"cleared the cache in {directory}" if found else f"no cache in {directory}")


@cache.command("dir")
@_DIR
def dir_command(cache_dir: Optional[Path]) -> None:
    """Print the cache folder."""
    click.echo(str(cache_dir or default_cache_dir()))
