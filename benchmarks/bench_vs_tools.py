"""cancel-audit against ripgrep and Semgrep on real trees (issue 10; not a timed test).

Usage::

    python benchmarks/bench_vs_tools.py                   # download, build, run, print a table
    python benchmarks/bench_vs_tools.py --runs 5 --cache ~/.cache/ca-bench
    python benchmarks/bench_vs_tools.py --no-semgrep      # ripgrep only
    python benchmarks/bench_vs_tools.py --semgrep-config rules.yaml   # other Semgrep rules

Corpora, built from pinned sdists (downloaded once into ``--cache``, never committed;
only their ``.py`` files are kept):

* ``large``: django 5.1.15 + sympy 1.14.0 + ansible-core 2.19.14, no TikTok Shop code;
* ``large+50``: the same with 50 TikTok Shop integration files injected, generated from
  fixed templates with a fixed seed (Reject Cancellation calls, 21011007 handling,
  shipping loops, order searches);
* ``medium``: twisted 26.10.0.

Tools, each a whole process, wall time, median of ``--runs``; peak RSS from ``wait4``
(for Semgrep, the largest of its processes that it waited for):

* ``cancel-audit -q scan --no-cache TREE`` (this checkout's interpreter), and the same
  with a result cache filled by one untimed run first (a re-scan of an unchanged tree);
* ``rg -l -tpy -F -f NEEDLES TREE``: the scan's own prefilter fragments as fixed strings,
  which is the cheapest possible answer to "which files could hold a finding";
* ``semgrep-regex``: ``semgrep scan`` with one ``pattern-regex`` rule over the same
  fragments (Python only): the same search in Semgrep's engine, no parsing needed;
* ``semgrep-rules``: ``semgrep scan`` with ``benchmarks/semgrep_equivalent.yaml``, the
  rules CA101-CA401 ported to Semgrep patterns (calls, string values, enclosing
  functions), which parses every file that might hold a finding, as the scan does.

Semgrep skips ``test/``, ``tests/``, ``build/``, ``dist/``, ``vendor/`` ... by default; an
empty ``.semgrepignore`` is written at each tree's root so that it reads the same files as
the other tools. ``rg`` and ``semgrep`` are taken from ``PATH`` or installed into a venv
under ``--cache`` (``pip install semgrep``; ripgrep from PATH, e.g. Debian's ``ripgrep``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

SDISTS = {
    "large": (("django", "5.1.15"), ("sympy", "1.14.0"), ("ansible-core", "2.19.14")),
    "medium": (("twisted", "26.10.0"),),
}
INJECTED = 50
EQUIVALENT_RULES = Path(__file__).with_name("semgrep_equivalent.yaml")
SEMGREP_TOOLS = ("semgrep-regex", "semgrep-rules")
SEED = 20240331

# Templates of the integration code the scan looks for; {n} makes each file its own.
TEMPLATES = (
    '''"""TikTok Shop cancel worker {n}."""
BASE_URL = "https://open-api.tiktokglobalshop.com"
API_VERSION = "202309"


def reject_packed_{n}(client, cancellations):
    for cancel in cancellations:
        client.reject_cancellation(cancel["cancel_id"], reason="packed")
''',
    '''"""TikTok Shop shipping job {n}."""
BASE_URL = "https://open-api.tiktokglobalshop.com"
AFTER_SALE_PENDING = 21011007


class ShipError(Exception):
    code = 0


def ship_{n}(client, order, package_id, held):
    try:
        client.ship_package(package_id)
    except ShipError as exc:
        if exc.code == AFTER_SALE_PENDING:
            held.append(order["id"])
            return
        raise
''',
    '''"""TikTok Shop raw transport {n}."""
BASE_URL = "https://open-api.tiktokglobalshop.com"


def force_reject_{n}(session, cid):
    return session.post(BASE_URL + f"/return_refund/202309/cancellations/{{cid}}/reject", json={{}})
''',
    '''"""TikTok Shop pending cancel sweep {n}."""
BASE_URL = "https://open-api.tiktokglobalshop.com"


def pending_{n}(client):
    found = client.search_cancellations(cancel_status=["CANCELLATION_REQUEST_PENDING"])
    return [c["order_id"] for c in found]
''',
)


def inject(tree: Path, count: int = INJECTED, seed: int = SEED) -> list[Path]:
    """``count`` integration files under random existing folders of ``tree``, the same
    files in the same places for the same seed and tree."""
    folders = sorted(p for p in tree.rglob("*") if p.is_dir())
    chooser = random.Random(seed)
    written = []
    for n in range(count):
        folder = chooser.choice(folders) if folders else tree
        path = folder / f"tiktok_shop_{n:02d}.py"
        path.write_text(chooser.choice(TEMPLATES).format(n=n), encoding="utf-8")
        written.append(path)
    return written


def needles() -> list[str]:
    """The scan's own prefilter fragments: what a file must hold to be worth parsing."""
    from audit.catalog import load_catalog
    from audit.prefilter import Prefilter

    prefilter = Prefilter.from_catalog(load_catalog())
    return [n.decode("utf-8") for n in prefilter.needles]


def semgrep_rules(fragments: Sequence[str]) -> str:
    """One Python rule whose regex matches any fragment (YAML, single-quoted)."""
    alternation = "|".join(re.escape(f) for f in fragments).replace("'", "''")
    return (
        "rules:\n"
        "  - id: tiktok-shop-cancel-fragments\n"
        "    languages: [python]\n"
        "    severity: WARNING\n"
        "    message: TikTok Shop cancellation code\n"
        f"    pattern-regex: '{alternation}'\n"
    )


def fetch_sdist(name: str, version: str, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    spelled = "[-_]".join(re.escape(part) for part in name.split("-"))  # ansible_core-...
    stem = re.compile(rf"^{spelled}-{re.escape(version)}\.tar\.gz$", re.IGNORECASE)
    for path in cache.iterdir():
        if stem.match(path.name):
            return path
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*command, f"{name}=={version}", "-d", str(cache)], check=True)
    return next(p for p in cache.iterdir() if stem.match(p.name))


def build_tree(target: Path, sdists: Sequence[tuple[str, str]], cache: Path) -> Path:
    """The ``.py`` files of ``sdists``, extracted once into ``target``."""
    if target.exists():
        return target
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, version in sdists:
        with tarfile.open(fetch_sdist(name, version, cache)) as archive:
            members = [m for m in archive.getmembers() if m.isfile() and m.name.endswith(".py")]
            archive.extractall(staging, members=members)  # pinned sdists, .py files only
    staging.rename(target)
    return target


def tree_size(tree: Path) -> tuple[int, float]:
    files = [p for p in tree.rglob("*.py") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def run_once(command: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = 0  # reaped by wait4
    return elapsed, usage.ru_maxrss / 1024


def measure(command: Sequence[str], runs: int) -> tuple[float, float]:
    results = [run_once(command) for _ in range(runs)]
    return statistics.median(t for t, _ in results), max(m for _, m in results)


def tool_version(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout or done.stderr else ""
    )


def find_semgrep(cache: Path) -> Optional[str]:
    found = shutil.which("semgrep")
    if found:
        return found
    venv = cache / "semgrep-venv"
    binary = venv / "bin" / "semgrep"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "semgrep"], check=True)
    return str(binary) if binary.exists() else None


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "ca-bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-semgrep", action="store_true")
    parser.add_argument(
        "--semgrep-config",
        type=Path,
        default=EQUIVALENT_RULES,
        help="rules for the semgrep-rules row (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    cache: Path = args.cache.expanduser()
    trees = {
        "large": build_tree(cache / "trees" / "large", SDISTS["large"], cache / "sdists"),
        "medium": build_tree(cache / "trees" / "medium", SDISTS["medium"], cache / "sdists"),
    }
    injected = cache / "trees" / "large+50"
    if not injected.exists():
        shutil.copytree(trees["large"], injected)
        inject(injected)
    trees["large+50"] = injected
    for tree in trees.values():
        # Semgrep's default ignore list skips tests/, build/ ... (40 of the 50 injected
        # files, 3,834 of large+50's 6,154): an empty one makes it read what the others read
        (tree / ".semgrepignore").touch()

    needles_file = cache / "needles.txt"
    fragments = needles()
    needles_file.write_text("\n".join(fragments) + "\n", encoding="utf-8")
    rules_file = cache / "semgrep.yaml"
    rules_file.write_text(semgrep_rules(fragments), encoding="utf-8")

    rg = shutil.which("rg")
    semgrep = None if args.no_semgrep else find_semgrep(cache)
    scan_command = [sys.executable, "-m", "audit", "-q", "scan"]
    result_cache = cache / "result-cache"
    shutil.rmtree(result_cache, ignore_errors=True)
    tools: dict[str, list[str]] = {
        "cancel-audit": [*scan_command, "--no-cache"],
        # a re-scan of the unchanged tree: the first run (not timed) fills the cache
        "cancel-audit, cached": [*scan_command, "--cache-dir", str(result_cache)],
    }
    if rg:
        tools["rg"] = [rg, "-l", "-tpy", "-F", "-f", str(needles_file)]
    if semgrep:
        for tool, config in zip(SEMGREP_TOOLS, (rules_file, args.semgrep_config)):
            tools[tool] = [
                semgrep, "scan", "--config", str(config), "--metrics", "off",
                "--disable-version-check", "--quiet", "--jobs", str(os.cpu_count() or 1),
            ]  # fmt: skip

    versions = {
        "cancel-audit": tool_version([sys.executable, "-m", "audit", "--version"]),
        "rg": tool_version([rg, "--version"]) if rg else "not found",
        "semgrep": tool_version([semgrep, "--version"]) if semgrep else "not run",
    }
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; runs: {args.runs}")
    for tool, version in versions.items():
        print(f"- {tool}: {version}")
    print()
    semgreps = [tool for tool in SEMGREP_TOOLS if tool in tools]
    ratios = "".join(f" {tool} / tool |" for tool in semgreps)
    print(f"| tree | files | MB | tool | median s | x rg |{ratios} peak RSS MB |")
    print("| --- | ---: | ---: | --- | ---: | ---: |" + " ---: |" * len(semgreps) + " ---: |")
    for name, tree in trees.items():
        files, megabytes = tree_size(tree)
        run_once([*tools["cancel-audit, cached"], str(tree)])  # fill the cache
        timings = {
            tool: measure([*command, str(tree)], args.runs) for tool, command in tools.items()
        }
        for tool, (seconds, rss) in timings.items():
            vs_rg = f"{seconds / timings['rg'][0]:.1f}" if "rg" in timings else "-"
            vs_semgrep = "".join(f" {timings[s][0] / seconds:.1f} |" for s in semgreps)
            print(
                f"| {name} | {files:,} | {megabytes:.0f} | {tool} | {seconds:.2f} | {vs_rg} "
                f"|{vs_semgrep} {rss:.0f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
