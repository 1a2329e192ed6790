"""CA201 (after-sale-error-handling): handling of 21011007 "Package item has after-sale
request", which no longer occurs in the US on v202309.

Two codemods, run in this order: ``batch_guard`` moves a decision taken in a 21011007
branch before the ship call (unsafe), then ``transform`` removes the handling that can no
longer run (safe). ``conditions`` decides which tests are always True or False now,
``plan`` what else goes with them, ``notes`` what a person is told where the rewrite
leaves a match.
"""

from codemods.ca201_after_sale_handling.batch_guard import GuardPendingCancel
from codemods.ca201_after_sale_handling.transform import RemoveAfterSaleHandling

# the decision moves before the ship call first; the branch it leaves is then dead
CODEMODS = (GuardPendingCancel, RemoveAfterSaleHandling)
PHASE = 1  # before CA101: a reject call inside a dead 21011007 branch goes with the branch

__all__ = ["CODEMODS", "PHASE", "GuardPendingCancel", "RemoveAfterSaleHandling"]
