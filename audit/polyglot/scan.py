"""Scanning one non-Python candidate file: decode, parse with its grammar, detect,
apply suppressions. Every failure is a one-line per-file error, never a crash."""

from __future__ import annotations

from typing import Optional

from audit.findings import FileError
from audit.polyglot.languages import DISPLAY, SourceKind, kind_for, parser
from audit.polyglot.results import PolyglotContext, PolyglotOutput
from audit.polyglot.syntax import Node
from audit.scan_file import (
    Candidate,
    FileOutcome,
    ScanJob,
    _could_match,
    _unused_suppression,
    apply_suppressions,
)

_BOM = b"\xef\xbb\xbf"


def scan_polyglot_file(candidate: Candidate, job: ScanJob, kind: SourceKind) -> FileOutcome:
    rel = candidate.file.rel
    data = candidate.data[len(_BOM) :] if candidate.data.startswith(_BOM) else candidate.data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return FileOutcome(
            error=FileError(
                rel,
                f"cannot decode as UTF-8: byte 0x{data[exc.start]:02x} on line {line}; "
                "save the file as UTF-8",
            )
        )
    context = PolyglotContext(
        path=rel,
        language=DISPLAY.get(kind.language, kind.language),
        markets=job.config.markets,
        file_has_context=candidate.has_context,
        project_has_context=job.project_has_context,
    )
    error: Optional[FileError] = None
    try:
        if kind.grammar:
            output, error = _grammar_scan(data, kind.language, job, context)
        elif kind.language == "apispec":
            from audit.polyglot.apispec import detect_apispec

            found = detect_apispec(rel, text, job.catalog, context)
            if found is None:
                return FileOutcome()
            output = found
        else:
            from audit.polyglot.docs import detect_docs

            output = detect_docs(text, job.catalog, context)
    except RecursionError:
        return FileOutcome(error=FileError(rel, "nested too deeply to analyse"))
    except Exception as exc:  # a detector bug must not stop the rest of the scan
        return FileOutcome(
            error=FileError(
                rel, f"internal error while analysing (please report): {type(exc).__name__}: {exc}"
            )
        )
    config = job.config
    findings = [f for f in output.findings if config.rule_enabled(f.rule)]
    kept, suppressed, unused = apply_suppressions(findings, output.suppressions)
    if config.rule_enabled("CA001"):
        lines = text.splitlines()
        kept.extend(
            _unused_suppression(s, rel, lines, job.catalog)
            for s in unused
            if _could_match(s, job.catalog, config)
        )
    return FileOutcome(kept, output.inventory, suppressed, error=error)


def _grammar_scan(
    data: bytes, language: str, job: ScanJob, context: PolyglotContext
) -> tuple[PolyglotOutput, Optional[FileError]]:
    from audit.polyglot.detector import detect

    tree = parser(language).parse(data)
    root = tree.root_node
    error = None
    if root.has_error:
        line = _first_error_line(root)
        error = FileError(
            context.path,
            f"syntax error on line {line} ({context.language}): that part was not analysed",
        )
    return detect(data, root, job.catalog, context), error


def _first_error_line(root: Node) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return int(node.start_point[0]) + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return int(root.start_point[0]) + 1


def polyglot_kind(name: str, include_docs: bool) -> Optional[SourceKind]:
    return kind_for(name, include_docs)
