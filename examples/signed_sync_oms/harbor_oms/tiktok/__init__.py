"""Our TikTok Shop Open API client."""

from .client import TikTokShopClient
from .errors import TikTokShopError

__all__ = ["TikTokShopClient", "TikTokShopError"]
