"""What a person should do with a finding the scan stamped ``fix: manual``.

``cancel-audit fix`` never rewrites those; it says, for each, why not and what change
works for this project (the client's own method names, the markets configured), so the
advice can be followed as written.
"""

from __future__ import annotations

from audit.facts import ProjectFacts
from audit.findings import Finding
from audit.markets import Markets
from audit.python.shapes import DECISION
from codemods.helper_module import ASYNC_FUNCTION, HELPER_FUNCTION, TRANSPORT_FUNCTION

RETIRE_NOTE = (
    "remove this Reject Cancellation method once its callers ship to reject "
    "(cancel-audit fix rewrites the callers first, then removes it)"
)

DECIDES = (
    "this 21011007 branch decides what happens to a package whose buyer asked to "
    "cancel, and on v202309 that package now ships instead: read the order's "
    "is_buyer_request_cancel (Get Order List / Get Order Detail) before shipping, "
    "decide there as this branch did, then delete the branch"
)

_NEEDS = {"order_detail": "Get Order Detail", "ship_package": "Ship Package"}


def manual_hint(finding: Finding, facts: ProjectFacts, markets: Markets) -> str:
    """One sentence: why the finding is left to a person and the change to make."""
    others = markets.others_text()
    if finding.language != "python":  # the scan wrote the change in the file's language
        return finding.hint or f"`cancel-audit explain {finding.rule}` shows the change"
    if finding.shape == DECISION:
        return DECIDES
    if finding.defines:
        return (
            f"`{finding.defines}` stays while 21011007 handling left to a person still reads "
            "it: change that handling first, then delete this constant"
        )
    if finding.rule != "CA101":
        return (
            f"no automatic rewrite for this shape; `cancel-audit explain {finding.rule}` "
            "shows what to use instead"
        )
    if finding.shape == "wrapper":
        return RETIRE_NOTE
    if others and finding.shape in ("transport-call", "definition", "url"):
        return (
            f"keep Reject Cancellation for {others}; for US shops call "
            f"{TRANSPORT_FUNCTION}(send, cancel_id=...) instead"
        )
    if finding.shape == "method-call":
        missing = [
            title
            for endpoint, title in _NEEDS.items()
            if facts.method(endpoint, finding.awaited) is None
        ]
        function = ASYNC_FUNCTION if finding.awaited else HELPER_FUNCTION
        if missing:
            return (
                f"the client has no {' or '.join(missing)} method: ship the order's packages "
                f"through the API (Ship Package), which rejects the request, or add "
                f"{' and '.join(missing)} to the client and run fix again for {function}()"
            )
    return (
        "ship the order's packages (Ship Package) through the client that made this call, "
        "which rejects the request; cancel-audit cannot tell which client that is here"
    )
