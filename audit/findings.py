"""The values a scan produces: findings, inventory entries, per-file errors, the result.

Everything here is a frozen dataclass so results can be hashed, compared, cached and
serialised without surprises. ``to_dict`` gives the JSON contract documented in README.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from audit.facts import ProjectFacts
from audit.markets import Markets
from audit.origin import origin_of
from audit.replacement import ReplacementLike

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
CONFIDENCES = ("high", "medium", "low")
CONFIDENCE_RANK = {"low": 1, "medium": 2, "high": 3}
FIX_KINDS = ("safe", "unsafe", "manual", "none")
ROLES = ("call", "definition", "url", "read", "filter", "handler")

# Bump when the JSON shape changes incompatibly; readers refuse versions they do not know.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    category: str
    path: str  # POSIX, relative to the scan root
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    message: str
    snippet: str  # the first source line of the match, as written
    confidence: str
    fix: str  # one of FIX_KINDS
    matched: str = ""  # the matched code, whitespace-normalised; feeds the fingerprint
    endpoint: Optional[str] = None
    origin: str = "production"  # or "test", "fixture", "vendored": see audit.origin
    fingerprint: str = ""
    status: str = "new"  # "new" or "baselined"
    defines: Optional[str] = None  # the module constant this match is the value of
    # What the matched code is, for the fix stage: "method-call", "function-call",
    # "transport-call", "wrapper" (a use inside an SDK-style method), "url",
    # "definition" (module constant, route entry), "code" (21011007 handling).
    shape: str = ""
    awaited: bool = False  # the call is awaited: its fix must be awaited too
    function: Optional[str] = None  # the enclosing function or method, "Class.method"
    language: str = "python"  # "php", "typescript", "go", "java", "csharp", "ruby", "openapi" ...
    hint: str = ""  # non-Python findings: the change to make by hand, in the file's language

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for internal in ("matched", "defines", "shape", "awaited", "function"):
            data.pop(internal)
        return data


@dataclass(frozen=True)
class InventoryEntry:
    """A recognised use of a TikTok Shop endpoint, finding or not."""

    endpoint: str
    version: Optional[str]  # "202309", or None when the version is not static
    role: str  # one of ROLES
    path: str
    line: int
    column: int

    @property
    def origin(self) -> str:
        """``production``, ``test``, ``fixture`` or ``vendored``, from the path."""
        return origin_of(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "origin": self.origin}


@dataclass(frozen=True)
class FileError:
    path: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...] = ()
    inventory: tuple[InventoryEntry, ...] = ()
    errors: tuple[FileError, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    files_scanned: int = 0
    files_parsed: int = 0
    suppressed: int = 0
    hidden_low_confidence: int = 0
    fixed: tuple[str, ...] = ()  # fingerprints in the baseline that no longer occur
    roots: tuple[str, ...] = ()
    markets: Markets = field(default_factory=Markets)  # the US alone
    baseline_path: Optional[str] = None  # the baseline file applied; None: no baseline
    # SARIF's proposed fixes: finding fingerprint -> its replacements (see audit.output.sarif)
    fixes: Mapping[str, Sequence[ReplacementLike]] = field(
        default_factory=dict, compare=False, hash=False
    )
    # Where each reported path is on disk (absolute), whatever the working directory.
    files: dict[str, Path] = field(default_factory=dict, compare=False, hash=False)
    facts: ProjectFacts = field(default_factory=ProjectFacts, compare=False, hash=False)

    def file_path(self, rel: str) -> Path:
        """The file behind a finding's path, found from any working directory."""
        return self.files.get(rel) or Path(rel).resolve()

    def counts(self) -> dict[str, int]:
        by_severity = Counter(f.severity for f in self.findings)
        return {severity: by_severity.get(severity, 0) for severity in SEVERITIES}

    def summary(self) -> dict[str, Any]:
        by_rule = Counter(f.rule for f in self.findings)
        by_status = Counter(f.status for f in self.findings)
        return {
            "findings": len(self.findings),
            "by_severity": self.counts(),
            "by_rule": dict(sorted(by_rule.items())),
            "new": by_status.get("new", 0),
            "baselined": by_status.get("baselined", 0),
            "fixed": len(self.fixed),
            "suppressed": self.suppressed,
            "hidden_low_confidence": self.hidden_low_confidence,
            "files_scanned": self.files_scanned,
            "files_parsed": self.files_parsed,
            "files_skipped": len(self.skipped),
            "files_failed": len(self.errors),
        }

    def to_dict(self, tool_version: str) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "cancel-audit", "version": tool_version},
            "roots": list(self.roots),
            "markets": list(self.markets),
            "findings": [f.to_dict() for f in self.findings],
            "inventory": [i.to_dict() for i in self.inventory],
            "errors": [e.to_dict() for e in self.errors],
            "skipped": [s.to_dict() for s in self.skipped],
            "fixed": list(self.fixed),
            "summary": self.summary(),
        }


def normalise_code(code: str) -> str:
    """Collapse whitespace so reformatting a line does not change its fingerprint."""
    return " ".join(code.split())


def fingerprint(rule: str, path: str, matched: str, occurrence: int) -> str:
    """Stable identity of a finding: no line numbers, so edits elsewhere keep it."""
    key = "\x1f".join((rule, path, normalise_code(matched), str(occurrence)))
    # surrogateescape: a file name that is not UTF-8 still has its one fingerprint
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def with_fingerprints(
    findings: list[Finding], identity_path: Optional[Callable[[str], str]] = None
) -> list[Finding]:
    """Number identical matches in source order and give each its fingerprint.

    ``identity_path`` maps a finding's shown path to the one its identity uses (relative
    to the project, not to where the scan ran), so a baseline matches from any directory.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in sorted(findings, key=sort_key):
        path = identity_path(finding.path) if identity_path else finding.path
        key = (finding.rule, path, normalise_code(finding.matched))
        occurrence = seen[key]
        seen[key] += 1
        out.append(
            dataclasses.replace(
                finding, fingerprint=fingerprint(finding.rule, path, finding.matched, occurrence)
            )
        )
    return out


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.path, finding.line, finding.column, finding.rule)
