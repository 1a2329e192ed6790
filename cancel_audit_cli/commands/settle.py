"""Scan results with settled fix stamps: where the command layer composes scan and fix.

The scan stamps each finding's ``fix`` from its own analysis; for the rules whose limits
only their codemods see, a dry plan of the codemods settles the stamp. The scan layer
cannot ask the fix layer above it, so every verb that shows stamps (scan, report) goes
through here.
"""

from __future__ import annotations

from audit.config import Config
from audit.findings import ScanResult
from audit.fixability import needs_settling


def settle(result: ScanResult, config: Config) -> ScanResult:
    """``result`` with each fix stamp as ``fix --unsafe-fixes`` would do it; writes nothing."""
    if not needs_settling(result.findings):
        return result  # the common case: no codemod (and no libcst codemod machinery) loaded
    from codemods.agreement import settle_fixes  # deferred: start-up time

    return settle_fixes(result, config)
