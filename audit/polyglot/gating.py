"""TikTok Shop evidence per class and per file, for weak matches.

Multi-marketplace code reuses ``getOrderDetail``, ``shipOrder``, ``RejectCancellation``
for Shopee, Lazada, Mercado Libre or Amazon. A weak match (a method name, a relative
path) in a class or file that names another marketplace and never TikTok Shop is not a
TikTok Shop finding at all.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

_OTHER_MARKETPLACES = (
    rb"shopee|lazada|mercado_?li[bv]re|amazon|tokopedia|bukalapak|blibli|zalora|walmart|"
    rb"ebay|etsy|allegro|ozon|wildberries|flipkart|jumia|douyin"
)
_TIKTOK = rb"tik_?tok|x-tts-access-token|shop_cipher"
_MARKERS = re.compile(rb"(" + _TIKTOK + rb")|" + _OTHER_MARKETPLACES)  # on lowered bytes


class Evidence:
    """Where a file names TikTok Shop or another marketplace, found in one pass."""

    def __init__(self, source: bytes) -> None:
        self.tiktok: list[int] = []
        self.other: list[int] = []
        for match in _MARKERS.finditer(source.lower()):
            (self.tiktok if match.group(1) else self.other).append(match.start())

    def verdict(self, start: int = 0, end: Optional[int] = None) -> Optional[str]:
        """ "tiktok" when bytes ``start:end`` show TikTok Shop evidence, "other" when they
        name only other marketplaces, None when they say neither."""
        if _any_within(self.tiktok, start, end):
            return "tiktok"
        if _any_within(self.other, start, end):
            return "other"
        return None


def _any_within(positions: list[int], start: int, end: Optional[int]) -> bool:
    index = bisect.bisect_left(positions, start)
    return index < len(positions) and (end is None or positions[index] < end)
