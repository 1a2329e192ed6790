"""``--format junit``: JUnit XML for CI test-report views (GitLab, Jenkins, Azure, ...).

One ``<testsuite>`` (inside ``<testsuites>``). One ``<testcase>`` per rule and file with
findings: ``classname`` is the rule id, ``name`` the file's path. It fails when any of
those findings is new and lists each one (``path:line:col: severity: message`` and the
code line); when all of them are baselined it is skipped. A file that could not be
scanned is a testcase with an ``<error>``. When nothing fails, a single passing
``cancel-audit``/``scan`` testcase carries the summary, so a CI view never shows an
empty report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from audit.findings import SEVERITY_RANK, Finding, ScanResult
from audit.render_context import RenderContext

# Characters XML 1.0 cannot carry even escaped (ElementTree writes them as they are).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _describe(finding: Finding) -> str:
    line = f"{finding.path}:{finding.line}:{finding.column}: {finding.severity}: {finding.message}"
    if finding.status != "new":
        line += f" [{finding.status}]"
    if finding.snippet:
        line += f"\n    {finding.snippet.strip()}"
    return line


def _testcase(
    parent: ET.Element, rule: str, path: str, findings: list[Finding], context: RenderContext
) -> str:
    """Add the testcase for one rule in one file; return its outcome."""
    case = ET.SubElement(parent, "testcase", classname=rule, name=_clean(path))
    new = [f for f in findings if f.status == "new"]
    known = context.catalog.rules.get(rule)
    summary = known.summary if known else rule
    if new:
        worst = max(new, key=lambda f: SEVERITY_RANK[f.severity]).severity
        failure = ET.SubElement(
            case,
            "failure",
            message=_clean(f"{_plural(len(new), 'new finding')}: {summary}"),
            type=worst,
        )
        failure.text = _clean("\n".join(_describe(f) for f in new)) + "\n"
        accepted = [f for f in findings if f.status != "new"]
        if accepted:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(_describe(f) for f in accepted)) + "\n"
        return "failure"
    ET.SubElement(case, "skipped", message=_clean(f"{_plural(len(findings), 'baselined finding')}"))
    return "skipped"


def to_junit(result: ScanResult, context: RenderContext) -> ET.Element:
    from audit.output.text import summary_line

    root = ET.Element("testsuites", name="cancel-audit")
    suite = ET.SubElement(root, "testsuite", name="cancel-audit")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="cancel-audit.version", value=context.tool_version)
    ET.SubElement(properties, "property", name="markets", value=",".join(result.markets))

    outcomes: list[str] = []
    by_rule_and_file = sorted(result.findings, key=lambda f: (f.rule, f.path, f.line, f.column))
    for (rule, path), group in groupby(by_rule_and_file, key=lambda f: (f.rule, f.path)):
        outcomes.append(_testcase(suite, rule, path, list(group), context))
    for error in result.errors:
        case = ET.SubElement(suite, "testcase", classname="cancel-audit", name=_clean(error.path))
        problem = ET.SubElement(case, "error", message=_clean(error.message), type="file-error")
        problem.text = _clean(f"{error.path}: {error.message}") + "\n"
        outcomes.append("error")
    if "failure" not in outcomes and "error" not in outcomes:
        case = ET.SubElement(suite, "testcase", classname="cancel-audit", name="scan")
        ET.SubElement(case, "system-out").text = _clean(summary_line(result)) + "\n"
        outcomes.append("pass")

    counts = {
        "tests": str(len(outcomes)),
        "failures": str(outcomes.count("failure")),
        "errors": str(outcomes.count("error")),
        "skipped": str(outcomes.count("skipped")),
    }
    for element in (root, suite):
        for key, value in counts.items():
            element.set(key, value)
    return root


def render(result: ScanResult, context: RenderContext) -> str:
    root = to_junit(result, context)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
