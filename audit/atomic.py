"""Atomic file writes: a temp file beside the target, then a rename.

A crash or a full disk leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Optional

_UMASK_LOCK = threading.Lock()


def new_file_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 less the umask (temp files are 0600)."""
    with _UMASK_LOCK:  # reading the umask means setting it: keep other threads out
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def write_bytes_atomic(path: Path, data: bytes, mode: Optional[int] = None) -> None:
    """Replace ``path`` with ``data``; keep the old file's mode unless ``mode`` is given,
    and give a new file the usual mode (umask), not the temp file's 0600."""
    if mode is None:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else new_file_mode()
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    # A file name that is not UTF-8 reaches a report as lone surrogates: write it as \xNN.
    write_bytes_atomic(path, text.encode(encoding, "backslashreplace"))
