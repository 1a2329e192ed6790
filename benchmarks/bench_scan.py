"""Reproducible speed benchmark for ``cancel-audit scan`` (not a timed test).

Usage::

    python benchmarks/bench_scan.py                     # the venv's site-packages
    python benchmarks/bench_scan.py PATH --runs 5       # any tree, e.g. the stdlib
    python benchmarks/bench_scan.py --synthetic 500     # 500 copies of an integrator module
    python benchmarks/bench_scan.py PATH --profile      # plus a cProfile of one scan

For the tree it prints: files, bytes, candidates parsed, the scan's wall time (median
of N runs, in-process, warm page cache), files/s and MB/s; the cost of discovery alone and
of reading the same files with ``open().read()`` alone for comparison; and the CLI's
start-up time (``cancel-audit --version`` and a scan of an empty folder, as subprocesses).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Callable, TypeVar

from audit.catalog import load_catalog
from audit.config import Config
from audit.discovery import DiscoveryOptions, SourceFile, discover
from audit.prefilter import Prefilter
from audit.scanner import ScanOptions, scan

T = TypeVar("T")

# A realistic in-house TikTok Shop integrator module: a signed transport, an SDK-style
# client, a cancel-request worker, a shipping job and 21011007 handling, plus the plain
# business code around them. Every copy passes the prefilter and is parsed.
INTEGRATOR_MODULE = '''\
"""TikTok Shop bridge for the warehouse: orders in, packages out, cancel requests handled.

Talks to https://open-api.tiktokglobalshop.com with a shop_cipher per shop.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional

import requests

log = logging.getLogger(__name__)

BASE_URL = "https://open-api.tiktokglobalshop.com"
API_VERSION = "202309"
AFTER_SALE_PENDING = 21011007
RETRYABLE = frozenset({36009003, 12019001})
REJECT_REASON = "seller_reject_apply_product_has_been_packed"

ROUTES = {
    "order_list": "/order/{version}/orders/search",
    "order_detail": "/order/{version}/orders",
    "reject_cancellation": "/return_refund/{version}/cancellations/{cancel_id}/reject",
    "search_cancellations": "/return_refund/{version}/cancellations/search",
    "ship_package": "/fulfillment/{version}/packages/{package_id}/ship",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str, request_id: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id


@dataclass
class Shop:
    shop_id: str
    shop_cipher: str
    access_token: str
    warehouse: str = "default"
    tags: List[str] = field(default_factory=list)


class Transport:
    def __init__(self, app_key: str, app_secret: str, shop: Shop, timeout: float = 10.0) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self.shop = shop
        self.timeout = timeout
        self.session = requests.Session()

    def sign(self, path: str, params: Dict[str, Any], body: str) -> str:
        pieces = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in ("sign",))
        payload = f"{self.app_secret}{path}{pieces}{body}{self.app_secret}"
        return hmac.new(self.app_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()

    def request(self, method: str, path: str, params=None, body=None) -> Dict[str, Any]:
        params = dict(params or {})
        params.update(app_key=self.app_key, timestamp=int(time.time()))
        params["shop_cipher"] = self.shop.shop_cipher
        params["sign"] = self.sign(path, params, "" if body is None else str(body))
        headers = {"x-tts-access-token": self.shop.access_token}
        for attempt in range(3):
            response = self.session.request(
                method, BASE_URL + path, params=params, json=body, headers=headers,
                timeout=self.timeout,
            )
            envelope = response.json()
            if envelope.get("code") == 0:
                return envelope.get("data") or {}
            if envelope.get("code") in RETRYABLE and attempt < 2:
                time.sleep(2 ** attempt)
                continue
            raise ApiError(envelope.get("code"), envelope.get("message", ""),
                           envelope.get("request_id", ""))
        raise RuntimeError("unreachable")


class Client:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def get_order_list(self, **filters: Any) -> List[Dict[str, Any]]:
        path = ROUTES["order_list"].format(version=API_VERSION)
        return self.transport.request("POST", path, body=filters).get("orders", [])

    def get_order_detail(self, ids: Iterable[str]) -> List[Dict[str, Any]]:
        path = ROUTES["order_detail"].format(version=API_VERSION)
        data = self.transport.request("GET", path, params={"ids": ",".join(ids)})
        return data.get("orders", [])

    def search_cancellations(self, **body: Any) -> List[Dict[str, Any]]:
        path = ROUTES["search_cancellations"].format(version=API_VERSION)
        return self.transport.request("POST", path, body=body).get("cancellations", [])

    def reject_cancellation(self, cancel_id: str, reason: str) -> Dict[str, Any]:
        path = f"/return_refund/{API_VERSION}/cancellations/{cancel_id}/reject"
        return self.transport.request("POST", path, body={"reject_reason": reason})

    def ship_package(self, package_id: str, handover_method: str = "DROP_OFF") -> Dict[str, Any]:
        path = ROUTES["ship_package"].format(version=API_VERSION, package_id=package_id)
        return self.transport.request("POST", path, body={"handover_method": handover_method})


def money(amount: str, currency: str = "USD") -> str:
    whole, _, cents = amount.partition(".")
    return f"{currency} {int(whole):,}.{(cents + '00')[:2]}"


def pick_list(order: Dict[str, Any]) -> List[Dict[str, Any]]:
    lines = []
    for item in order.get("line_items", []):
        lines.append({
            "sku": item.get("seller_sku") or item.get("sku_id"),
            "name": item.get("product_name", "")[:40],
            "qty": int(item.get("quantity", 1)),
            "price": money(item.get("sale_price", "0.00"), item.get("currency", "USD")),
        })
    return sorted(lines, key=lambda line: (line["sku"] or "", line["name"]))


class CancelWorker:
    """Refuse buyers' cancel requests for orders the warehouse already packed."""

    def __init__(self, client: Client, packed: Callable[[str], bool]) -> None:
        self.client = client
        self.packed = packed

    def run(self) -> int:
        refused = 0
        pending = self.client.search_cancellations(cancel_status=["BUYER_CANCEL_REQUEST_PENDING"])
        for cancel in pending:
            if self.packed(cancel["order_id"]):
                self.client.reject_cancellation(cancel["cancel_id"], REJECT_REASON)
                refused += 1
        return refused


def ship_ready_orders(client: Client) -> List[str]:
    shipped = []
    for order in client.get_order_list(order_status="AWAITING_SHIPMENT"):
        for package in order.get("packages", []):
            try:
                client.ship_package(package["id"])
            except ApiError as exc:
                if exc.code == AFTER_SALE_PENDING:
                    log.info("package %s has a pending cancel request", package["id"])
                    continue
                raise
            shipped.append(package["id"])
    return shipped


def summarise(orders: List[Dict[str, Any]]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for order in orders:
        status = order.get("status", "UNKNOWN")
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))
'''


def timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def median_time(work: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = [timed(work)[0] for _ in range(runs)]
    return statistics.median(times), times


def synthetic_tree(root: Path, copies: int) -> Path:
    """``copies`` copies of INTEGRATOR_MODULE in packages of 50, like a vendored monorepo."""
    for index in range(copies):
        package = root / f"shop_{index // 50:03d}"
        package.mkdir(parents=True, exist_ok=True)
        (package / f"bridge_{index:05d}.py").write_text(INTEGRATOR_MODULE, encoding="utf-8")
    return root


def discovered_files(path: Path) -> list[SourceFile]:
    return [item for item in discover([path], DiscoveryOptions()) if isinstance(item, SourceFile)]


def read_all(files: Sequence[SourceFile]) -> int:
    total = 0
    for file in files:
        with open(file.path, "rb") as handle:
            total += len(handle.read())
    return total


def read_and_prefilter(files: Sequence[SourceFile], prefilter: Prefilter) -> int:
    """What the scan's first phase does with every file: read it, match the prefilter."""
    candidates = 0
    for file in files:
        with open(file.path, "rb") as handle:
            data = handle.read()
        prefilter.project_constants(data)
        candidates += prefilter.is_candidate(data)
    return candidates


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("cancel-audit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "audit"]


def startup_times(runs: int) -> dict[str, float]:
    command = cli_command()
    empty = Path(tempfile.mkdtemp(prefix="cancel-audit-empty-"))
    try:
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "cancel-audit --version": [*command, "--version"],
            "cancel-audit scan EMPTY": [*command, "scan", str(empty)],
        }
        result = {}
        for label, args in cases.items():
            subprocess.run(args, capture_output=True, check=False)  # warm the disk cache
            result[label] = median_time(
                lambda args=args: subprocess.run(args, capture_output=True, check=False), runs
            )[0]
        return result
    finally:
        shutil.rmtree(empty, ignore_errors=True)


def rate(count: float, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "inf"


def bench_tree(path: Path, runs: int, profile: bool, jobs: int | None = None) -> None:
    import libcst  # noqa: F401  (imported by the first parse; start-up is timed apart)

    files = discovered_files(path)
    size = sum(f.size for f in files)
    config = Config(min_confidence="low", jobs=jobs)  # every finding counts as work done

    scan_times = []
    result = None
    for _ in range(runs):
        seconds, result = timed(lambda: scan(ScanOptions((path,), config)))
        scan_times.append(seconds)
    assert result is not None
    scan_median = statistics.median(scan_times)
    discover_median, _ = median_time(lambda: discovered_files(path), runs)
    read_median, _ = median_time(lambda: read_all(files), runs)
    prefilter = Prefilter.from_catalog(load_catalog())
    prefilter_median, _ = median_time(lambda: read_and_prefilter(files, prefilter), runs)

    mb = size / 1_000_000
    print(f"tree               {path}")
    print(f"files              {len(files):,} Python files, {size:,} bytes ({mb:.1f} MB)")
    print(
        f"scan result        {result.files_parsed:,} candidates parsed, "
        f"{len(result.findings):,} findings (min-confidence low), {len(result.errors)} errors, "
        f"{len(result.skipped)} skipped"
    )
    print(
        f"scan (median of {runs})  {scan_median:.3f} s   {rate(len(files), scan_median)} files/s   "
        f"{mb / scan_median:.2f} MB/s   runs: {', '.join(f'{t:.3f}' for t in scan_times)}"
    )
    print(
        f"discovery only     {discover_median:.3f} s   {rate(len(files), discover_median)} files/s"
    )
    print(
        f"open().read() only {read_median:.3f} s   {rate(len(files), read_median)} files/s   "
        f"{mb / read_median:.1f} MB/s"
    )
    print(
        f"read + prefilter   {prefilter_median:.3f} s   {mb / prefilter_median:.1f} MB/s   "
        f"(the scan's first phase, every file)"
    )
    rest = scan_median - discover_median - prefilter_median
    print(
        f"parse + detect     {rest:.3f} s   (the rest: {result.files_parsed:,} candidates, "
        f"{rate(result.files_parsed, rest)} files/s)"
    )
    print(f"scan / read        {scan_median / read_median:.1f}x")
    if profile:
        print("\ncProfile of one scan, both threads (by own time):")
        print(profile_scan(path, config))


def profile_scan(path: Path, config: Config) -> str:
    """cProfile one scan, including the thread that parses (cProfile sees one thread)."""
    import audit.scanner as scanner_module

    main, worker = cProfile.Profile(), cProfile.Profile()
    original = scanner_module.run_with_deep_stack

    def profiled(work: Callable[[], T]) -> T:
        def in_thread() -> T:
            worker.enable()
            try:
                return work()
            finally:
                worker.disable()

        return original(in_thread)

    scanner_module.run_with_deep_stack = profiled
    try:
        main.enable()
        scan(
            ScanOptions((path,), dataclasses.replace(config, jobs=1))
        )  # one process, so the profile sees it all
        main.disable()
    finally:
        scanner_module.run_with_deep_stack = original
    out = io.StringIO()
    stats = pstats.Stats(main, stream=out)
    stats.add(worker)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="tree to scan (default: this interpreter's site-packages)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--synthetic",
        type=int,
        metavar="N",
        help="scan N copies of a realistic TikTok Shop integrator module instead",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one scan")
    parser.add_argument(
        "--jobs", type=int, help="worker processes for parsing (default: one per CPU)"
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timing")
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    if args.synthetic:
        with tempfile.TemporaryDirectory(prefix="cancel-audit-bench-") as temp:
            tree = synthetic_tree(Path(temp), args.synthetic)
            bench_tree(tree, args.runs, args.profile, args.jobs)
    else:
        path = args.path or Path(sysconfig.get_paths()["purelib"])
        bench_tree(path.resolve(), args.runs, args.profile, args.jobs)
    if not args.no_startup:
        print()
        for label, seconds in startup_times(max(args.runs, 5)).items():
            print(f"start-up  {label:<24} {seconds * 1000:6.0f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
