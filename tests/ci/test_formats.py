"""The shape of the GitHub, GitLab and JUnit outputs."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ci_helpers import BROKEN, CANCELS, CLEAN, context, invoke, write

from audit.findings import FileError, Finding, ScanResult
from audit.output import github, gitlab, junit
from cancel_audit_cli.commands.formats import FORMATS

ANNOTATION = re.compile(
    r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$"
)


def _finding(**changes: object) -> Finding:
    base = Finding(
        rule="CA101",
        severity="error",
        category="blocking",
        path="shop/cancel.py",
        line=7,
        column=12,
        end_line=7,
        end_column=43,
        message="Reject Cancellation is retired.",
        snippet="    return client.reject_cancellation(cid)",
        confidence="high",
        fix="safe",
        matched="client.reject_cancellation(cid)",
        endpoint="reject_cancellation",
        fingerprint="0123456789abcdef0123",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_the_four_formats_are_registered() -> None:
    assert {"sarif", "junit", "github", "gitlab"} <= set(FORMATS)


# --- GitHub -----------------------------------------------------------------------------


def test_github_escaping_follows_the_runner() -> None:
    assert github.escape_data("100% done\r\nnext, a:b") == "100%25 done%0D%0Anext, a:b"
    assert github.escape_property("a,b:c%d\r\n") == "a%2Cb%3Ac%25d%0D%0A"


def test_github_annotation_line() -> None:
    finding = _finding(path="odd,dir/a:b.py", message="50% of\nyour calls, sadly")
    assert github.annotation(finding) == (
        "::error file=odd%2Cdir/a%3Ab.py,line=7,col=12,endLine=7,endColumn=43,title=CA101"
        "::50%25 of%0Ayour calls, sadly"
    )
    assert github.annotation(_finding(severity="warning")).startswith("::warning ")
    assert github.annotation(_finding(severity="info")).startswith("::notice ")


def test_github_format_annotates_new_findings_and_failed_files(project: Path) -> None:
    write(project, "shop/cancel.py", CANCELS)
    write(project, "shop/broken.py", BROKEN)
    result = invoke("scan", ".", "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    annotations = [ANNOTATION.match(line) for line in lines if line.startswith("::")]
    assert all(annotations), lines
    kinds = sorted(
        (m.group(1), dict(p.split("=", 1) for p in m.group(2).split(",")).get("title", ""))
        for m in annotations
        if m
    )
    assert kinds == [
        ("error", "CA101"),
        ("error", "cancel-audit"),
        ("warning", "CA201"),
        ("warning", "CA401"),
    ]
    assert lines[-1].startswith("cancel-audit: 3 new findings;")


def test_github_format_skips_baselined_findings() -> None:
    result = ScanResult(
        findings=(_finding(status="baselined"), _finding(fingerprint="f2", line=9, end_line=9)),
        baseline_path="",
        fixed=("gone",),
    )
    lines = github.render(result, context()).splitlines()
    assert [line for line in lines if line.startswith("::")] == [
        github.annotation(_finding(fingerprint="f2", line=9, end_line=9))
    ]
    assert "1 new finding, 1 baselined, 1 fixed since the baseline" in lines[-1]
    assert github.render(ScanResult(), context(quiet=True)) == ""


# --- GitLab -----------------------------------------------------------------------------


def test_gitlab_code_quality_fields(project: Path) -> None:
    write(project, "shop/cancel.py", CANCELS)
    gl = invoke("scan", ".", "--format", "gitlab")
    data = json.loads(invoke("scan", ".", "--format", "json").output)
    issues = json.loads(gl.output)
    assert gl.exit_code == 1
    assert isinstance(issues, list)
    assert len(issues) == 3
    fingerprints = {f["rule"]: f["fingerprint"] for f in data["findings"]}
    lines = {f["rule"]: f["line"] for f in data["findings"]}
    for issue in issues:
        rule = issue["check_name"]
        assert issue["fingerprint"] == fingerprints[rule]
        assert issue["description"].startswith(f"{rule}: ")
        assert issue["location"]["path"] == "shop/cancel.py"
        assert issue["location"]["lines"]["begin"] == lines[rule]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
    severity = {i["check_name"]: i["severity"] for i in issues}
    assert severity == {"CA101": "blocker", "CA201": "minor", "CA401": "minor"}


def test_gitlab_severity_mapping_and_baselined_findings() -> None:
    assert gitlab.gitlab_severity(_finding()) == "blocker"
    assert gitlab.gitlab_severity(_finding(category="risk")) == "major"
    assert gitlab.gitlab_severity(_finding(severity="warning")) == "minor"
    assert gitlab.gitlab_severity(_finding(severity="info", category="adopt")) == "info"
    result = ScanResult(findings=(_finding(status="baselined"),))
    assert json.loads(gitlab.render(result, context())) == []


# --- JUnit ------------------------------------------------------------------------------


def _junit(result: ScanResult) -> ET.Element:
    text = junit.render(result, context())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_junit_one_testcase_per_rule_and_file(project: Path) -> None:
    write(project, "shop/cancel.py", CANCELS)
    write(project, "shop/again.py", "# shop_cipher\nclient.reject_cancellation(1)\n")
    write(project, "shop/broken.py", BROKEN)
    assert invoke("scan", ".", "--output", "junit:junit.xml").exit_code == 1
    root = ET.parse(project / "junit.xml").getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert keys == [
        ("CA101", "shop/again.py"),
        ("CA101", "shop/cancel.py"),
        ("CA201", "shop/cancel.py"),
        ("CA401", "shop/cancel.py"),
        ("cancel-audit", "shop/broken.py"),
    ]
    assert suite.get("tests") == "5"
    assert suite.get("failures") == "4"
    assert suite.get("errors") == "1"
    assert root.get("failures") == "4"
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("type") == "error"
    assert failure.get("message", "").startswith("1 new finding: Reject Cancellation")
    assert "shop/cancel.py:7:12: error: Reject Cancellation" in (failure.text or "")
    assert "client.reject_cancellation(cid)" in (failure.text or "")
    error = cases[4].find("error")
    assert error is not None
    assert "syntax error" in error.get("message", "")
    assert suite.find("properties/property[@name='cancel-audit.version']") is not None


def test_junit_passes_with_a_summary_when_nothing_is_found(project: Path) -> None:
    write(project, "clean.py", CLEAN)
    assert invoke("scan", ".", "--output", "junit:junit.xml").exit_code == 0
    root = ET.parse(project / "junit.xml").getroot()
    (case,) = root.iter("testcase")
    assert (case.get("classname"), case.get("name")) == ("cancel-audit", "scan")
    assert case.find("failure") is None
    assert "No findings" in (case.findtext("system-out") or "")
    assert root.get("tests") == "1"
    assert root.get("failures") == "0"


def test_junit_baselined_findings_are_skipped_or_listed_beside_failures() -> None:
    old = _finding(status="baselined")
    new = _finding(line=20, end_line=20, fingerprint="other")
    shipped = _finding(rule="CA401", severity="warning", status="baselined", fingerprint="s")
    root = _junit(ScanResult(findings=(old, new, shipped)))
    cases = {c.get("classname"): c for c in root.iter("testcase")}
    assert set(cases) == {"CA101", "CA401"}  # a failure: no extra passing testcase
    failure = cases["CA101"].find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("1 new finding")
    assert ":20:" in (failure.text or "")
    assert ":7:" not in (failure.text or "")
    assert "[baselined]" in (cases["CA101"].findtext("system-out") or "")
    skipped = cases["CA401"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "1 baselined finding"
    assert root.get("skipped") == "1"

    only_old = _junit(ScanResult(findings=(old,)))
    names = [(c.get("classname"), c.get("name")) for c in only_old.iter("testcase")]
    assert names == [("CA101", "shop/cancel.py"), ("cancel-audit", "scan")]


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    nasty = _finding(
        message='use <ship> & "reject" ]]> no more',
        snippet="    x = '\x0c\x00' # <b>",
        path="a&b<c>.py",
    )
    error = FileError("bad\x01name.py", "cannot decode: byte 0xff & <more>")
    root = _junit(ScanResult(findings=(nasty,), errors=(error,)))
    failure = root.find(".//failure")
    assert failure is not None
    assert 'use <ship> & "reject" ]]> no more' in (failure.text or "")
    assert "\ufffd\ufffd" in (failure.text or "")
    assert root.find(".//testcase[@classname='CA101']").get("name") == "a&b<c>.py"  # type: ignore[union-attr]
    problem = root.find(".//error")
    assert problem is not None
    assert problem.get("message") == "cannot decode: byte 0xff & <more>"
