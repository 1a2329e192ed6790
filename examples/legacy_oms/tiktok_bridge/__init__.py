"""TikTok Shop bridge for the Acme OMS.

Moves orders from TikTok Shop into the warehouse system and pushes fulfilment
(shipping, cancel-request decisions) back to TikTok Shop.
"""

__version__ = "1.8.2"
