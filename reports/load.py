"""Reading what a report is built from: scan JSON results and baseline files.

Both formats carry a version. A file this version of cancel-audit does not know is
refused with one sentence that says what to do, never half-read. Baselines are read by
``audit.baseline``, the reader ``scan --baseline`` uses, so both accept the same files.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from audit.baseline import BaselineError, read_baseline
from audit.findings import (
    SCHEMA_VERSION,
    FileError,
    Finding,
    InventoryEntry,
    ScanResult,
    Skipped,
)
from audit.markets import Markets
from audit.origin import PRODUCTION

_FINDING_FIELDS = {f.name for f in dataclasses.fields(Finding)}
_FINDING_REQUIRED = ("rule", "severity", "category", "path", "line", "message")
_INVENTORY_REQUIRED = ("endpoint", "role", "path", "line")


class LoadError(Exception):
    """A result or baseline file that cannot be used, worded for the user (exit 2)."""


@dataclass(frozen=True)
class LoadedResult:
    """A scan result read from JSON, with where it came from."""

    result: ScanResult
    source: str  # the file name as the user gave it
    tool_version: str


@dataclass(frozen=True)
class PriorFinding:
    """A finding from an earlier run, as much of it as the earlier file recorded."""

    fingerprint: str
    rule: str
    path: str
    message: str
    line: Optional[int] = None


@dataclass(frozen=True)
class Prior:
    """An earlier state to compare against: a baseline file or a previous scan."""

    label: str  # "baseline baseline.json" or "previous scan scan.json"
    findings: tuple[PriorFinding, ...]

    def fingerprints(self) -> frozenset[str]:
        return frozenset(f.fingerprint for f in self.findings)


def _read_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read {what} {path}: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc


def _require(raw: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise LoadError(f"{where} is not a JSON object")
    missing = [k for k in keys if k not in raw]
    if missing:
        raise LoadError(f"{where} lacks {', '.join(repr(k) for k in missing)}")
    return raw


def _as_list(raw: dict[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise LoadError(f"{where}: '{key}' is not a list")
    return value


def _as_dict(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def parse_result(raw: Any, source: str) -> LoadedResult:
    """A ``ScanResult`` from the JSON that ``cancel-audit scan --format json`` writes."""
    if not isinstance(raw, dict) or "schema_version" not in raw:
        raise LoadError(
            f"{source} is not a cancel-audit scan result (no schema_version): "
            "write one with `cancel-audit scan PATH --format json -o FILE`."
        )
    version = raw["schema_version"]
    if version != SCHEMA_VERSION:
        raise LoadError(
            f"{source} has schema_version {version!r}, but this cancel-audit reads only "
            f"schema_version {SCHEMA_VERSION}: re-run `cancel-audit scan --format json` "
            "with this version."
        )
    findings = []
    for index, item in enumerate(_as_list(raw, "findings", source)):
        data = _require(item, _FINDING_REQUIRED, f"{source}: finding {index + 1}")
        known = {k: v for k, v in data.items() if k in _FINDING_FIELDS}
        known.setdefault("column", 1)
        known.setdefault("end_line", known["line"])
        known.setdefault("end_column", known["column"])
        known.setdefault("snippet", "")
        known.setdefault("confidence", "high")
        known.setdefault("fix", "none")
        known.setdefault("origin", PRODUCTION)  # results written before issue 10
        try:
            findings.append(Finding(**known))
        except TypeError as exc:
            raise LoadError(f"{source}: finding {index + 1} is malformed: {exc}") from exc
    inventory = []
    for index, item in enumerate(_as_list(raw, "inventory", source)):
        data = _require(item, _INVENTORY_REQUIRED, f"{source}: inventory entry {index + 1}")
        inventory.append(
            InventoryEntry(
                endpoint=str(data["endpoint"]),
                version=None if data.get("version") is None else str(data["version"]),
                role=str(data["role"]),
                path=str(data["path"]),
                line=int(data["line"]),
                column=int(data.get("column", 1)),
            )
        )
    errors = [
        FileError(str(e.get("path", "?")), str(e.get("message", "")))
        for e in _as_list(raw, "errors", source)
        if isinstance(e, dict)
    ]
    skipped = [
        Skipped(str(s.get("path", "?")), str(s.get("reason", "")))
        for s in _as_list(raw, "skipped", source)
        if isinstance(s, dict)
    ]
    missing = [key for key in ("findings", "summary") if key not in raw]
    if missing:  # an empty or cut-short file must not read as "no findings: ready"
        raise LoadError(
            f"{source} is not a complete scan result (no {' or '.join(missing)}): "
            "write one with `cancel-audit scan PATH --format json -o FILE`."
        )
    summary = _as_dict(raw, "summary")
    tool = _as_dict(raw, "tool")
    markets = tuple(str(m) for m in _as_list(raw, "markets", source))
    result = ScanResult(
        findings=tuple(findings),
        inventory=tuple(inventory),
        errors=tuple(errors),
        skipped=tuple(skipped),
        files_scanned=int(summary.get("files_scanned", 0)),
        files_parsed=int(summary.get("files_parsed", 0)),
        suppressed=int(summary.get("suppressed", 0)),
        hidden_low_confidence=int(summary.get("hidden_low_confidence", 0)),
        fixed=tuple(str(f) for f in _as_list(raw, "fixed", source)),
        roots=tuple(str(r) for r in _as_list(raw, "roots", source)),
        markets=Markets(markets) if markets else Markets(),
    )
    return LoadedResult(result, source, str(tool.get("version", "unknown")))


def load_result(path: Path) -> LoadedResult:
    return parse_result(_read_json(path, "scan result"), str(path))


def load_baseline(path: Path) -> Prior:
    """Fingerprints (and what else is recorded) from a ``cancel-audit baseline`` file,
    read and checked exactly as ``scan --baseline`` reads it."""
    try:
        baseline = read_baseline(path)
    except BaselineError as exc:
        raise LoadError(str(exc)) from exc
    findings = tuple(
        PriorFinding(e.fingerprint, e.rule, e.path, e.message) for e in baseline.entries
    )
    return Prior(f"baseline {path}", findings)


def prior_from_result(loaded: LoadedResult) -> Prior:
    return Prior(
        f"previous scan {loaded.source}",
        tuple(
            PriorFinding(f.fingerprint, f.rule, f.path, f.message, f.line)
            for f in loaded.result.findings
        ),
    )
