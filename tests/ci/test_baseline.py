"""``baseline write`` and ``scan --baseline``: file format, accounting, exit statuses."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Optional

import pytest
from ci_helpers import BROKEN, CANCELS, invoke, write

from audit.baseline import BaselineError, loads

BASELINE = ".cancel-audit-baseline.json"
NEW_REJECT = (
    "# shop_cipher\n\n\ndef refuse(client, cancel_id):\n    client.reject_cancellation(cancel_id)\n"
)
NEW_SHIP = "# shop_cipher\n\n\ndef ship(client, package_id):\n    client.ship_package(package_id)\n"


def _scan_json(*args: str) -> tuple[int, dict]:
    result = invoke("scan", ".", "--format", "json", "--baseline", BASELINE, *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def test_write_produces_the_documented_format(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    write(project, "shop/jobs.py", NEW_SHIP)
    result = invoke("baseline", "write")
    assert result.exit_code == 0, result.output
    assert "Wrote 4 findings in 2 files to .cancel-audit-baseline.json." in result.output

    data = json.loads((project / BASELINE).read_text(encoding="utf-8"))
    assert set(data) == {"version", "tool", "created", "findings"}
    assert data["version"] == 1
    assert data["tool"] == "cancel-audit"
    assert datetime.fromisoformat(data["created"]).tzinfo is not None
    assert all(set(e) == {"fingerprint", "rule", "path", "message"} for e in data["findings"])
    keys = [(e["path"], e["rule"]) for e in data["findings"]]
    assert keys == [
        ("shop/cancels.py", "CA101"),
        ("shop/cancels.py", "CA201"),
        ("shop/cancels.py", "CA401"),
        ("shop/jobs.py", "CA401"),
    ]
    assert not list(project.glob(".*.tmp")), "the atomic write left a temp file"


def test_write_refuses_to_overwrite_without_force(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    write(project, BASELINE, "keep me")
    result = invoke("baseline", "write")
    assert result.exit_code == 2
    assert "already exists; pass --force to overwrite it" in result.output
    assert (project / BASELINE).read_text() == "keep me"

    result = invoke("baseline", "write", "--force")
    assert result.exit_code == 0, result.output
    assert len(json.loads((project / BASELINE).read_text())["findings"]) == 3


def test_write_to_another_file_with_scan_options(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    write(project, "vendor/sdk.py", NEW_REJECT)
    result = invoke(
        "baseline", "write", ".", "-o", "ci/base.json", "--select", "CA101", "--exclude", "vendor/"
    )
    assert result.exit_code == 2, "the folder of -o must exist"
    (project / "ci").mkdir()
    result = invoke(
        "baseline", "write", ".", "-o", "ci/base.json", "--select", "CA101", "--exclude", "vendor/"
    )
    assert result.exit_code == 0, result.output
    data = json.loads((project / "ci/base.json").read_text())
    assert [(e["rule"], e["path"]) for e in data["findings"]] == [("CA101", "shop/cancels.py")]


def test_write_reports_files_it_could_not_scan(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    write(project, "shop/broken.py", BROKEN)
    result = invoke("baseline", "write")
    assert result.exit_code == 1
    assert "shop/broken.py: error: syntax error" in result.output
    assert "1 file could not be scanned" in result.output
    assert (project / BASELINE).exists()
    assert invoke("baseline", "write", "--force", "--ignore-errors").exit_code == 0


def test_new_baselined_and_fixed_accounting(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    write(project, "shop/jobs.py", NEW_SHIP)
    assert invoke("baseline", "write").exit_code == 0
    baseline = json.loads((project / BASELINE).read_text())
    removed = {e["fingerprint"] for e in baseline["findings"] if e["path"] == "shop/jobs.py"}

    (project / "shop/jobs.py").unlink()  # its CA401 is fixed
    write(project, "shop/refunds.py", NEW_REJECT)  # a new CA101
    status, data = _scan_json()
    assert status == 1
    by_status = {(f["path"], f["rule"]): f["status"] for f in data["findings"]}
    assert by_status == {
        ("shop/cancels.py", "CA101"): "baselined",
        ("shop/cancels.py", "CA201"): "baselined",
        ("shop/cancels.py", "CA401"): "baselined",
        ("shop/refunds.py", "CA101"): "new",
    }
    assert set(data["fixed"]) == removed
    assert data["summary"]["new"] == 1
    assert data["summary"]["baselined"] == 3
    assert data["summary"]["fixed"] == 1


def test_exit_status_counts_only_new_findings(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    assert invoke("baseline", "write").exit_code == 0
    # Without the baseline the CA101 error fails the gate; with it nothing is new.
    assert invoke("scan", ".").exit_code == 1
    assert invoke("scan", ".", "--baseline", BASELINE).exit_code == 0
    assert invoke("scan", ".", "--baseline", BASELINE, "--fail-on", "info").exit_code == 0

    write(project, "shop/jobs.py", NEW_SHIP)  # a new warning
    assert invoke("scan", ".", "--baseline", BASELINE, "--fail-on", "error").exit_code == 0
    assert invoke("scan", ".", "--baseline", BASELINE, "--fail-on", "warning").exit_code == 1
    text = invoke("scan", ".", "--baseline", BASELINE).output
    assert "3 baselined, 0 fixed since the baseline" in text


def test_a_partial_scan_does_not_call_unscanned_entries_fixed(project: Path) -> None:
    write(project, "shop/cancels.py", CANCELS)
    write(project, "jobs/ship.py", NEW_SHIP)
    assert invoke("baseline", "write").exit_code == 0
    result = invoke("scan", "jobs", "--format", "json", "--baseline", BASELINE)
    data = json.loads(result.output)
    assert [f["status"] for f in data["findings"]] == ["baselined"]
    assert data["fixed"] == []
    result = invoke("scan", ".", "--format", "json", "--baseline", BASELINE, "--select", "CA101")
    assert json.loads(result.output)["fixed"] == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "baseline file .cancel-audit-baseline.json does not exist"),
        ("{not json", "is not valid JSON (line 1"),
        ('{"version": 2, "tool": "cancel-audit", "findings": []}', "has version 2"),
        ("[]", "is not a cancel-audit baseline file"),
        ('{"version": 1, "tool": "cancel-audit", "findings": [{"rule": "CA101"}]}', "findings[0]"),
    ],
)
def test_unusable_baselines_exit_2_with_one_sentence(
    project: Path, content: Optional[str], expected: str
) -> None:
    write(project, "shop/cancels.py", CANCELS)
    if content is not None:
        write(project, BASELINE, content)
    result = invoke("scan", ".", "--baseline", BASELINE)
    assert result.exit_code == 2
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1
    assert expected in error_lines[0]
    assert "Traceback" not in result.output


def test_loads_round_trips_and_checks_entries() -> None:
    text = json.dumps(
        {
            "version": 1,
            "tool": "cancel-audit",
            "created": "2024-03-01T00:00:00+00:00",
            "findings": [{"fingerprint": "abc", "rule": "CA101", "path": "a.py", "message": "m"}],
        }
    )
    baseline = loads(text, "b.json")
    assert baseline.fingerprints() == frozenset({"abc"})
    assert baseline.created == "2024-03-01T00:00:00+00:00"
    with pytest.raises(BaselineError, match="no fingerprint string"):
        loads(text.replace('"abc"', "17"), "b.json")


def test_a_baseline_applies_from_any_working_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = project / "repo"
    write(repo, "shop/cancels.py", CANCELS)
    write(repo, "shop/jobs.py", NEW_SHIP)
    (repo / ".git").mkdir()  # the project's root, wherever the scan runs from
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    baseline = project / "baseline.json"
    monkeypatch.chdir(elsewhere)
    assert invoke("baseline", "write", "../repo", "-o", str(baseline)).exit_code == 0
    (repo / "shop" / "jobs.py").write_text("# nothing to ship any more\n", encoding="utf-8")

    for cwd, target in [
        (elsewhere, "../repo"),  # relative, outside the working directory
        (project, "repo"),  # relative, inside it
        (repo, "."),  # the project root itself
        (repo / "shop", str(repo)),  # absolute, from a subfolder
    ]:
        monkeypatch.chdir(cwd)
        result = invoke("scan", target, "--format", "json", "--baseline", str(baseline))
        data = json.loads(result.output)
        assert data["summary"]["new"] == 0, (cwd, target)
        assert data["summary"]["baselined"] == 3, (cwd, target)
        assert len(data["fixed"]) == 1, (cwd, target)  # the CA401 in jobs.py went
