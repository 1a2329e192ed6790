"""All-or-nothing writes of several files: stage every one, check, then commit.

``fix --write`` changes files that import each other; writing three of four leaves a
project that no longer imports. So every new content is first written to a temp file
beside its target (mode, ownership where permitted). Only when every file is staged,
and each target still holds exactly the bytes that were read (a file edited or deleted
meanwhile is refused, never overwritten), are the temp files renamed over their targets.
Each replaced file is kept as a hard-linked backup until the last rename succeeded, so a
rename failing part-way rolls the earlier ones back; if even that fails the error names
the files that changed and those that did not.

Links: a symlink is never replaced by a regular file; its target is rewritten if it is
inside the scanned tree, else the file is refused. A file with several hard links is
written in place (after staging, with its old bytes ready to be put back) so every name
keeps seeing the same file. A read-only file is refused unless ``force``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from audit.atomic import new_file_mode


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CommitError(Exception):
    """Nothing was written (or everything written was put back); worded for the user."""

    def __init__(self, message: str, refused: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.refused = list(refused)  # (name, why) of the files that stopped the commit


@dataclass
class PlannedWrite:
    path: Path  # where the scan found the file (may be a symlink)
    name: str  # how reports name it
    data: bytes
    expected: Optional[str]  # sha256 of the bytes read; None: a new file, must not exist


@dataclass
class _Staged:
    write: PlannedWrite
    target: Path  # the real file (a symlink's target)
    temp: Optional[str] = None
    in_place: bool = False  # hard-linked: written through the existing inode
    old: bytes = b""
    backup: Optional[str] = None
    done: bool = False


@dataclass
class CommitReport:
    written: list[str] = field(default_factory=list)


def _inside(target: Path, roots: Sequence[Path]) -> bool:
    return any(target == root or root in target.parents for root in roots)


def _prepare(write: PlannedWrite, roots: Sequence[Path], force: bool) -> _Staged:
    """Where the bytes go, or why they may not."""
    path = write.path
    if write.expected is None:
        if os.path.lexists(path):
            raise ValueError("was created since it was planned; not overwritten")
        return _Staged(write, path)
    target = path.resolve()  # a symlink's target is rewritten, the link stays a link
    if not _inside(target, roots):
        raise ValueError(f"is (a symlink to) {target}, outside the scanned tree; not written")
    try:
        info = target.stat()
        old = target.read_bytes()
    except FileNotFoundError:
        raise ValueError("was deleted after it was read; not recreated") from None
    if digest(old) != write.expected:
        raise ValueError("changed after it was read; not overwritten (run fix again)")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("is not a regular file; not written")
    if not force and (not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK)):
        raise ValueError("is read-only; not written (use --force to write it anyway)")
    staged = _Staged(write, target, old=old, in_place=info.st_nlink > 1)
    return staged


def _stage(staged: _Staged) -> None:
    """Write the temp file beside the target, with the target's mode and owner."""
    target = staged.target
    fd, staged.temp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".cancel-audit.tmp", dir=target.parent
    )
    with os.fdopen(fd, "wb") as handle:
        handle.write(staged.write.data)
        handle.flush()
        os.fsync(handle.fileno())
    if staged.write.expected is None:
        os.chmod(staged.temp, new_file_mode())
        return
    info = target.stat()
    os.chmod(staged.temp, stat.S_IMODE(info.st_mode))
    with contextlib.suppress(PermissionError, AttributeError):  # only root gives files away
        os.chown(staged.temp, info.st_uid, info.st_gid)


def _still_as_read(staged: _Staged) -> bool:
    if staged.write.expected is None:
        return not os.path.lexists(staged.target)
    try:
        return digest(staged.target.read_bytes()) == staged.write.expected
    except OSError:
        return False


def _commit_one(staged: _Staged) -> None:
    assert staged.temp is not None
    target = staged.target
    if staged.write.expected is None:
        os.link(staged.temp, target)  # fails if the name appeared meanwhile
        os.unlink(staged.temp)
    elif staged.in_place:
        # Every hard link must keep seeing the file: write through it. The staged copy
        # proved there is room; the old bytes are kept to be put back on failure.
        with open(target, "r+b") as handle:
            handle.write(staged.write.data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        os.unlink(staged.temp)
    else:
        backup = f"{staged.temp}.old"
        try:
            os.link(target, backup)
            staged.backup = backup
        except OSError:  # no hard links here: the old bytes are still in memory
            pass
        os.replace(staged.temp, target)
    staged.temp = None
    staged.done = True


def _undo(staged: _Staged) -> None:
    target = staged.target
    if staged.write.expected is None:
        os.unlink(target)
    elif staged.backup is not None:
        os.replace(staged.backup, target)
        staged.backup = None
    elif staged.in_place:
        with open(target, "r+b") as handle:
            handle.write(staged.old)
            handle.truncate()
    else:
        from audit.atomic import write_bytes_atomic

        write_bytes_atomic(target, staged.old)
    staged.done = False


def _clean(items: Sequence[_Staged]) -> None:
    for staged in items:
        for name in (staged.temp, staged.backup):
            if name is not None and os.path.lexists(name):
                with contextlib.suppress(OSError):
                    os.unlink(name)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def tree_roots(paths: Sequence[Path]) -> list[Path]:
    """The real folders a scan of ``paths`` covers: a named file stands for its folder."""
    return [(p if p.is_dir() else p.absolute().parent).resolve() for p in paths]


def commit(
    writes: Sequence[PlannedWrite], roots: Sequence[Path], force: bool = False
) -> CommitReport:
    """Write every file or none; raise :class:`CommitError` saying which and why.
    ``roots`` are the scanned tree's real folders (see :func:`tree_roots`)."""
    real_roots = list(roots)
    prepared: list[_Staged] = []
    refused: list[tuple[str, str]] = []
    for write in writes:
        try:
            prepared.append(_prepare(write, real_roots, force))
        except ValueError as exc:
            refused.append((write.name, str(exc)))
        except OSError as exc:
            refused.append((write.name, f"cannot read: {_reason(exc)}"))
    if refused:
        raise CommitError("no file was written", refused)
    try:
        for staged in prepared:
            try:
                _stage(staged)
            except OSError as exc:
                raise CommitError(
                    f"no file was written: cannot stage {staged.write.name}: {_reason(exc)}",
                    [(staged.write.name, f"cannot write: {_reason(exc)}")],
                ) from exc
        late = [
            (s.write.name, "changed while the fix was staged; not overwritten")
            for s in prepared
            if not _still_as_read(s)
        ]
        if late:
            raise CommitError("no file was written", late)
        for index, staged in enumerate(prepared):
            try:
                if not _still_as_read(staged):
                    raise OSError(0, "it changed while the fix was being written")
                _commit_one(staged)
            except OSError as exc:
                _roll_back(prepared, index, exc)
        return CommitReport([s.write.name for s in prepared])
    finally:
        _clean(prepared)


def _roll_back(prepared: Sequence[_Staged], index: int, exc: OSError) -> None:
    done, failed = prepared[:index], prepared[index]
    name = failed.write.name
    kept: list[str] = []
    for staged in reversed(done):
        try:
            _undo(staged)
        except OSError:
            kept.append(staged.write.name)
    why = f"cannot write {name}: {_reason(exc)}"
    if not kept:
        raise CommitError(
            f"no file was written: {why}; the files already renamed were put back",
            [(name, f"cannot write: {_reason(exc)}")],
        ) from exc
    untouched = [s.write.name for s in prepared if s.write.name not in kept]
    raise CommitError(
        f"partly written: {why}; CHANGED: {', '.join(sorted(kept))}; "
        f"unchanged: {', '.join(sorted(untouched))}",
        [(name, f"cannot write: {_reason(exc)}")],
    ) from exc
