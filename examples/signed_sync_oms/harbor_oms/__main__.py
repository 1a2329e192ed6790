"""``python -m harbor_oms {ship,cancels} --warehouse export.json``"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from .cancellations import CancelRequestWorker
from .shipping import ShippingJob
from .tiktok.client import TikTokShopClient
from .warehouse import InMemoryWarehouse


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="harbor_oms")
    parser.add_argument("job", choices=("ship", "cancels"))
    parser.add_argument("--warehouse", required=True, help="nightly warehouse export (JSON)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    client = TikTokShopClient.from_env()
    warehouse = InMemoryWarehouse.from_json(args.warehouse)
    if args.job == "ship":
        shipped = ShippingJob(client, warehouse).run()
        for hold in shipped.held:
            print(f"HOLD order {hold.order_id} package {hold.package_id}: {hold.reason}")
        return 1 if shipped.failed else 0
    decided = CancelRequestWorker(client, warehouse).run()
    return 1 if decided.failed else 0


if __name__ == "__main__":
    sys.exit(main())
