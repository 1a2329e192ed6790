"""The per-file result cache: same results, fewer reads, and never a failed scan."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scan_helpers import invoke, write

import audit.scanner as scanner
import audit.source as source
from audit.cache import DATABASE, stable_key
from audit.config import Config
from audit.markets import Markets
from audit.scanner import ScanOptions, scan

REJECT = 'client.reject_cancellation(cancel["cancel_id"])\n'
CONTEXT = 'BASE_URL = "https://open-api.tiktokglobalshop.com"\n\n\n'
OLD_NS = 1_600_000_000 * 10**9  # an mtime long before any cache entry


def _tree(root: Path, quiet_files: int = 20) -> Path:
    write(root, "jobs/cancel_worker.py", CONTEXT + "def run(client, cancel):\n    " + REJECT)
    for n in range(quiet_files):
        write(root, f"lib/util_{n}.py", f"def helper_{n}(x):\n    return x + {n}\n")
    for path in root.rglob("*.py"):  # old files: their stat may be trusted
        os.utime(path, ns=(OLD_NS, OLD_NS))
    return root


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every file the scan reads."""
    seen: list[Path] = []
    real = source.read_bytes

    def counting(path: Path) -> bytes:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(sys.modules["audit.file_reads"], "read_bytes", counting)
    return seen


def _visible(result: scanner.ScanResult) -> tuple[object, ...]:
    return (result.findings, result.inventory, result.errors, result.skipped, result.facts)


def test_a_rescan_reads_only_candidates_and_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _tree(tmp_path / "repo")
    options = ScanOptions((tree,), Config(), cache_dir=tmp_path / "cache")
    uncached = scan(ScanOptions((tree,), Config()))
    reads = _reads(monkeypatch)
    first = scan(options)
    assert {p.name for p in reads} == {p.name for p in tree.rglob("*.py")}
    reads.clear()
    second = scan(options)
    # the candidate is read again (its text feeds the project model); the 20 others not
    assert [p.name for p in reads] == ["cancel_worker.py"]
    assert _visible(uncached) == _visible(first) == _visible(second)
    assert [f.rule for f in second.findings] == ["CA101"]


def test_a_changed_file_is_scanned_again(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo")
    options = ScanOptions((tree,), Config(), cache_dir=tmp_path / "cache")
    assert [f.path for f in scan(options).findings] == ["jobs/cancel_worker.py"]
    quiet = tree / "lib" / "util_3.py"
    quiet.write_text(CONTEXT + "def helper_3(client, cancel):\n    " + REJECT, encoding="utf-8")
    os.utime(quiet, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    paths = sorted(f.path for f in scan(options).findings)
    assert paths == ["jobs/cancel_worker.py", "lib/util_3.py"]


def test_a_file_rewritten_within_the_clock_tick_is_not_trusted(tmp_path: Path) -> None:
    # same size and mtime as when it was hashed, and hashed right after it was written:
    # its stat cannot tell whether it changed again, so it is read
    tree = tmp_path / "repo"
    write(tree, "jobs/context.py", CONTEXT)
    reject = "client.reject_cancellation(cid)\n"
    quiet = write(tree, "lib/util.py", "#" * (len(reject) - 1) + "\n")
    options = ScanOptions((tree,), Config(), cache_dir=tmp_path / "cache")
    assert scan(options).findings == ()
    stat = quiet.stat()
    quiet.write_text(reject)
    assert quiet.stat().st_size == stat.st_size
    os.utime(quiet, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [f.rule for f in scan(options).findings] == ["CA101"]


def test_outcomes_depend_on_the_config(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=1)
    cache = tmp_path / "cache"
    assert [f.rule for f in scan(ScanOptions((tree,), Config(), cache_dir=cache)).findings] == [
        "CA101"
    ]
    uk_only = Config(markets=Markets(("UK",)))
    expected = scan(ScanOptions((tree,), uk_only)).findings
    assert scan(ScanOptions((tree,), uk_only, cache_dir=cache)).findings == expected


def test_damaged_entries_are_recomputed_and_written_again(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=2)
    cache = tmp_path / "cache"
    options = ScanOptions((tree,), Config(), cache_dir=cache)
    expected = _visible(scan(options))
    with sqlite3.connect(cache / DATABASE) as db:
        db.execute("UPDATE entries SET value = x'00ff'")
    assert _visible(scan(options)) == expected
    with sqlite3.connect(cache / DATABASE) as db:
        values = [row[0] for row in db.execute("SELECT value FROM entries")]
    assert values and all(v != b"\x00\xff" for v in values)


def test_a_cache_file_that_is_no_database_is_replaced(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=1)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DATABASE).write_bytes(b"not sqlite at all\x00" * 100)
    warnings: list[str] = []
    result = scan(ScanOptions((tree,), Config(), cache_dir=cache), warn=warnings.append)
    assert [f.rule for f in result.findings] == ["CA101"] and warnings == []
    with sqlite3.connect(cache / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] > 0


def test_an_unusable_cache_folder_warns_once_and_scans(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=1)
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way\n")
    warnings: list[str] = []
    result = scan(ScanOptions((tree,), Config(), cache_dir=blocker / "cache"), warn=warnings.append)
    assert [f.rule for f in result.findings] == ["CA101"]
    assert len(warnings) == 1 and "scanning without it" in warnings[0]


def test_stable_keys_do_not_depend_on_hash_randomisation() -> None:
    code = (
        "from audit.cache import stable_key;"
        "print(stable_key({'b': {1, 'x', ('t', frozenset({'p', 'q'}))}, 'a': [None, 2.5]}))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
    with pytest.raises(TypeError):
        stable_key(object())


def test_the_cli_uses_the_cache_and_no_cache_leaves_none(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=3)
    cache = tmp_path / "cache"
    first = invoke("scan", str(tree), "--format", "json", "--cache-dir", str(cache))
    second = invoke("scan", str(tree), "--format", "json", "--cache-dir", str(cache))
    assert first.exit_code == second.exit_code == 1
    assert json.loads(first.stdout)["findings"] == json.loads(second.stdout)["findings"]
    assert (cache / DATABASE).is_file()
    other = tmp_path / "unused"
    assert invoke("scan", str(tree), "--no-cache", "--cache-dir", str(other)).exit_code == 1
    assert not other.exists()
    cleared = invoke("cache", "clear", "--cache-dir", str(cache))
    assert cleared.exit_code == 0 and "cleared" in cleared.stdout
    assert not (cache / DATABASE).exists()
    assert "no cache" in invoke("cache", "clear", "--cache-dir", str(cache)).stdout


def test_concurrent_runs_share_a_cache(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=30)
    cache = tmp_path / "cache"
    command = [
        sys.executable, "-m", "audit", "-q", "scan", str(tree), "--format", "json",
        "--cache-dir", str(cache),
    ]  # fmt: skip
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1, 1]
    findings = [json.loads(out)["findings"] for out in outputs]
    assert all(f == findings[0] for f in findings) and len(findings[0]) == 1


def test_a_busy_database_keeps_nothing_but_the_scan_succeeds(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "repo", quiet_files=1)
    cache = tmp_path / "cache"
    scan(ScanOptions((tree,), Config(), cache_dir=cache))
    write(tree, "lib/new.py", "def new(): ...\n")  # this run has something to store
    holder = sqlite3.connect(cache / DATABASE, timeout=0, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("DELETE FROM stats WHERE path = ''")  # holds the write lock
    try:
        warnings: list[str] = []
        start = time.monotonic()
        result = scan(ScanOptions((tree,), Config(), cache_dir=cache), warn=warnings.append)
        assert [f.rule for f in result.findings] == ["CA101"]
        assert time.monotonic() - start < 30
        assert len(warnings) == 1 and "locked" in warnings[0], warnings
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with sqlite3.connect(cache / DATABASE) as db:  # the locked database was not replaced
        assert db.execute("SELECT count(*) FROM stats").fetchone()[0] > 0
