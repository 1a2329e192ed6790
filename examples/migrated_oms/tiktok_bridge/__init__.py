"""TikTok Shop bridge for the Acme OMS (API v202309, ship-to-reject)."""

__version__ = "2.0.0"
