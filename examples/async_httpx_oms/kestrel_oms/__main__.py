"""``python -m kestrel_oms {ship,cancels} [--warehouse export.json]``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Optional, Sequence, Union

from .cancel_worker import CancelReport, CancelWorker
from .order_sync import OrderSyncService, ShipReport
from .settings import Settings
from .tts import TikTokShop
from .warehouse import InMemoryWarehouse


async def main(job: str, warehouse: InMemoryWarehouse, settings: Settings) -> int:
    async with TikTokShop(settings) as shop:
        report: Union[ShipReport, CancelReport]
        if job == "ship":
            report = await OrderSyncService(shop, warehouse).ship_ready_orders()
        else:
            report = await CancelWorker(shop, warehouse, settings.concurrency).run()
    print(report)
    return 1 if report.failed else 0


def cli(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="kestrel_oms")
    parser.add_argument("job", choices=("ship", "cancels"))
    parser.add_argument("--warehouse", help="nightly WMS export (JSON)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    warehouse = (
        InMemoryWarehouse.from_json(args.warehouse) if args.warehouse else InMemoryWarehouse()
    )
    return asyncio.run(main(args.job, warehouse, Settings.from_env()))


if __name__ == "__main__":
    sys.exit(cli())
