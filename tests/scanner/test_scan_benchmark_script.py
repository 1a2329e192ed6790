"""The benchmark script still runs (a smoke test, not a timing)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_scan.py"


def test_bench_scan_runs_on_a_synthetic_tree(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_scan", SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_scan"] = bench
    try:
        spec.loader.exec_module(bench)
        assert bench.main(["--synthetic", "3", "--runs", "1", "--no-startup"]) == 0
    finally:
        del sys.modules["bench_scan"]

    out = capsys.readouterr().out
    assert "files              3 Python files" in out
    # Every copy of the integrator module is parsed and has findings.
    parsed = re.search(r"(\d+) candidates parsed, (\d+) findings", out)
    assert parsed is not None and parsed.group(1) == "3" and int(parsed.group(2)) >= 3
    for label in ("scan (median of 1)", "open().read() only", "read + prefilter", "files/s"):
        assert label in out
