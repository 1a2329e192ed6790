"""Find the files to scan under the given paths: Python, and the other languages
``audit.polyglot`` reads (Markdown only with ``--include-docs``).

Respects ``.gitignore`` files at every level (and ``.git/info/exclude``), skips VCS
folders, virtualenvs, ``node_modules`` and build outputs, applies ``--exclude`` globs and
the size cap, and never follows a symlink out of the tree or into a loop. Everything it
leaves out is reported with a reason so ``-v`` can show it.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from audit.findings import FileError, Skipped
from audit.polyglot.languages import is_read

PYTHON_SUFFIXES = (".py", ".pyw")
# Folders that never hold the project's own source. VCS and cache folders are skipped
# silently; the others are listed with -v so a surprising skip can be seen.
QUIET_DIRS = frozenset(
    {".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
)
SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        ".tox",
        ".nox",
        ".eggs",
        "site-packages",
        "build",
        "dist",
        ".venv",
        "venv",
        ".direnv",
    }
)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as given or found on disk
    rel: str  # POSIX path relative to the scan root: what findings show
    size: int
    real: Optional[Path] = None  # the file's resolved path (symlinks followed)
    mtime_ns: int = 0  # with size and inode: whether the cache may trust an earlier hash
    inode: int = 0

    def resolved(self) -> Path:
        return self.real if self.real is not None else self.path.resolve()


class _RealPaths:
    """``Path.resolve()`` for many files of few folders: each folder is resolved once
    (a resolve costs one ``lstat`` per path component), and only a file that is itself a
    symlink is resolved whole."""

    def __init__(self) -> None:
        self.folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if path.is_symlink():
            return path.resolve()
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = self.folders[path.parent] = path.parent.resolve()
        return folder / path.name


@dataclass(frozen=True)
class DiscoveryOptions:
    exclude: tuple[str, ...] = ()
    gitignore: bool = True
    max_file_size: int = 1_000_000
    exclude_base: Optional[Path] = None  # the config file's folder: its globs are relative to it
    include_docs: bool = False  # also Markdown and reStructuredText


Discovered = Union[SourceFile, Skipped, FileError]


@dataclass(frozen=True)
class _Ignore:
    base: Path  # directory the patterns are relative to
    spec: Any  # pathspec.GitIgnoreSpec

    def verdict(self, path: Path, is_dir: bool) -> Optional[bool]:
        # the walk's paths are the base's own children: no relative_to per entry
        text, base = str(path), str(self.base).rstrip(os.sep) + os.sep
        inside = text[len(base) :] if text.startswith(base) else None
        rel = (inside or path.relative_to(self.base).as_posix()).replace(os.sep, "/")
        rel += "/" if is_dir else ""
        include: Optional[bool] = self.spec.check_file(rel).include
        return include


# Files or folders that mark the top of a project.
_PROJECT_MARKERS = (".git", ".hg", ".cancel-audit.yaml", ".cancel-audit-baseline.json")


def project_root(path: Path) -> Path:
    """Where a scanned path's project starts: the nearest enclosing folder with a VCS or
    cancel-audit file, else where the scan shows paths from. Finding identities
    (fingerprints, baseline entries) are relative to it, so a baseline written from one
    directory applies from any other."""
    resolved = path.resolve()
    start = resolved if resolved.is_dir() else resolved.parent
    for folder in (start, *start.parents):
        if any(_exists(folder / marker) for marker in _PROJECT_MARKERS):
            return folder
    return display_root(path)


def identity_path(path: Path, roots: Iterable[Path]) -> Optional[str]:
    """``path`` (resolved) relative to the innermost of ``roots`` (project roots) holding
    it: the path a finding's identity uses, or None when no root holds it."""
    for root in sorted(roots, key=lambda r: len(r.parts), reverse=True):
        if root in path.parents:
            return path.relative_to(root).as_posix()
    return None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder we may not look into has no marker we can use
        return False


def display_root(path: Path) -> Path:
    """Findings are relative to the working directory when the scan is inside it."""
    cwd = Path.cwd().resolve()
    resolved = path.resolve()
    if resolved == cwd or cwd in resolved.parents:
        return cwd
    return resolved if resolved.is_dir() else resolved.parent


def common_display_root(paths: list[Path]) -> Path:
    """One root for findings of several paths: ``scan ../a ../b`` shows ``a/mod.py`` and
    ``b/mod.py``, not ``mod.py`` twice."""
    roots = {display_root(path) for path in paths} or {Path.cwd().resolve()}
    return roots.pop() if len(roots) == 1 else Path(os.path.commonpath(sorted(roots)))


def _rel(path: Path, root: Path) -> str:
    # Resolve the folder, not the name: a symlink is shown where it is, not where it points.
    return _relative(path.parent.resolve() / path.name, root)


def _relative(path: Path, root: Path) -> str:
    """``path`` (whose folders are already resolved) relative to ``root``, POSIX style."""
    try:
        return printable_name(path.relative_to(root).as_posix())
    except ValueError:
        return printable_name(path.as_posix())


def printable_name(name: str) -> str:
    """A file name as reports show it: bytes that are not UTF-8 (which Python keeps as
    lone surrogates, unencodable in JSON, SARIF or a fingerprint) become ``\\xNN``.
    The file itself is still opened by its real name (``ScanResult.files``)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def _read_ignore_file(path: Path) -> Optional[Any]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _gitignore_spec(lines)


def _gitignore_spec(lines: list[str]) -> Any:
    import pathspec  # deferred: most trees scanned have no .gitignore and no --exclude

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _is_file(path: Path) -> bool:
    """``Path.is_file()``, but False instead of PermissionError in a folder we may not enter."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """``entry.is_dir()``; True when that cannot be told, so the entry's own checks
    report why."""
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return True


# What a package manager leaves in the vendor/ folder it fills (Composer, Go modules,
# Bundler); a vendor/ folder without them may be the project's own code.
_VENDOR_SIGNS = ("autoload.php", "modules.txt", "bundle")


def _is_vendored(path: Path) -> bool:
    return path.name == "vendor" and any(os.path.exists(path / s) for s in _VENDOR_SIGNS)


def _special_kind(path: Path) -> Optional[str]:
    """What a path that is neither a file nor a folder is (following links), if it exists."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


class _Walker:
    def __init__(
        self, root: Path, options: DiscoveryOptions, display: Optional[Path] = None
    ) -> None:
        self.tree_root = root.resolve()
        self.display = display or display_root(root)
        self.options = options
        self.exclude = _gitignore_spec(list(options.exclude)) if options.exclude else None
        self.visited: set[tuple[int, int]] = set()

    def _reads(self, name: str) -> bool:
        return name.endswith(PYTHON_SUFFIXES) or is_read(name, self.options.include_docs)

    def excluded(self, path: Path, is_dir: bool) -> bool:
        """Globs match relative to the working directory, the scanned folder or the config."""
        if self.exclude is None:
            return False
        suffix = "/" if is_dir else ""
        candidates = {_relative(path, self.display), _relative(path, self.tree_root)}
        if self.options.exclude_base is not None:
            candidates.add(_relative(path, self.options.exclude_base))
        candidates = {candidate + suffix for candidate in candidates}
        return any(self.exclude.match_file(candidate) for candidate in candidates)

    def ignored(self, path: Path, is_dir: bool, ignores: list[_Ignore]) -> bool:
        for ignore in reversed(ignores):  # the deepest .gitignore has the last word
            verdict = ignore.verdict(path, is_dir)
            if verdict is not None:
                return verdict
        return False

    def walk(self) -> Iterator[Discovered]:
        ignores: list[_Ignore] = []
        if self.options.gitignore:
            # A scan of a sub-folder still obeys the .gitignore files above it, up to the
            # repository root (the scanned folder's own is read by _walk_dir).
            for parent in (self.tree_root, *self.tree_root.parents):
                if os.path.exists(parent / ".git"):
                    info_exclude = parent / ".git" / "info" / "exclude"
                    chain = [info_exclude] if _is_file(info_exclude) else []
                    for folder in reversed(self.tree_root.relative_to(parent).parents):
                        if parent / folder != self.tree_root:
                            chain.append(parent / folder / ".gitignore")
                    for ignore_file in chain:
                        spec = _read_ignore_file(ignore_file) if _is_file(ignore_file) else None
                        if spec is not None:
                            base = parent if ignore_file == info_exclude else ignore_file.parent
                            ignores.append(_Ignore(base, spec))
                    break
            if ignores and self.tree_root != parent and self.ignored(self.tree_root, True, ignores):
                ignores = []  # a folder named on the command line is scanned all the same
        root_rel = _relative(self.tree_root, self.display)
        yield from self._walk_dir(self.tree_root, root_rel, ignores, is_root=True)

    def _walk_dir(
        self, directory: Path, rel: str, ignores: list[_Ignore], is_root: bool = False
    ) -> Iterator[Discovered]:
        """``rel``: the folder as findings show it (its children's names are added to it,
        which is what ``_relative`` would give, without a ``relative_to`` per file)."""
        try:
            info = directory.stat()
        except OSError as exc:
            yield FileError(rel, f"cannot read directory: {exc.strerror}")
            return
        key = (info.st_dev, info.st_ino)
        if key in self.visited:  # symlinks are caught in _entry; this is for bind mounts
            yield Skipped(rel, "folder already scanned (a loop?)")
            return
        self.visited.add(key)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            yield FileError(rel, f"cannot read directory: {exc.strerror}")
            return
        # The folder's own marker files come from its listing: a stat each would cost
        # two system calls per folder of the tree.
        names = {entry.name for entry in entries}
        if not is_root and "pyvenv.cfg" in names and _is_file(directory / "pyvenv.cfg"):
            yield Skipped(rel + "/", "virtualenv")
            return
        gitignore = directory / ".gitignore"
        if self.options.gitignore and ".gitignore" in names and _is_file(gitignore):
            spec = _read_ignore_file(gitignore)
            if spec is not None:
                ignores = [*ignores, _Ignore(directory, spec)]
        prefix = "" if rel in ("", ".") else rel.rstrip("/") + "/"
        for entry in entries:
            if not self._reads(entry.name) and not _is_folder(entry):
                continue  # most of a tree: answered without a generator per entry
            yield from self._entry(directory, prefix, entry, ignores)

    def _entry(
        self, directory: Path, prefix: str, entry: os.DirEntry[str], ignores: list[_Ignore]
    ) -> Iterator[Discovered]:
        rel = prefix + printable_name(entry.name)  # its folder is real: no symlink followed
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=True)
            is_file = entry.is_file(follow_symlinks=True)
        except OSError as exc:
            yield FileError(rel, f"cannot read: {exc.strerror}")
            return
        if is_dir and entry.name in QUIET_DIRS:
            return
        if not is_dir and not self._reads(entry.name):
            return
        path = directory / entry.name
        if is_dir and (
            entry.name in SKIPPED_DIRS or entry.name.endswith(".egg-info") or _is_vendored(path)
        ):
            yield Skipped(rel + "/", "tool, dependency or build folder")
            return
        if is_link:
            target = path.resolve()
            if target != self.tree_root and self.tree_root not in target.parents:
                yield Skipped(rel, "symlink points outside the scanned tree")
                return
            if not (is_dir or is_file):
                special = _special_kind(path)
                yield Skipped(rel, f"symlink to {special}" if special else "broken symlink")
                return
            if is_dir:  # its target is walked at its real path: report findings there, once
                parent = path.parent.resolve()
                loop = target == parent or target in parent.parents
                yield Skipped(rel, "symlink loop" if loop else "symlink to a folder in the tree")
                return
        if self.options.gitignore and self.ignored(path, is_dir, ignores):
            yield Skipped(rel + ("/" if is_dir else ""), "ignored by .gitignore")
            return
        if self.excluded(path, is_dir):
            yield Skipped(rel + ("/" if is_dir else ""), "excluded by --exclude/config")
            return
        if is_dir:
            yield from self._walk_dir(path, rel, ignores)
        elif is_file:
            # the walk's folders are real paths, so a file that is no symlink is where it is
            yield from self._file(path, rel, entry, real=None if is_link else path)
        else:  # a FIFO, socket or device named like source: reading it could block
            yield Skipped(rel, f"not a regular file ({_special_kind(path) or 'unreadable'})")

    def _file(
        self,
        path: Path,
        rel: str,
        entry: Optional[os.DirEntry[str]] = None,
        real: Optional[Path] = None,
    ) -> Iterator[Discovered]:
        try:
            info = entry.stat() if entry is not None else path.stat()
        except OSError as exc:
            yield FileError(rel, f"cannot read: {exc.strerror}")
            return
        if not stat.S_ISREG(info.st_mode):
            yield Skipped(rel, "not a regular file")
        elif info.st_size > self.options.max_file_size:
            yield Skipped(
                rel,
                f"larger than max-file-size ({_size_text(info.st_size)} > "
                f"{_size_text(self.options.max_file_size)})",
            )
        else:
            yield SourceFile(path, rel, info.st_size, real, info.st_mtime_ns, info.st_ino)


def discover(paths: list[Path], options: DiscoveryOptions) -> Iterator[Discovered]:
    """Every Python file under ``paths``, plus what was skipped and why.

    A file named explicitly is scanned even when .gitignore or --exclude would skip it
    (as ruff and flake8 do); it must still be Python and within the size cap.
    """
    seen: set[str] = set()  # resolved paths: a str hashes faster than a Path
    real_path = _RealPaths()
    shared = common_display_root(paths) if len(paths) > 1 else None
    for path in paths:
        if path.is_dir():
            for item in _Walker(path, options, shared).walk():
                if isinstance(item, SourceFile):
                    real = item.real or real_path(item.path)
                    key = str(real)
                    if key in seen:
                        continue
                    seen.add(key)
                    if item.real is None:
                        item = dataclasses.replace(item, real=real)
                yield item
        else:
            walker = _Walker(path.parent, options, shared)
            rel = _rel(path, walker.display)
            if not walker._reads(path.name):
                yield Skipped(rel, "not a file cancel-audit reads (see README: languages)")
                continue
            key = str(path.resolve())
            if key not in seen:
                seen.add(key)
                yield from walker._file(path, rel)
