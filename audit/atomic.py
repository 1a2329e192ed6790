"""Atomic file writes: a temp file beside the target, then a rename.

A crash or a full disk leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Optional


def write_bytes_atomic(path: Path, data: bytes, mode: Optional[int] = None) -> None:
    """Replace ``path`` with ``data``; keep the old file's mode unless ``mode`` is given."""
    if mode is None and path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))
