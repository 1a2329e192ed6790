"""The one answer to "can this finding be fixed, and how safely?".

``scan`` stamps every finding's ``fix`` with it, so the text, JSON and SARIF outputs, the
report and ``cancel-audit fix`` (which rewrites only findings stamped safe or unsafe)
all say the same thing about the same finding. It reads the finding's shape and what
the scan learned about the project: the rule's declared fix is an upper bound.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence

from audit.catalog import Catalog
from audit.facts import ProjectFacts
from audit.findings import Finding, ScanResult
from audit.markets import Markets
from audit.python.shapes import BATCH_GUARD, DECISION, GUARD, RETRY

FIXABLE = ("safe", "unsafe")
# Rules whose stamp only their codemod can settle (the loop a search feeds, a wrapper's
# callers): codemods.agreement plans them dry before scan, report and SARIF show a stamp.
SETTLED_BY_PLAN = frozenset({"CA101", "CA301"})


def needs_settling(findings: Sequence[Finding]) -> bool:
    """Whether any stamp needs the dry plan; most scans need none and load no codemod."""
    return any(f.rule in SETTLED_BY_PLAN and f.fix in FIXABLE for f in findings)


def stamped_manual(result: ScanResult, fingerprints: Collection[str]) -> ScanResult:
    """``result`` with the findings of these fingerprints stamped manual."""
    findings = tuple(
        dataclasses.replace(f, fix="manual") if f.fingerprint in fingerprints else f
        for f in result.findings
    )
    return dataclasses.replace(result, findings=findings)


def stamp_fixes(
    findings: Sequence[Finding], facts: ProjectFacts, catalog: Catalog, markets: Markets
) -> list[Finding]:
    """Each finding with its ``fix`` decided; call sites first, since a wrapper can go
    only once every call of it is rewritten."""
    calls = [_decided(f, facts, catalog, markets, ()) for f in findings]
    return [_decided(f, facts, catalog, markets, calls) for f in calls]


def _decided(
    finding: Finding,
    facts: ProjectFacts,
    catalog: Catalog,
    markets: Markets,
    calls: Sequence[Finding],
) -> Finding:
    rule = catalog.rules.get(finding.rule)
    if rule is None:
        return finding
    declared = rule.fix.kind_for(markets)
    if finding.language != "python":  # the codemods rewrite Python only: by hand, per its hint
        kind = "manual" if declared != "none" else declared
        return finding if kind == finding.fix else dataclasses.replace(finding, fix=kind)
    kind = declared
    if declared in FIXABLE and finding.rule == "CA101":
        kind = _reject_fix(finding, facts, declared, markets, calls)
    elif declared in FIXABLE and finding.shape == GUARD:
        kind = "unsafe"  # the decision moves before the ship call: behaviour changes on purpose
    elif declared in FIXABLE and finding.shape == BATCH_GUARD:
        # the guard asks the client's own Get Order Detail which orders have a request
        kind = "unsafe" if facts.method("order_detail") is not None else "manual"
    elif declared in FIXABLE and finding.rule == catalog.code_rule().id:
        kind = _handling_fix(finding, declared, calls)
    return finding if kind == finding.fix else dataclasses.replace(finding, fix=kind)


def _handling_fix(finding: Finding, declared: str, calls: Sequence[Finding]) -> str:
    """21011007 handling: what the CA201 codemods can remove, and how safely."""
    if finding.shape == GUARD:
        return "unsafe"  # the decision moves before the ship call: behaviour changes on purpose
    if finding.shape == RETRY:
        return declared
    if finding.shape == DECISION:
        return "manual"  # it decides something no rewrite can move exactly
    if finding.defines and _binds_the_code(finding):  # the constant goes once nothing reads it
        return "manual" if _read_by_manual_handling(finding.defines, calls) else declared
    # a code test outside any if-test or flag the cleanup decides (a retry table, a
    # `while`, a returned comparison): a person changes it
    return "manual"


def _binds_the_code(finding: Finding) -> bool:
    """``NAME = 21011007`` (the whole value), not a code inside a table or a call."""
    assert finding.defines is not None
    binding = rf"^\s*{re.escape(finding.defines)}\s*(?::[^=]+)?=\s*(.+?)\s*(?:#.*)?$"
    found = re.match(binding, finding.snippet)
    return found is not None and " ".join(found.group(1).split()) == finding.matched


def _read_by_manual_handling(name: str, findings: Sequence[Finding]) -> bool:
    """21011007 handling that a person must change still reads the constant ``name``."""
    return any(
        f.fix == "manual" and not f.defines and name in f.matched.split(".") for f in findings
    )


def _reject_fix(
    finding: Finding,
    facts: ProjectFacts,
    declared: str,
    markets: Markets,
    calls: Sequence[Finding],
) -> str:
    us_only = markets.us_only
    if finding.shape == "method-call":
        # ship_to_reject() reads the order and ships through the client's own methods.
        return declared if facts.client_ready(is_async=finding.awaited) else "manual"
    if finding.shape == "transport-call":
        return declared if us_only else "manual"
    if finding.shape == "definition":
        return declared if us_only else "manual"  # a route entry goes once nothing reads it
    if finding.shape == "wrapper" and us_only and calls:
        return "safe" if _wrapper_retires(finding, facts, calls) else "manual"
    return "manual"


def _wrapper_retires(finding: Finding, facts: ProjectFacts, calls: Sequence[Finding]) -> bool:
    """An SDK-style wrapper around Reject Cancellation goes once every call of it in the
    project is rewritten; with no callers here it is public API, for a person to retire."""
    name = (finding.function or "").rsplit(".", 1)[-1]
    callers = facts.calls.get(name, 0)
    if not name or callers == 0:
        return False
    rewritten = [
        call
        for call in calls
        if call.rule == "CA101"
        and call.shape == "method-call"
        and call.fix in FIXABLE
        and f".{name}(" in call.matched
    ]
    return len(rewritten) == callers
