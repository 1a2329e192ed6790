"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` lists every catalog rule; each result points at its rule
by id and index, carries the finding's fingerprint as ``partialFingerprints`` and, when a
baseline was used, a ``baselineState``. Paths are relative to ``%SRCROOT%``, the
directory the scanner made finding paths relative to.

Fixes hook: SARIF can carry the rewrite for a finding. A caller that knows rewrites (the
codemods) passes them as ``result.fixes``, a mapping of finding fingerprint to a list of
:class:`audit.replacement.Replacement` (or mappings with the same keys)::

    fixes = {finding.fingerprint: [Replacement(5, 5, 5, 36, "x")]}
    render(dataclasses.replace(result, fixes=fixes), context)

Each replacement deletes the region from (start_line, start_column) up to, not including,
(end_line, end_column) in the finding's file (or in ``path``, when the fix also touches
another file, such as a helper module it creates) and inserts ``text`` there; lines and
columns are 1-based code points, like findings. Without a hook no ``fixes`` are emitted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from audit.catalog import Rule
from audit.findings import FileError, Finding, ScanResult
from audit.render_context import RenderContext
from audit.replacement import Replacement, ReplacementLike

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "cancelAudit/v1"
FALLBACK_URL = "https://pypi.org/project/cancel-audit/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


@lru_cache(maxsize=1)
def project_url() -> str:
    """The project's home page from the installed package's metadata, if it names one."""
    from importlib import metadata

    try:
        urls = metadata.metadata("cancel-audit").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return FALLBACK_URL
    by_label: dict[str, str] = {}
    for entry in urls:
        label, _, url = str(entry).partition(",")
        by_label[label.strip().lower()] = url.strip()
    for label in ("homepage", "documentation", "repository", "source"):
        if by_label.get(label):
            return by_label[label]
    return FALLBACK_URL


def help_uri(rule: Rule) -> str:
    return f"{project_url().split('#')[0]}#{rule.id.lower()}"


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _artifact(path: str) -> dict[str, Any]:
    return {"uri": _uri(path), "uriBaseId": SRCROOT}


def srcroot_uri(result: ScanResult) -> str:
    """Where finding paths are relative to: what the scanner's discovery used."""
    from audit.discovery import common_display_root

    root = common_display_root([Path(r) for r in result.roots])
    uri = root.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    text = (
        f"{rule.summary}\n\n{rule.why}\n\nExample:\n{rule.example.rstrip()}\n\n"
        f"Use instead:\n{rule.instead.rstrip()}\n\nFix ({rule.fix.kind}): {rule.fix.detail}"
    )
    markdown = (
        f"{rule.summary}\n\n## Why\n\n{rule.why}\n\n## Example\n\n{_fenced(rule.example)}\n\n"
        f"## Use instead\n\n{_fenced(rule.instead)}\n\n"
        f"## Fix\n\n**{rule.fix.kind}**: {rule.fix.detail}"
    )
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": text, "markdown": markdown},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "category": rule.category,
            "tags": ["tiktok-shop", "cancel-audit", rule.category],
            "fix": rule.fix.kind,
        },
    }


def _replacement(item: ReplacementLike) -> Replacement:
    if isinstance(item, Replacement):
        return item
    return Replacement(
        int(item["start_line"]),
        int(item["start_column"]),
        int(item["end_line"]),
        int(item["end_column"]),
        str(item["text"]),
        item.get("path"),
    )


def _fix(finding: Finding, items: Sequence[ReplacementLike], description: str) -> dict[str, Any]:
    by_path: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        edit = _replacement(item)
        by_path.setdefault(edit.path or finding.path, []).append(
            {
                "deletedRegion": {
                    "startLine": edit.start_line,
                    "startColumn": edit.start_column,
                    "endLine": edit.end_line,
                    "endColumn": edit.end_column,
                },
                "insertedContent": {"text": edit.text},
            }
        )
    return {
        "description": {"text": description},
        "artifactChanges": [
            {"artifactLocation": _artifact(path), "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }


def _result(
    finding: Finding,
    rule_index: dict[str, int],
    rules: Mapping[str, Rule],
    fixes: Mapping[str, Sequence[ReplacementLike]],
    with_baseline: bool,
) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
    }
    if finding.snippet:
        region["snippet"] = {"text": finding.snippet}
    properties: dict[str, Any] = {
        "confidence": finding.confidence,
        "category": finding.category,
        "fix": finding.fix,
        "severity": finding.severity,
    }
    if finding.endpoint:
        properties["endpoint"] = finding.endpoint
    properties["language"] = finding.language
    if finding.hint:  # non-Python findings: the change to make by hand
        properties["hint"] = finding.hint
    out: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in rule_index:
        out["ruleIndex"] = rule_index[finding.rule]
    out.update(
        {
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.path),
                        "region": region,
                    }
                }
            ],
        }
    )
    if finding.fingerprint:
        out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if with_baseline:
        out["baselineState"] = "unchanged" if finding.status == "baselined" else "new"
    edits = fixes.get(finding.fingerprint) if finding.fingerprint else None
    if edits and not _carries_credentials(edits):  # a fix is code: it cannot be masked
        rule = rules.get(finding.rule)
        description = rule.fix.detail if rule else f"Rewrite for {finding.rule}."
        out["fixes"] = [_fix(finding, edits, description)]
    out["properties"] = properties
    return out


def _carries_credentials(edits: Sequence[ReplacementLike]) -> bool:
    from audit.redact import redact

    texts = [_replacement(edit).text for edit in edits]
    return any(redact(text) != text for text in texts)


def _notification(error: FileError) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{error.path}: {error.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.path)}}],
    }


def to_sarif(result: ScanResult, context: RenderContext) -> dict[str, Any]:
    rules = sorted(context.catalog.rules.values(), key=lambda r: r.id)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    with_baseline = result.baseline_path is not None
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cancel-audit",
                "version": context.tool_version,
                "semanticVersion": context.tool_version,
                "informationUri": project_url(),
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(e) for e in result.errors],
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": srcroot_uri(result)}},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(f, rule_index, context.catalog.rules, result.fixes, with_baseline)
            for f in result.findings
        ],
        "properties": {"markets": list(result.markets), "summary": result.summary()},
    }
    if result.baseline_path is not None:
        run["properties"]["baseline"] = {
            "path": result.baseline_path,
            "fixedFingerprints": list(result.fixed),
        }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(result: ScanResult, context: RenderContext) -> str:
    return json.dumps(to_sarif(result, context), indent=2, ensure_ascii=False) + "\n"
