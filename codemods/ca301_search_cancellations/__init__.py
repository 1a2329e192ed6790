"""CA301 (search-cancellations-for-pending): a Search Cancellations lookup for pending
requests becomes Get Order List with ``is_buyer_request_cancel``.

``transform`` decides and rewrites (an unsafe fix: orders come back, not cancellations),
``filters`` says what becomes of each filter, ``notes`` what a person is told where the
lookup stays.
"""

from codemods.ca301_search_cancellations.transform import PendingViaOrderFilter

CODEMODS = (PendingViaOrderFilter,)
PHASE = 3  # after CA101: it changes no call that the other rules rewrite

__all__ = ["CODEMODS", "PHASE", "PendingViaOrderFilter"]
