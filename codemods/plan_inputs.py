"""What a fix plan looked at on disk, so a stored answer can be checked against the tree.

Every file a plan reads goes through ``read_bytes`` or ``read_text`` and every existence
probe through ``is_file`` or ``exists``; while ``recording`` is active they are noted
(content digest of the bytes read, or the probe's answer). ``unchanged`` tells whether
the disk still shows the same: a stored plan answer is reused only then.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from audit.cache import content_digest
from audit.source import SourceError
from audit.source import read_bytes as _read_source

_lock = threading.Lock()
_active: list[PlanInputs] = []  # the plan runs on its own thread: not a ContextVar


@dataclass
class PlanInputs:
    reads: dict[str, Optional[str]] = field(default_factory=dict)  # path -> digest (None: unread)
    probes: dict[tuple[str, str], bool] = field(default_factory=dict)  # (test, path) -> answer

    def unchanged(self) -> bool:
        """Whether every file read still holds the same bytes and every probe agrees."""
        for (test, path), answer in self.probes.items():
            if _TESTS[test](Path(path)) != answer:
                return False
        for path, digest in self.reads.items():
            try:
                now: Optional[str] = content_digest(_read_source(Path(path)))
            except SourceError:
                now = None
            if now != digest:
                return False
        return True


@contextlib.contextmanager
def recording() -> Iterator[PlanInputs]:
    inputs = PlanInputs()
    with _lock:
        _active.append(inputs)
    try:
        yield inputs
    finally:
        with _lock:
            _active.remove(inputs)


def read_bytes(path: Path) -> bytes:
    """``audit.source.read_bytes``, noted by every active recording."""
    try:
        data = _read_source(path)
    except SourceError:
        _note_read(path, None)
        raise
    _note_read(path, content_digest(data) if _active else None)
    return data


def read_text(path: Path) -> str:
    """``path.read_text(encoding="utf-8", errors="replace")``, noted."""
    data = path.read_bytes()
    _note_read(path, content_digest(data) if _active else None)
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace").read()


def is_file(path: Path) -> bool:
    return _probe("is_file", path)


def exists(path: Path) -> bool:
    return _probe("exists", path)


_TESTS = {"is_file": Path.is_file, "exists": Path.exists}


def _probe(test: str, path: Path) -> bool:
    answer = _TESTS[test](path)
    with _lock:
        for inputs in _active:
            inputs.probes.setdefault((test, str(path)), answer)
    return answer


def _note_read(path: Path, digest: Optional[str]) -> None:
    with _lock:
        for inputs in _active:
            inputs.reads.setdefault(str(path), digest)
