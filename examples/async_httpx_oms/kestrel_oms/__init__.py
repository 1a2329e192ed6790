"""Kestrel Home order-management jobs for TikTok Shop.

``order_sync`` ships what the warehouse has ready, ``cancel_worker`` answers
buyers' cancel requests. Both talk to TikTok Shop through :mod:`kestrel_oms.tts`.
"""

__version__ = "3.4.0"
