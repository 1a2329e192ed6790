"""One answer to "will fix rewrite this finding?": what ``cancel-audit fix`` does.

``scan`` stamps each finding's ``fix`` from its shape and the project facts
(``audit.fixability``); for CA201 that stamp is exact. CA101 and CA301 have limits only
their codemods see (a loop that needs a cancel id, a transport with no query argument, a
wrapper whose callers cannot all be rewritten), so before anything shows their fix, they
go through the plan ``fix`` would make (nothing is written): a finding it was asked to
fix and did not is stamped manual. ``scan``, ``report``, SARIF and ``fix`` then say the
same thing about every finding (tests/codemods/test_agreement.py).
"""

from __future__ import annotations

from audit.config import Config
from audit.findings import ScanResult
from audit.fixability import SETTLED_BY_PLAN, needs_settling, stamped_manual
from codemods.runner import plan_fixes


def settle_fixes(result: ScanResult, config: Config) -> ScanResult:
    """``result`` with the fix of each finding as fix (with ``--unsafe-fixes``) would do
    it; no file is written."""
    if not needs_settling(result.findings):
        return result  # nothing to plan: the common case, and free
    return stamped_manual(result, left_alone(result, config))


def left_alone(result: ScanResult, config: Config) -> frozenset[str]:
    """Fingerprints of the findings the dry plan was asked to fix and did not."""
    # CA201's stamp is exact from the scan's own branch analysis; CA101 and CA301 have
    # limits only their codemods see (the loop a search feeds, a wrapper's callers)
    plan = plan_fixes(result, config, SETTLED_BY_PLAN, unsafe=True, verify=False)
    return frozenset(f.fingerprint for f in plan.left_alone())
