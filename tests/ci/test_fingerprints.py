"""Fingerprints survive unrelated edits, so baselines and SARIF alerts stay matched."""

from __future__ import annotations

import json
from pathlib import Path

from ci_helpers import CANCELS, invoke, write

from audit.scanner import ScanOptions, scan

UNRELATED = """

def format_address(address):
    return ", ".join(address)
"""


def _by_fingerprint() -> dict[str, tuple[str, int]]:
    result = scan(ScanOptions((Path("."),)))
    return {f.fingerprint: (f.rule, f.line) for f in result.findings}


def test_fingerprints_survive_inserted_lines_and_a_renamed_function(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS + UNRELATED)
    before = _by_fingerprint()
    assert {rule for rule, _ in before.values()} == {"CA101", "CA201", "CA401"}

    padding = "".join(f"# note {i}: the TikTok Shop client lives in shop/\n" for i in range(10))
    edited = padding + CANCELS + UNRELATED.replace("format_address", "render_address")
    write(project, "shop/cancels.py", edited)
    after = _by_fingerprint()

    assert set(after) == set(before)
    for fingerprint, (rule, line) in before.items():
        assert after[fingerprint] == (rule, line + 10)


def test_a_baseline_still_matches_after_the_edit(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS + UNRELATED)
    assert invoke("baseline", "write").exit_code == 0
    padding = "import logging\n" * 10
    write(project, "shop/cancels.py", padding + CANCELS + UNRELATED.replace("format_", "fmt_"))
    result = invoke("scan", ".", "--baseline", ".cancel-audit-baseline.json", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {f["status"] for f in data["findings"]} == {"baselined"}
    assert data["fixed"] == []


def test_changing_the_matched_code_or_the_path_changes_the_fingerprint(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    before = {rule: fp for fp, (rule, _) in _by_fingerprint().items()}
    write(
        project,
        "shop/cancels.py",
        CANCELS.replace("reject_cancellation(cid)", "reject_cancellation(c)"),
    )
    renamed_arg = {rule: fp for fp, (rule, _) in _by_fingerprint().items()}
    assert renamed_arg["CA101"] != before["CA101"]
    assert renamed_arg["CA401"] == before["CA401"]

    (project / "shop/cancels.py").rename(project / "shop/moved.py")
    moved = {rule: fp for fp, (rule, _) in _by_fingerprint().items()}
    assert moved["CA401"] != before["CA401"]


def test_identical_matches_get_distinct_fingerprints(project: Path) -> None:
    twice = CANCELS + "\n\ndef again(client, cid):\n    return client.reject_cancellation(cid)\n"
    write(project, "shop/cancels.py", twice)
    rejects = [fp for fp, (rule, _) in _by_fingerprint().items() if rule == "CA101"]
    assert len(rejects) == 2
