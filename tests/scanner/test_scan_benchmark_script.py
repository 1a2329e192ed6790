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


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, SCRIPT.with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_vs_tools_injects_the_same_findable_files(tmp_path: Path) -> None:
    """The injected TikTok Shop files are deterministic, and every one is a scan finding."""
    from audit.scanner import ScanOptions, scan

    bench = _load("bench_vs_tools")
    trees = []
    for name in ("a", "b"):
        tree = tmp_path / name
        (tree / "pkg" / "sub").mkdir(parents=True)
        written = bench.inject(tree, count=8, seed=7)
        trees.append({p.relative_to(tree): p.read_text(encoding="utf-8") for p in written})
    assert trees[0] == trees[1] and len(trees[0]) == 8
    result = scan(ScanOptions((tmp_path / "a",)))
    assert {Path(f.path).name for f in result.findings} == {p.name for p in trees[0]}


def test_bench_vs_tools_searches_for_the_prefilters_own_fragments() -> None:
    from audit.catalog import load_catalog
    from audit.prefilter import Prefilter

    bench = _load("bench_vs_tools")
    fragments = bench.needles()
    prefilter = Prefilter.from_catalog(load_catalog())
    assert [f.encode() for f in fragments] == list(prefilter.needles)
    rules = bench.semgrep_rules(["a'b", "x.y"])
    assert "pattern-regex: 'a''b|x\\.y'" in rules and "languages: [python]" in rules


def test_bench_vs_tools_ports_every_python_rule_to_semgrep() -> None:
    """benchmarks/semgrep_equivalent.yaml has one Python rule per detection rule."""
    import yaml

    from audit.catalog import load_catalog

    bench = _load("bench_vs_tools")
    document = yaml.safe_load(bench.EQUIVALENT_RULES.read_text(encoding="utf-8"))
    ported = {rule["id"] for rule in document["rules"]}
    detection = {rule for rule in load_catalog().rules if rule != "CA001"}  # meta
    assert ported == detection
    assert all(rule["languages"] == ["python"] for rule in document["rules"])
