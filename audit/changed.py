"""``--changed-since REF``: the Python files a branch changed, asked of git.

A file counts as changed when it was added, copied, modified or renamed between the merge
base of REF and HEAD and the working tree (committed, staged or not), or when it is
untracked and not ignored: a new file not yet added is new code too. Deleted files are
left out (there is nothing to scan). Only Python files are returned.

git runs as a subprocess with a timeout and no shell; every failure becomes a
:class:`ChangedFilesError` worded for the user. Nothing the scanned repository configures
runs: its fsmonitor, hooks, pager, external diff and textconv, and the clean/smudge/process
commands of its filter drivers are switched off on git's command line (which overrides
the repository's config), system config is not read, and git never prompts.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from audit.discovery import PYTHON_SUFFIXES
from audit.polyglot.languages import is_read

GIT_TIMEOUT_SECONDS = 60.0


class ChangedFilesError(Exception):
    """git could not say which files changed (exit status 2)."""


# Settings a repository (one unpacked from an archive, say) could use to run a command.
_SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "diff.external=",
    "core.untrackedCache=false",
    "core.sshCommand=",
    "core.askPass=",
    "credential.helper=",
    "protocol.allow=never",
)
# What git would otherwise take from the environment to run, prompt or page.
_UNSAFE_ENV = ("GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH_COMMAND")


def _safe_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSAFE_ENV}
    env.update(
        GIT_OPTIONAL_LOCKS="0",  # no index refresh written back, so no index hooks
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        PAGER="cat",
        LC_ALL="C",
    )
    return env


def _git_command(args: list[str], drivers: Iterable[str] = ()) -> list[str]:
    settings = list(_SAFE_CONFIG)
    for driver in drivers:  # an empty command is no filter
        settings += [f"filter.{driver}.{key}=" for key in ("clean", "smudge", "process")]
        settings.append(f"filter.{driver}.required=false")
    options = [part for setting in settings for part in ("-c", setting)]
    return ["git", "--no-pager", *options, *args]


def _filter_drivers(cwd: Path) -> list[str]:
    """The filter drivers the repository configures (reading config runs nothing)."""
    listing = ["config", "-z", "--name-only", "--get-regexp", r"^filter\."]
    done = _run(_git_command(listing), cwd, "config")
    names = set()
    for key in done.stdout.split(b"\0"):
        text = os.fsdecode(key)
        if text.count(".") >= 2:
            names.add(text[len("filter.") : text.rindex(".")])
    return sorted(names)


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    drivers = _filter_drivers(cwd) if args[:1] in (["diff"], ["ls-files"]) else []
    if args[:1] == ["diff"]:
        args = ["diff", "--no-ext-diff", "--no-textconv", *args[1:]]
    return _run(_git_command(args, drivers), cwd, args[0])


def _run(command: list[str], cwd: Path, verb: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            env=_safe_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise ChangedFilesError(
            "git is not installed or not on PATH, and --changed-since needs it."
        ) from None
    except subprocess.TimeoutExpired:
        raise ChangedFilesError(
            f"git {verb} took longer than {GIT_TIMEOUT_SECONDS:.0f} seconds."
        ) from None


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def repository_root(where: Path) -> Path:
    directory = where if where.is_dir() else where.parent
    done = _git(["rev-parse", "--show-toplevel"], directory)
    if done.returncode != 0:
        raise ChangedFilesError(
            f"{where} is not inside a git repository, and --changed-since needs one."
        )
    return Path(os.fsdecode(done.stdout.strip())).resolve()


def merge_base(ref: str, top: Path) -> str:
    if not ref or ref.startswith("-"):
        raise ChangedFilesError(f"'{ref}' is not a git revision.")
    done = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    if done.returncode != 0:
        raise ChangedFilesError(f"'{ref}' is not a known git revision in {top}.")
    done = _git(["merge-base", ref, "HEAD"], top)
    if done.returncode != 0:
        raise ChangedFilesError(
            f"'{ref}' and HEAD have no common ancestor in {top} ({_stderr(done)}); "
            "in a shallow clone, fetch more history (actions/checkout: fetch-depth: 0)."
        )
    return done.stdout.decode("ascii").strip()


def _names(done: subprocess.CompletedProcess[bytes], what: str) -> list[str]:
    if done.returncode != 0:
        raise ChangedFilesError(f"git could not list {what}: {_stderr(done)}.")
    return [os.fsdecode(name) for name in done.stdout.split(b"\0") if name]


def changed_in_repository(ref: str, top: Path) -> frozenset[Path]:
    """Changed and untracked files of the repository at ``top`` that scan reads
    (Python and the other languages; not docs), resolved."""
    base = merge_base(ref, top)
    diff = _git(["diff", "--name-only", "--diff-filter=ACMR", "-z", base, "--"], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    names = _names(diff, f"the files changed since {ref}") + _names(untracked, "untracked files")
    return frozenset(
        (top / name).resolve() for name in names if name.endswith(PYTHON_SUFFIXES) or is_read(name)
    )


def changed_python_files(ref: str, paths: Iterable[Path]) -> frozenset[Path]:
    """The union over the repositories that hold ``paths`` (usually just one)."""
    changed: set[Path] = set()
    seen: set[Path] = set()
    for path in paths:
        top = repository_root(path.resolve())
        if top not in seen:
            seen.add(top)
            changed.update(changed_in_repository(ref, top))
    return frozenset(changed)
