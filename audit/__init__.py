"""cancel-audit: find and retire TikTok Shop Reject Cancellation calls."""

__version__ = "0.1.0"
