"""CA101 (reject-cancellation-endpoint): Reject Cancellation becomes ship-to-reject.

``transform`` rewrites SDK-style calls, raw transport calls and route-table entries;
``transport`` finds the pieces of a raw request (cancel id, version, a ``send`` through
the same transport); ``notes`` is what a person is told where a call stays.
"""

from codemods.ca101_reject_cancellation.transform import RejectToShip

CODEMODS = (RejectToShip,)
PHASE = 2  # after CA201: a reject call inside a dead 21011007 branch goes with the branch

__all__ = ["CODEMODS", "PHASE", "RejectToShip"]
