"""Baselines: accept today's findings so a CI gate fails only on new ones.

A baseline file (version 1) is JSON::

    {
      "version": 1,
      "tool": "cancel-audit",
      "created": "2024-03-01T09:30:00+00:00",
      "findings": [
        {"fingerprint": "23d065b91e215dff453d", "rule": "CA101",
         "path": "shop/cancel.py", "message": "Reject Cancellation ..."}
      ]
    }

Entries are keyed by fingerprint (rule + path + normalised matched code + occurrence
index, see :func:`audit.findings.fingerprint`), never by line, so edits elsewhere in a
file keep its findings baselined. ``rule``, ``path`` and ``message`` are for people
reading the file and for deciding which entries a partial scan covers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from audit.atomic import write_text_atomic
from audit.findings import ScanResult
from audit.redact import redact

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".cancel-audit-baseline.json"
TOOL_NAME = "cancel-audit"


class BaselineError(Exception):
    """A baseline that cannot be read or written, worded for the user (exit status 2)."""


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]
    created: str = ""
    source: str = ""  # the file it was read from, for messages

    def fingerprints(self) -> frozenset[str]:
        return frozenset(entry.fingerprint for entry in self.entries)


def from_result(result: ScanResult, now: Optional[datetime] = None) -> Baseline:
    """Every finding of ``result``, sorted so that moving code does not reorder the file."""
    created = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    identity = _identity_path(result)
    entries = sorted(
        {
            BaselineEntry(f.fingerprint, f.rule, identity(f.path), redact(f.message))
            for f in result.findings
        },
        key=lambda e: (e.path, e.rule, e.fingerprint),
    )
    return Baseline(tuple(entries), created)


def _identity_path(result: ScanResult) -> Callable[[str], str]:
    """Entry paths are relative to the project root (as fingerprints are), so a baseline
    written from one directory applies from any other."""
    from audit.discovery import identity_path, project_root

    roots = [project_root(Path(root)) for root in result.roots]
    return lambda rel: identity_path(result.file_path(rel), roots) or rel


def dumps(baseline: Baseline) -> str:
    data = {
        "version": BASELINE_VERSION,
        "tool": TOOL_NAME,
        "created": baseline.created,
        "findings": [entry.to_dict() for entry in baseline.entries],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def loads(text: str, source: str) -> Baseline:
    """Parse a baseline file's text; ``source`` names it in error messages."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"baseline file {source} is not valid JSON (line {exc.lineno}: {exc.msg})."
        ) from exc
    # We always write "tool"; a hand-written baseline (a report's input) may leave it out.
    if not isinstance(data, dict) or data.get("tool", TOOL_NAME) != TOOL_NAME:
        raise BaselineError(f"{source} is not a cancel-audit baseline file.")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise BaselineError(
            f"baseline file {source} has version {version!r}, but this cancel-audit reads "
            f"version {BASELINE_VERSION} only: write the version {version!r} baseline again "
            "with `cancel-audit baseline write`."
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"baseline file {source} has no list of findings.")
    entries = []
    for index, raw in enumerate(findings):
        entries.append(_entry(raw, f"baseline file {source}, findings[{index}]"))
    created = data.get("created")
    return Baseline(tuple(entries), created if isinstance(created, str) else "", source)


def _entry(raw: Any, where: str) -> BaselineEntry:
    if not isinstance(raw, dict):
        raise BaselineError(f"{where} is not an object.")
    values = {}
    for key in ("fingerprint", "rule", "path", "message"):
        value = raw.get(key, "" if key == "message" else None)
        if not isinstance(value, str) or (key != "message" and not value):
            raise BaselineError(f"{where} has no {key} string.")
        values[key] = value
    return BaselineEntry(**values)


def read_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"baseline file {path} does not exist; create it with `cancel-audit baseline write`."
        ) from None
    except IsADirectoryError:
        raise BaselineError(f"baseline file {path} is a directory.") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline file {path} is not UTF-8 text.") from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline file {path}: {exc.strerror}.") from exc
    return loads(text, str(path))


def write_baseline(path: Path, baseline: Baseline, force: bool = False) -> None:
    """Write atomically; refuse to replace an existing file unless ``force``."""
    if path.exists() and not force:
        raise BaselineError(f"{path} already exists; pass --force to overwrite it.")
    if path.is_dir():
        raise BaselineError(f"{path} is a directory.")
    try:
        write_text_atomic(path, dumps(baseline))
    except OSError as exc:
        raise BaselineError(f"cannot write baseline file {path}: {exc.strerror}.") from exc


def apply_baseline(
    result: ScanResult,
    baseline: Baseline,
    in_scope: Callable[[BaselineEntry], bool] = lambda entry: True,
) -> ScanResult:
    """Mark findings the baseline knows as "baselined" and list the baseline's fixed ones.

    ``in_scope`` says whether this scan could have found an entry at all (its file was
    scanned, its rule enabled); entries outside the scan are neither found nor fixed.
    The result's ``baseline_path`` records that a baseline was used.
    """
    known = baseline.fingerprints()
    findings = tuple(
        dataclasses.replace(f, status="baselined") if f.fingerprint in known else f
        for f in result.findings
    )
    found = {f.fingerprint for f in result.findings}
    fixed = tuple(
        sorted(
            {e.fingerprint for e in baseline.entries if e.fingerprint not in found and in_scope(e)}
        )
    )
    return dataclasses.replace(
        result, findings=findings, fixed=fixed, baseline_path=baseline.source
    )


def scan_scope(
    paths: Iterable[Path],
    rule_enabled: Callable[[str], bool],
    changed_files: Optional[frozenset[Path]] = None,
) -> Callable[[BaselineEntry], bool]:
    """Whether a scan of ``paths`` (with these rules and changed files) covers an entry.

    Entry paths are relative to each scan path's project root, as fingerprints are.
    """
    from audit.discovery import project_root

    roots = [(project_root(path), path.resolve()) for path in paths]

    def covers(entry: BaselineEntry) -> bool:
        if not rule_enabled(entry.rule):
            return False
        for project, scanned in roots:
            file = (project / entry.path).resolve()
            if file != scanned and scanned not in file.parents:
                continue
            return changed_files is None or file in changed_files
        return False

    return covers
