"""Per-file scan results kept between runs, so a re-scan of an unchanged tree costs about
a directory walk.

What is kept, each keyed by the file's content hash and by everything else its answer
depends on:

* ``read``: the prefilter's verdict on the file (candidate or not, TikTok Shop context,
  project constants); depends on the catalog and the user's patterns (``prefilter_key``);
* ``mentions``: whether the file names one of the project's wrappers or constants, for a
  given set of names;
* ``outcome``: a candidate's findings and facts; depends on its path and on the whole
  scan job (catalog with the project model, config, project-wide context and constants).

A file's content hash is taken from an earlier run when its size, mtime and inode are
unchanged and its mtime was already two seconds old when it was hashed (a file written
again within the clock's granularity is hashed afresh, as git does for "racy" entries).

One SQLite database per cache folder: safe under concurrent runs (SQLite's locking; a
run that cannot get the lock in time simply does not store), entries from another tool
build are dropped when the cache is opened, and an entry that cannot be read is treated
as missing and written again. The cache never makes a scan fail: a folder that cannot be
used turns it off for the run, with one warning.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import os
import pickle
import re
import sqlite3
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from audit.discovery import SourceFile

SCHEMA = 2
DATABASE = "scan-cache.sqlite3"
# A file modified less than this before it was hashed may change again unseen within
# the same mtime tick: its stat is not trusted next time.
_RACY_NS = 2_000_000_000
ENV_DIR = "CANCEL_AUDIT_CACHE_DIR"


def default_cache_dir() -> Path:
    """The user cache folder: $CANCEL_AUDIT_CACHE_DIR, else the platform's convention."""
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "cancel-audit" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cancel-audit"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "cancel-audit"


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def stable_key(value: Any) -> str:
    """A digest of ``value`` that is the same in every process: sets and dict keys are
    sorted, so hash randomisation cannot change it."""
    return hashlib.blake2b(_canonical(value).encode("utf-8"), digest_size=20).hexdigest()


def _canonical(value: Any) -> str:
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return repr(value)
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, Path):
        return f"Path({value.as_posix()!r})"
    if isinstance(value, re.Pattern):
        return f"re({value.pattern!r},{value.flags})"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(
            f"{f.name}={_canonical(getattr(value, f.name))}"
            for f in dataclasses.fields(value)
            if f.compare
        )
        return f"{type(value).__name__}({fields})"
    if isinstance(value, Mapping):
        items = sorted(f"{_canonical(k)}:{_canonical(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, (set, frozenset)):
        return "set(" + ",".join(sorted(_canonical(v) for v in value)) + ")"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    raise TypeError(f"no stable key for {type(value).__name__}")


@functools.cache
def tool_build() -> str:
    """This build of the scanner: its version and the bytes of its own code and data, so
    a changed rule or detector never reads results an older build stored."""
    from audit import __version__

    return code_digest(Path(__file__).resolve().parent, __version__.encode())


def code_digest(package: Path, seed: bytes = b"") -> str:
    """A digest of the names and bytes of a package's code and data files."""
    digest = hashlib.blake2b(seed, digest_size=20)
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class FileStat:
    size: int
    mtime_ns: int
    inode: int


class ScanCache:
    """One run's view of the cache: lookups as the scan goes, stores written at the end."""

    def __init__(self, connection: sqlite3.Connection, build: str, warn: Any = None) -> None:
        self._db = connection
        self._build = build
        self._warn = warn
        self._stats: list[tuple[bytes, int, int, int, str, int]] = []
        self._entries: list[tuple[str, str, str, bytes]] = []
        self._digests: dict[Path, str] = {}  # this run's content hashes, by file path
        # rows read in bulk (one query per 500 files, not one per file)
        self._stat_rows: dict[bytes, tuple[Any, ...]] = {}
        self._values: dict[tuple[str, str, str], bytes] = {}

    @classmethod
    def open(cls, directory: Path, warn: Any = None) -> Optional[ScanCache]:
        """The cache in ``directory``, or None (after one warning) when it cannot be used."""
        try:
            build = tool_build()
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = directory / DATABASE
            try:
                connection = _connect(path)
            except sqlite3.OperationalError:  # locked, read-only, full: not damage
                raise
            except sqlite3.DatabaseError:  # not a database any more: start a new one
                path.unlink()
                connection = _connect(path)
            connection.execute("DELETE FROM entries WHERE build != ?", (build,))
            connection.commit()
        except (OSError, sqlite3.Error) as exc:
            if warn is not None:
                warn(f"cache at {directory} cannot be used ({exc}); scanning without it")
            return None
        return cls(connection, build, warn)

    def prefetch(self, files: Sequence[SourceFile], kind: str, key: str) -> None:
        """Read what ``known`` will ask about these files in a few queries."""
        try:
            unseen = [_key(f.path) for f in files if _key(f.path) not in self._stat_rows]
            for chunk in _chunks(unseen):
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    "SELECT path, size, mtime_ns, inode, digest, hashed_ns FROM stats"
                    f" WHERE path IN ({marks})",
                    chunk,
                ):
                    self._stat_rows[row[0]] = row[1:]
            digests = sorted({row[3] for row in self._stat_rows.values()})
            for chunk in _chunks(digests):
                marks = ",".join("?" * len(chunk))
                for digest, value in self._db.execute(
                    "SELECT digest, value FROM entries WHERE kind = ? AND key = ? AND build = ?"
                    f" AND digest IN ({marks})",
                    (kind, key, self._build, *chunk),
                ):
                    self._values[(kind, digest, key)] = value
        except sqlite3.Error:
            pass  # lookups fall back to one query each

    def known(self, file: SourceFile, kind: str, key: str) -> Any:
        """What is stored under ``kind`` and ``key`` for this file, when its stat shows
        that it is unchanged since it was hashed; None otherwise."""
        digest = self.digest_of(file)
        if digest is None:
            digest = self.digest_for(file.path, _stat_of(file))
            if digest is None:
                return None
            self._digests[file.path] = digest
        return self.get(kind, digest, key)

    def digest_of(self, file: SourceFile) -> Optional[str]:
        """The file's content hash, if this run knows it."""
        return self._digests.get(file.path)

    def hashed(self, file: SourceFile, data: bytes) -> str:
        """Hash the file's bytes (just read) and remember the hash with its stat."""
        digest = self._digests.get(file.path)
        if digest is None:
            digest = self._digests[file.path] = content_digest(data)
            if file.mtime_ns:  # a stat the walk took, not a file named on its own
                self.note_digest(file.path, _stat_of(file), digest)
        return digest

    def digest_for(self, path: Path, stat: FileStat) -> Optional[str]:
        """The content hash stored for this file, if its stat says it has not changed."""
        row = self._stat_rows.get(_key(path)) or self._query(
            "SELECT size, mtime_ns, inode, digest, hashed_ns FROM stats WHERE path = ?",
            (_key(path),),
        )
        if row is None:
            return None
        size, mtime_ns, inode, digest, hashed_ns = row
        if (size, mtime_ns, inode) != (stat.size, stat.mtime_ns, stat.inode):
            return None
        if hashed_ns - mtime_ns < _RACY_NS:
            return None
        return str(digest)

    def note_digest(self, path: Path, stat: FileStat, digest: str) -> None:
        self._stats.append(
            (_key(path), stat.size, stat.mtime_ns, stat.inode, digest, time.time_ns())
        )

    def get(self, kind: str, digest: str, key: str) -> Any:
        """A stored value, or None when there is none or it cannot be read."""
        stored = self._values.get((kind, digest, key))
        if stored is None:
            row = self._query(
                "SELECT value FROM entries WHERE kind = ? AND digest = ? AND key = ? AND build = ?",
                (kind, digest, key, self._build),
            )
            if row is None:
                return None
            stored = row[0]
        try:
            value = pickle.loads(stored)
        except Exception:  # a damaged entry: recompute it, and it is written again
            return None
        return value

    def put(self, kind: str, digest: str, key: str, value: Any) -> None:
        self._entries.append((kind, digest, key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))

    def close(self) -> None:
        """Write what this run learned, in one transaction; a busy database keeps nothing."""
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?, ?)", self._stats
                )
                self._db.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                    [(k, d, key, self._build, v) for k, d, key, v in self._entries],
                )
        except sqlite3.Error as exc:
            if self._warn is not None:
                self._warn(f"cache not updated ({exc})")
        finally:
            self._db.close()

    def _query(self, sql: str, args: tuple[Any, ...]) -> Optional[tuple[Any, ...]]:
        try:
            row: Optional[tuple[Any, ...]] = self._db.execute(sql, args).fetchone()
        except sqlite3.Error:
            return None
        return row


def _key(path: Path) -> bytes:
    """A path as the stats table keeps it: its bytes, so a name that is not UTF-8 fits."""
    return os.fsencode(path)


def _chunks(items: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _stat_of(file: SourceFile) -> FileStat:
    return FileStat(file.size, file.mtime_ns, file.inode)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=5.0)
    connection.execute("PRAGMA journal_mode=WAL")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, SCHEMA):  # another schema: drop it, the cache is only a cache
        connection.executescript("DROP TABLE IF EXISTS stats; DROP TABLE IF EXISTS entries;")
    connection.executescript(
        "CREATE TABLE IF NOT EXISTS stats (path BLOB PRIMARY KEY, size INTEGER,"
        " mtime_ns INTEGER, inode INTEGER, digest TEXT, hashed_ns INTEGER);"
        "CREATE TABLE IF NOT EXISTS entries (kind TEXT, digest TEXT, key TEXT, build TEXT,"
        " value BLOB, PRIMARY KEY (kind, digest, key));"
        f"PRAGMA user_version = {SCHEMA};"
    )
    return connection


def clear(directory: Path) -> bool:
    """Delete the cache in ``directory``; whether there was one."""
    found = False
    for name in (DATABASE, DATABASE + "-wal", DATABASE + "-shm"):
        try:
            (directory / name).unlink()
            found = True
        except FileNotFoundError:
            pass
    return found
