"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of Code Climate-style issues. GitLab needs ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location.path`` + ``location.lines.begin``; the
fingerprint is ours, so it does not change when lines move. Baselined findings are
accepted debt and are left out; per-file errors are not code quality issues and show in
the job log (text output) or the SARIF/JUnit reports instead.

Severity: an ``error`` in the ``blocking`` category (it stops the migration) is
``blocker``, any other ``error`` is ``major``, ``warning`` is ``minor``, ``info`` is ``info``.
"""

from __future__ import annotations

import json
from typing import Any

from audit.findings import Finding, ScanResult
from audit.render_context import RenderContext

_SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def gitlab_severity(finding: Finding) -> str:
    if finding.severity == "error" and finding.category == "blocking":
        return "blocker"
    return _SEVERITIES[finding.severity]


def issue(finding: Finding) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": "cancel-audit",
        "check_name": finding.rule,
        "description": f"{finding.rule}: {finding.message}",
        "categories": ["Bug Risk"],
        "fingerprint": finding.fingerprint,
        "severity": gitlab_severity(finding),
        "location": {
            "path": finding.path,
            "lines": {"begin": finding.line, "end": finding.end_line},
        },
    }


def render(result: ScanResult, context: RenderContext) -> str:
    issues = [issue(f) for f in result.findings if f.status == "new"]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
