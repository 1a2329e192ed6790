"""Every test run keeps its scan cache to itself: never the user's cache folder, and the
cache (on by default on the command line) is exercised by the whole suite."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="cancel-audit-test-cache-")
os.environ["CANCEL_AUDIT_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
