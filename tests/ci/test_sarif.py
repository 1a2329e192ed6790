"""SARIF 2.1.0 output, validated against the official OASIS schema."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from ci_helpers import BROKEN, CANCELS, CLEAN, context, invoke, validate_sarif, write

from audit.catalog import load_catalog
from audit.output.sarif import FINGERPRINT_KEY, render
from audit.replacement import Replacement
from audit.scanner import ScanOptions, scan


def _sarif(*args: str) -> dict:
    result = invoke("scan", ".", "--format", "sarif", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_the_validator_rejects_a_broken_log() -> None:
    # The schema check below is only worth something if it can fail.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}
    with pytest.raises(AssertionError, match="name"):
        validate_sarif(bad)


def test_sarif_validates_and_describes_every_rule(project: Path) -> None:
    write(project, "shop/cancel.py", CANCELS)
    write(project, "shop/broken.py", BROKEN)
    write(project, "shop/clean.py", CLEAN)
    log = _sarif()
    validate_sarif(log)

    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cancel-audit"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    catalog = load_catalog()
    assert [r["id"] for r in driver["rules"]] == sorted(catalog.rules)
    ca101 = next(r for r in driver["rules"] if r["id"] == "CA101")
    assert ca101["name"] == "reject-cancellation-call"
    assert ca101["helpUri"].endswith("#ca101")
    assert ca101["defaultConfiguration"]["level"] == "error"
    assert ca101["fullDescription"]["text"] == catalog.rules["CA101"].why
    assert "## Use instead" in ca101["help"]["markdown"]
    assert "client.ship_package" in ca101["help"]["markdown"]
    assert ca101["properties"]["category"] == "blocking"
    assert "blocking" in ca101["properties"]["tags"]
    info_rule = next(r for r in driver["rules"] if r["id"] == "CA301")
    assert info_rule["defaultConfiguration"]["level"] == "note"

    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"CA101", "CA201", "CA401"}
    for item in results:
        assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"]
        assert "baselineState" not in item
        # The scan carries `cancel-audit fix`'s safe rewrites; CA401 has none.
        assert "fixes" not in item or item["ruleId"] in {"CA101", "CA201"}
        assert len(item["partialFingerprints"][FINGERPRINT_KEY]) == 20
    reject = next(r for r in results if r["ruleId"] == "CA101")
    assert reject["level"] == "error"
    location = reject["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "shop/cancel.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 7
    assert location["region"]["startColumn"] == 12
    assert location["region"]["endColumn"] == 12 + len("client.reject_cancellation(cid)")
    assert location["region"]["snippet"]["text"] == "    return client.reject_cancellation(cid)"
    assert reject["properties"] == {
        "confidence": "high",
        "category": "blocking",
        "fix": "manual",  # no client here can read an order and ship it
        "severity": "error",
        "endpoint": "reject_cancellation",
        "language": "python",
    }
    assert next(r for r in results if r["ruleId"] == "CA401")["level"] == "warning"

    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "shop/broken.py"
    assert "syntax error" in note["message"]["text"]


def test_sarif_with_a_baseline_marks_new_and_unchanged(project: Path) -> None:
    write(project, "cancel.py", CANCELS)
    assert invoke("baseline", "write").exit_code == 0
    write(project, "more.py", "# shop_cipher\nclient.reject_cancellation(other_id)\n")
    log = _sarif("--baseline", ".cancel-audit-baseline.json")
    validate_sarif(log)
    results = log["runs"][0]["results"]
    states = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r[
            "baselineState"
        ]
        for r in results
    }
    assert states == {
        ("cancel.py", "CA101"): "unchanged",
        ("cancel.py", "CA201"): "unchanged",
        ("cancel.py", "CA401"): "unchanged",
        ("more.py", "CA101"): "new",
    }
    assert log["runs"][0]["properties"]["baseline"]["fixedFingerprints"] == []


def test_sarif_lists_fixed_fingerprints_in_run_properties(project: Path) -> None:
    write(project, "cancel.py", CANCELS)
    assert invoke("baseline", "write").exit_code == 0
    baseline = json.loads((project / ".cancel-audit-baseline.json").read_text())
    gone = next(e["fingerprint"] for e in baseline["findings"] if e["rule"] == "CA101")
    write(project, "cancel.py", CANCELS.replace("return client.reject_cancellation(cid)", "pass"))
    log = _sarif("--baseline", ".cancel-audit-baseline.json")
    validate_sarif(log)
    assert log["runs"][0]["properties"]["baseline"]["fixedFingerprints"] == [gone]


def test_fixes_hook_adds_sarif_fixes_only_where_given(project: Path) -> None:
    write(project, "cancel.py", CANCELS)
    result = scan(ScanOptions((Path("."),)))
    reject = next(f for f in result.findings if f.rule == "CA101")
    handler = next(f for f in result.findings if f.rule == "CA201")
    fixes = {
        reject.fingerprint: [
            Replacement(reject.line, reject.column, reject.end_line, reject.end_column, "ship()")
        ],
        handler.fingerprint: [  # plain mappings work too; an empty region is an insertion
            {"start_line": 1, "start_column": 1, "end_line": 1, "end_column": 1, "text": "# x\n"},
            {"start_line": 14, "start_column": 9, "end_line": 15, "end_column": 1, "text": ""},
        ],
    }
    with_fixes = dataclasses.replace(result, fixes=fixes)
    log = json.loads(render(with_fixes, context()))
    validate_sarif(log)
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert "fixes" not in by_rule["CA401"]
    (fix,) = by_rule["CA101"]["fixes"]
    assert fix["description"]["text"] == load_catalog().rules["CA101"].fix.detail
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "cancel.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "startColumn": 12, "endLine": 7, "endColumn": 43},
            "insertedContent": {"text": "ship()"},
        }
    ]
    assert len(by_rule["CA201"]["fixes"][0]["artifactChanges"][0]["replacements"]) == 2


def test_paths_are_uri_encoded(project: Path) -> None:
    write(project, "odd dir/cancel #1.py", CANCELS)
    log = _sarif()
    validate_sarif(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"odd%20dir/cancel%20%231.py"}


def test_clean_scan_is_valid_sarif_with_no_results(project: Path) -> None:
    write(project, "clean.py", CLEAN)
    log = _sarif()
    validate_sarif(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []


def test_scan_writes_sarif_and_junit_side_outputs_and_gates(project: Path) -> None:
    write(project, "cancel.py", CANCELS)
    result = invoke(
        "scan",
        ".",
        "--fail-on",
        "error",
        "--output",
        "sarif:results.sarif",
        "--output",
        "junit:junit.xml",
    )
    assert result.exit_code == 1
    log = json.loads((project / "results.sarif").read_text(encoding="utf-8"))
    validate_sarif(log)
    assert len(log["runs"][0]["results"]) == 3
    assert (project / "junit.xml").read_text(encoding="utf-8").startswith("<?xml")


def test_configured_severity_shows_in_rule_level(project: Path) -> None:
    write(project, ".cancel-audit.yaml", "rules:\n  severity:\n    CA401: error\n")
    write(project, "cancel.py", CANCELS)
    log = _sarif()
    validate_sarif(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CA401"]["defaultConfiguration"]["level"] == "error"
