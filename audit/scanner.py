"""The scan pipeline: discover -> prefilter -> parse and detect -> suppress -> result.

Phase 1 reads every discovered file once and keeps only the candidates (files whose
bytes contain a catalog fragment), noting which files carry TikTok Shop context and
which define project-wide constants (API versions, error codes). Phase 2 parses the
candidates with libcst, now knowing the project's context, so weak evidence in one file
can lean on context found in another.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, TypeVar, Union

from audit.catalog import Catalog, load_catalog
from audit.config import Config, apply_to_catalog
from audit.discovery import DiscoveryOptions, SourceFile, discover
from audit.findings import (
    CONFIDENCE_RANK,
    FileError,
    Finding,
    InventoryEntry,
    ScanResult,
    Skipped,
    with_fingerprints,
)
from audit.prefilter import Prefilter
from audit.source import SourceError, decode, looks_binary, read_bytes
from audit.suppressions import Suppression

ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")

# libcst's visitors recurse once per nesting level; real generated files nest deeper
# than Python's default limit allows. Parse in a thread with room to recurse.
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 200_000
# libcst's parser takes time quadratic in an expression's depth (a 20,000-term
# ``a + a + ...`` chain takes minutes); CPython itself refuses a file nested this deep
# at its default limits. Deeper files are reported as errors instead of parsed.
MAX_SYNTAX_DEPTH = 1000


@dataclass
class _Candidate:
    file: SourceFile
    data: bytes
    has_context: bool


@dataclass
class _FileOutcome:
    findings: list[Finding] = field(default_factory=list)
    inventory: list[InventoryEntry] = field(default_factory=list)
    suppressed: int = 0
    error: Optional[FileError] = None


@dataclass(frozen=True)
class ScanOptions:
    paths: tuple[Path, ...]
    config: Config = field(default_factory=Config)
    changed_files: Optional[frozenset[Path]] = None  # limit to these (resolved) files


def run_with_deep_stack(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread whose stack and recursion limit fit deeply nested code."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size()
    try:
        threading.stack_size(_DEEP_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        thread = threading.Thread(target=target, name="cancel-audit-scan")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return outcome[0]


def scan(options: ScanOptions, progress: Optional[ProgressCallback] = None) -> ScanResult:
    config = options.config
    catalog = apply_to_catalog(config, load_catalog())
    prefilter = Prefilter.from_catalog(catalog)
    config_dir = Path(config.source).resolve().parent if config.source else None
    discovery = DiscoveryOptions(
        config.exclude, config.gitignore, config.max_file_size, exclude_base=config_dir
    )

    files: list[SourceFile] = []
    skipped: list[Skipped] = []
    errors: list[FileError] = []
    for item in discover(list(options.paths), discovery):
        if isinstance(item, SourceFile):
            files.append(item)
        elif isinstance(item, Skipped):
            skipped.append(item)
        else:
            errors.append(item)

    # Context and constants come from the whole project, even when only changed files
    # are reported: errors.py defines AFTER_SALE whether or not it changed.
    candidates, constants, others = _read_phase(files, prefilter, skipped, errors)
    project_has_context = any(c.has_context for c in candidates)
    if options.changed_files is not None:
        changed = options.changed_files
        files = [f for f in files if f.path.resolve() in changed]
        candidates = [c for c in candidates if c.file.path.resolve() in changed]
        others = [f for f in others if f.path.resolve() in changed]
    files_read = len(candidates) + len(others)  # binary and unreadable files are not scanned
    code_names = [name for name, value in constants.items() if value in catalog.codes]
    if code_names:
        candidates.extend(_constant_users(others, code_names, prefilter, errors))

    def parse_all() -> list[_FileOutcome]:
        outcomes = []
        for done, candidate in enumerate(candidates, 1):
            outcomes.append(_scan_file(candidate, catalog, config, project_has_context, constants))
            if progress is not None:
                progress(done, len(candidates))
        return outcomes

    outcomes = run_with_deep_stack(parse_all)
    findings: list[Finding] = []
    inventory: list[InventoryEntry] = []
    suppressed = 0
    for outcome in outcomes:
        if outcome.error is not None:
            errors.append(outcome.error)
        findings.extend(outcome.findings)
        inventory.extend(outcome.inventory)
        suppressed += outcome.suppressed

    visible_rank = CONFIDENCE_RANK[config.min_confidence]
    shown = [f for f in findings if CONFIDENCE_RANK[f.confidence] >= visible_rank]
    return ScanResult(
        findings=tuple(with_fingerprints(shown)),
        inventory=tuple(sorted(inventory, key=lambda i: (i.path, i.line, i.column))),
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        files_scanned=files_read,
        files_parsed=len(candidates),
        suppressed=suppressed,
        hidden_low_confidence=len(findings) - len(shown),
        roots=tuple(p.as_posix() for p in options.paths),
        markets=config.markets,
    )


def _read_phase(
    files: list[SourceFile],
    prefilter: Prefilter,
    skipped: list[Skipped],
    errors: list[FileError],
) -> tuple[list[_Candidate], dict[str, Union[str, int]], list[SourceFile]]:
    """Read each file once: keep candidates, note constants, remember the rest."""
    candidates: list[_Candidate] = []
    constants: dict[str, Union[str, int]] = {}
    others: list[SourceFile] = []
    for file in files:
        try:
            data = read_bytes(file.path)
        except SourceError as exc:
            errors.append(FileError(file.rel, str(exc)))
            continue
        if looks_binary(data):
            skipped.append(Skipped(file.rel, "binary file"))
            continue
        # Any module may define API_VERSION or an error-code constant that others import.
        constants.update(prefilter.project_constants(data))
        if prefilter.is_candidate(data):
            candidates.append(_Candidate(file, data, prefilter.has_context(data)))
        else:
            others.append(file)
    return candidates, constants, others


def _constant_users(
    files: Iterable[SourceFile], names: list[str], prefilter: Prefilter, errors: list[FileError]
) -> list[_Candidate]:
    """Files that only use an error-code constant defined elsewhere (``from .errors import
    AFTER_SALE``) hold no catalog fragment; find them by the constant's name."""
    pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b")
    found = []
    for file in files:
        try:
            data = read_bytes(file.path)
        except SourceError as exc:
            errors.append(FileError(file.rel, str(exc)))
            continue
        if pattern.search(data):
            found.append(_Candidate(file, data, prefilter.has_context(data)))
    return found


def _scan_file(
    candidate: _Candidate,
    catalog: Catalog,
    config: Config,
    project_has_context: bool,
    constants: dict[str, Union[str, int]],
) -> _FileOutcome:
    import libcst as cst  # deferred: only files that may match pay for it

    from audit.python.detector import FileContext, detect

    rel = candidate.file.rel
    try:
        source = decode(candidate.data)
    except SourceError as exc:
        return _FileOutcome(error=FileError(rel, str(exc)))
    too_deep, python_error = _python_parse(source.text)
    if too_deep is not None:
        return _FileOutcome(error=FileError(rel, f"nested too deeply to parse ({too_deep})"))
    try:
        module = cst.parse_module(source.text)
    except cst.ParserSyntaxError as exc:
        # CPython's message and line are the ones users know (libcst's can be a line off).
        line, message = (
            (python_error.lineno, python_error.msg)
            if python_error is not None
            else (exc.raw_line, exc.message)
        )
        return _FileOutcome(error=FileError(rel, f"syntax error on line {line}: {message}"))
    except RecursionError:
        return _FileOutcome(error=FileError(rel, "nested too deeply to parse"))
    except Exception as exc:  # libcst has its own bugs (e.g. a TypeError on valid code)
        return _FileOutcome(
            error=FileError(rel, f"cannot parse: libcst failed with {type(exc).__name__}: {exc}")
        )
    context = FileContext(
        path=rel,
        markets=config.markets,
        file_has_context=candidate.has_context,
        project_has_context=project_has_context,
        project_constants=constants,
    )
    lines = source.text.splitlines()
    try:
        output = detect(module, lines, catalog, context)
    except RecursionError:
        return _FileOutcome(error=FileError(rel, "nested too deeply to analyse"))
    except Exception as exc:  # a detector bug must not stop the rest of the scan
        return _FileOutcome(
            error=FileError(
                rel, f"internal error while analysing (please report): {type(exc).__name__}: {exc}"
            )
        )
    findings = [f for f in output.findings if config.rule_enabled(f.rule)]
    kept, suppressed, unused = apply_suppressions(findings, output.suppressions)
    if config.rule_enabled("CA001"):
        kept.extend(
            _unused_suppression(s, rel, lines, catalog)
            for s in unused
            if _could_match(s, catalog, config)
        )
    return _FileOutcome(kept, output.inventory, suppressed)


def _python_parse(text: str) -> tuple[Optional[str], Optional[SyntaxError]]:
    """Parse with CPython first (about a tenth of libcst's time): why the code nests
    deeper than libcst can parse in reasonable time, if it does, and CPython's syntax error.

    CPython refuses more than 200 nested brackets; its tree gives the depth of everything
    else (long operator chains nest one level per operator). A syntax error here may be
    syntax newer than this Python, so libcst still decides whether the file parses.
    """
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not our concern
            tree = ast.parse(text)
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg):
            return "more than 200 nested brackets", None
        return None, exc
    except (RecursionError, MemoryError):
        return "Python's own parser gives up on it", None
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_SYNTAX_DEPTH:
            return f"more than {MAX_SYNTAX_DEPTH} levels of expressions", None
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None, None


def _could_match(suppression: Suppression, catalog: Catalog, config: Config) -> bool:
    """An ignore for rules that cannot fire in this run (not selected, or US-only rules
    with no US market) is not reported as unused: it may be needed in another run."""

    def active(rule_id: str) -> bool:
        rule = catalog.rules[rule_id]
        return config.rule_enabled(rule_id) and (not rule.us_only or "US" in config.markets)

    if not suppression.rules:  # a bare ignore: unused only if every rule ran
        return all(active(rule_id) for rule_id in catalog.rules)
    unknown = any(rule_id not in catalog.rules for rule_id in suppression.rules)
    return unknown or any(active(r) for r in suppression.rules if r in catalog.rules)


def apply_suppressions(
    findings: list[Finding], suppressions: list[Suppression]
) -> tuple[list[Finding], int, list[Suppression]]:
    """Drop suppressed findings; return what is kept, how many went, and unused comments."""
    used: set[int] = set()
    kept = []
    for finding in findings:
        covering = [i for i, s in enumerate(suppressions) if s.covers(finding.rule, finding.line)]
        if covering:
            used.update(covering)
        else:
            kept.append(finding)
    unused = [s for i, s in enumerate(suppressions) if i not in used]
    return kept, len(findings) - len(kept), unused


def _unused_suppression(
    suppression: Suppression, rel: str, lines: list[str], catalog: Catalog
) -> Finding:
    rule = catalog.rules["CA001"]
    snippet = lines[suppression.line - 1] if suppression.line <= len(lines) else ""
    column = snippet.find("#") + 1 or 1
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        category=rule.category,
        path=rel,
        line=suppression.line,
        column=column,
        end_line=suppression.line,
        end_column=len(snippet) + 1,
        message=rule.message.format(what=suppression.describe()),
        snippet=snippet,
        confidence="high",
        fix=rule.fix.kind,
        matched=suppression.describe(),
    )
