"""TikTok Shop evidence per class and per file, for weak matches.

Multi-marketplace code reuses ``getOrderDetail``, ``shipOrder``, ``RejectCancellation``
for Shopee, Lazada, Mercado Libre or Amazon. A weak match (a method name, a relative
path) in a class or file that names another marketplace and never TikTok Shop is not a
TikTok Shop finding at all.
"""

from __future__ import annotations

import re
from typing import Optional

_OTHER_MARKETPLACES = re.compile(
    r"shopee|lazada|mercado_?li[bv]re|mercadoli[bv]re|amazon|tokopedia|bukalapak|blibli|"
    r"zalora|walmart|ebay|etsy|allegro|ozon|wildberries|flipkart|jumia|douyin",
    re.IGNORECASE,
)
_TIKTOK = re.compile(r"tik_?tok|tiktokglobalshop|x-tts-access-token|shop_cipher", re.IGNORECASE)


def verdict(source: str) -> Optional[str]:
    """ "tiktok" when ``source`` shows TikTok Shop evidence, "other" when it names only
    other marketplaces, None when it says neither."""
    if _TIKTOK.search(source):
        return "tiktok"
    if _OTHER_MARKETPLACES.search(source):
        return "other"
    return None
