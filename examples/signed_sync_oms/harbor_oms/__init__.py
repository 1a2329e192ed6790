"""Harbor Goods order-management jobs for TikTok Shop US.

``harbor_oms.tiktok`` is our own thin Open API client (we dropped the vendor SDK
in 2023 because it could not sign requests behind the corporate proxy);
``shipping`` and ``cancellations`` are the cron jobs the ops team runs.
"""

__version__ = "3.4.0"
