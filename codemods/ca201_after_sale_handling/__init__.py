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

__all__ = ["GuardPendingCancel", "RemoveAfterSaleHandling"]
