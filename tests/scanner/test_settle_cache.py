"""The settled fix stamps in the scan cache: the same stamps, no dry plan on an unchanged
re-scan, and a new plan whenever a file the plan read (or looked for) changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scan_helpers import invoke

import codemods.agreement as agreement
from audit.cache import DATABASE
from audit.config import Config
from audit.findings import ScanResult
from audit.replacement import Replacement
from audit.scanner import ScanOptions, scan
from cancel_audit_cli.commands.settle import sarif_fixes, settle

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _stamps(result: ScanResult) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.path, f.line, f.fix) for f in result.findings]


def _settled(root: Path, cache: Path | None, config: Config | None = None) -> ScanResult:
    config = config or Config()
    return settle(scan(ScanOptions((root,), config, cache_dir=cache)), config, cache)


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the dry plans (each call records the first root it was run on)."""
    runs: list[Path] = []
    real = agreement.left_alone

    def counting(result: ScanResult, config: Config) -> frozenset[str]:
        runs.append(Path(result.roots[0]))
        return real(result, config)

    monkeypatch.setattr(agreement, "left_alone", counting)
    return runs


def _copy(name: str, tmp_path: Path) -> Path:
    copy = tmp_path / name
    shutil.copytree(EXAMPLES / name, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize("name", ["legacy_oms", "signed_sync_oms"])
def test_the_same_stamps_with_and_without_the_cache(tmp_path: Path, name: str) -> None:
    root = _copy(name, tmp_path)
    unsettled = scan(ScanOptions((root,), Config()))
    uncached = _settled(root, None)
    first = _settled(root, tmp_path / "cache")
    second = _settled(root, tmp_path / "cache")
    assert _stamps(uncached) == _stamps(first) == _stamps(second)
    assert uncached.findings == second.findings
    if name == "signed_sync_oms":  # the plan does change a stamp here: it is kept too
        assert _stamps(unsettled) != _stamps(second)


def test_an_unchanged_rescan_runs_no_plan(tmp_path: Path, plans: list[Path]) -> None:
    root = _copy("signed_sync_oms", tmp_path)
    _settled(root, tmp_path / "cache")
    assert len(plans) == 1
    _settled(root, tmp_path / "cache")
    _settled(root, tmp_path / "cache")
    assert len(plans) == 1
    _settled(root, None)  # no cache: always planned
    assert len(plans) == 2


def test_no_cache_on_the_command_line_plans_every_time(
    project: Path, tmp_path: Path, plans: list[Path]
) -> None:
    shutil.copytree(EXAMPLES / "signed_sync_oms", project, dirs_exist_ok=True)
    cache = tmp_path / "cli-cache"
    invoke("scan", "--cache-dir", str(cache), ".")
    invoke("scan", "--cache-dir", str(cache), ".")
    assert len(plans) == 1
    invoke("scan", "--no-cache", ".")
    invoke("scan", "--no-cache", ".")
    assert len(plans) == 3


def test_a_changed_file_the_plan_read_plans_again(tmp_path: Path, plans: list[Path]) -> None:
    root = _copy("signed_sync_oms", tmp_path)
    cache = tmp_path / "cache"
    before = scan(ScanOptions((root,), Config()))
    _settled(root, cache)
    # config.py holds no finding: only the ship options the plan reads from it change
    config = root / "harbor_oms" / "config.py"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'HANDOVER_METHOD = "PICKUP"', 'HANDOVER_METHOD = os.environ.get("HANDOVER")'
        ),
        encoding="utf-8",
    )
    after = scan(ScanOptions((root,), Config()))
    assert (after.findings, after.inventory) == (before.findings, before.inventory)
    settled = _settled(root, cache)
    assert len(plans) == 2
    assert _stamps(settled) == _stamps(_settled(root, None))

    client = root / "harbor_oms" / "tiktok" / "client.py"  # a file with findings
    client.write_text(client.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _settled(root, cache)
    assert len(plans) == 4  # the uncached run above, and this one


def test_a_new_file_the_plan_looked_for_plans_again(tmp_path: Path, plans: list[Path]) -> None:
    """The helper module the rewrites would import appears (excluded from the scan, so
    the scan result is the same): the findings whose rewrite needs it turn manual."""
    root = _copy("signed_sync_oms", tmp_path)
    cache = tmp_path / "cache"
    config = Config(exclude=("ship_to_reject.py",))
    first = _settled(root, cache, config)
    assert "safe" in {fix for *_, fix in _stamps(first)}
    (root / "harbor_oms" / "ship_to_reject.py").write_text("# ours, not cancel-audit's\n")
    again = _settled(root, cache, config)
    assert len(plans) == 2
    assert _stamps(again) == _stamps(_settled(root, None, config))
    assert _stamps(again) != _stamps(first)


def test_the_cache_keeps_one_settled_entry(tmp_path: Path) -> None:
    import sqlite3

    root = _copy("signed_sync_oms", tmp_path)
    _settled(root, tmp_path / "cache")
    _settled(root, tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / DATABASE) as db:
        kinds = dict(db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall())
    assert kinds["settled"] == 1


def test_sarif_fixes_come_from_the_cache_while_the_plan_inputs_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import codemods.sarif_fixes as planned

    runs: list[int] = []
    real = planned.sarif_fixes

    def counting(result: ScanResult, config: Config) -> dict[str, list[Replacement]]:
        runs.append(1)
        return real(result, config)

    monkeypatch.setattr(planned, "sarif_fixes", counting)
    root = _copy("signed_sync_oms", tmp_path)
    cache = tmp_path / "cache"

    def fixes(cache_dir: Path | None) -> dict[str, list[Replacement]]:
        config = Config()
        return sarif_fixes(_settled(root, cache_dir, config), config, cache_dir)

    uncached = fixes(None)
    assert uncached  # the example has safe rewrites: SARIF carries them
    assert fixes(cache) == fixes(cache) == uncached
    assert len(runs) == 2  # the uncached one and the first cached one

    client = root / "harbor_oms" / "tiktok" / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert fixes(cache) == fixes(None)
    assert len(runs) == 4
