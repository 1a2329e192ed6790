"""Exit status of every verb (the ruff contract), shared by all layers.

0 nothing at or above ``--fail-on``; 1 findings at or above it, or files that could not
be scanned; 2 usage, configuration or internal error.
"""

from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EPILOG = (
    "Exit status: 0 no findings at or above --fail-on; 1 findings at or above it "
    "(or files that failed to parse, unless --ignore-errors); 2 usage, config or internal error."
)
