"""Scanning one candidate file: decode, parse, detect, apply suppressions.

Everything a worker process needs arrives in a ``ScanJob``, so the same function serves
the serial path and the process pool. A file that cannot be decoded or parsed, or that
trips a bug in libcst or the detector, becomes a per-file error, never a crash.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from audit.cache import ScanCache, stable_key
from audit.catalog import Catalog
from audit.config import Config
from audit.discovery import SourceFile
from audit.facts import FunctionFact
from audit.file_reads import read_each
from audit.findings import FileError, Finding, InventoryEntry
from audit.multi_search import any_of
from audit.prefilter import Prefilter
from audit.source import SourceError, decode, python_lines
from audit.suppressions import Suppression

if TYPE_CHECKING:
    import libcst

    from audit.python.scope import ModuleScope

# libcst's parser takes time quadratic in an expression's depth (a 20,000-term
# ``a + a + ...`` chain takes minutes); CPython itself refuses a file nested this deep
# at its default limits. Deeper files are reported as errors instead of parsed.
MAX_SYNTAX_DEPTH = 1000


@dataclass
class Candidate:
    file: SourceFile
    data: bytes
    has_context: bool


def read_matching(
    files: Iterable[SourceFile],
    pattern: re.Pattern[bytes],
    prefilter: Prefilter,
    errors: list[FileError],
    names: Sequence[str] = (),
    cache: Optional[ScanCache] = None,
) -> tuple[list[Candidate], list[SourceFile]]:
    """Read each file once: the ones whose bytes match ``pattern`` become candidates,
    the rest are returned as they are; unreadable ones are reported in ``errors``.

    ``names``: words every match of ``pattern`` contains. A file holding none of them is
    passed over in one automaton pass; ``re`` tries an alternation at every byte, ten
    times slower on a tree of files that name nothing of the project's."""
    mentions_one = any_of([n.encode("utf-8") for n in names]) if names else None
    key = stable_key(pattern.pattern) if cache is not None else ""
    if cache is not None:
        files = list(files)
        cache.prefetch(files, "mentions", key)
    found: list[Candidate] = []
    rest: list[SourceFile] = []
    unknown: list[SourceFile] = []
    for file in files:
        if cache is not None and cache.known(file, "mentions", key) is False:
            rest.append(file)  # unchanged since a run that asked the same question
        else:
            unknown.append(file)

    def judge(data: bytes) -> tuple[bool, bool]:
        matched = (mentions_one is None or mentions_one(data)) and bool(pattern.search(data))
        return matched, matched

    for read in read_each(unknown, judge, cache.hashed if cache is not None else None):
        if read.verdict is None:
            errors.append(FileError(read.file.rel, read.error))
            continue
        if cache is not None:
            cache.put("mentions", read.digest, key, read.verdict)
        if read.data is not None:
            found.append(Candidate(read.file, read.data, prefilter.has_context(read.data)))
        else:
            rest.append(read.file)
    return found, rest


@dataclass(frozen=True)
class ScanJob:
    """What every file's scan shares: the catalog, config and project-wide facts."""

    catalog: Catalog
    config: Config
    project_has_context: bool
    constants: dict[str, Union[str, int]]


@dataclass
class FileOutcome:
    findings: list[Finding] = field(default_factory=list)
    inventory: list[InventoryEntry] = field(default_factory=list)
    suppressed: int = 0
    error: Optional[FileError] = None
    live_names: set[str] = field(default_factory=set)
    functions: list[FunctionFact] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)


def scan_file(candidate: Candidate, job: ScanJob) -> FileOutcome:
    from audit.polyglot.languages import kind_for

    kind = kind_for(candidate.file.rel, job.config.include_docs)
    if kind is not None:  # PHP, JS/TS, Go, Java, C#, Ruby, API documents, docs
        from audit.polyglot.scan import scan_polyglot_file

        return scan_polyglot_file(candidate, job, kind)
    import libcst as cst  # deferred: only files that may match pay for it

    from audit.python.decisions import judge_findings
    from audit.python.detector import FileContext, detect

    catalog, config = job.catalog, job.config
    rel = candidate.file.rel
    try:
        source = decode(candidate.data)
    except SourceError as exc:
        return FileOutcome(error=FileError(rel, str(exc)))
    too_deep, python_error = _python_parse(source.text)
    if too_deep is not None:
        return FileOutcome(error=FileError(rel, f"nested too deeply to parse ({too_deep})"))
    try:
        module = cst.parse_module(source.text)
    except cst.ParserSyntaxError as exc:
        if python_error is None:  # valid Python that libcst's parser cannot take
            return FileOutcome(
                error=FileError(
                    rel,
                    f"valid Python that libcst cannot parse (line {exc.raw_line}: "
                    f"{exc.message}); not analysed",
                )
            )
        # CPython's message and line are the ones users know (libcst's can be a line off).
        message = f"syntax error on line {python_error.lineno}: {python_error.msg}"
        return FileOutcome(error=FileError(rel, message))
    except RecursionError:
        return FileOutcome(error=FileError(rel, "nested too deeply to parse"))
    except Exception as exc:  # libcst has its own bugs (e.g. a TypeError on valid code)
        return FileOutcome(
            error=FileError(rel, f"cannot parse: libcst failed with {type(exc).__name__}: {exc}")
        )
    context = FileContext(
        path=rel,
        markets=config.markets,
        file_has_context=candidate.has_context,
        project_has_context=job.project_has_context,
        project_constants=job.constants,
    )
    lines = python_lines(source.text)  # as Python counts lines: a form feed ends none
    try:
        output = detect(module, lines, catalog, context)
        enabled = [f for f in output.findings if config.rule_enabled(f.rule)]
        findings = judge_findings(module, enabled, _scope(module, job.constants), catalog)
    except RecursionError:
        return FileOutcome(error=FileError(rel, "nested too deeply to analyse"))
    except Exception as exc:  # a detector bug must not stop the rest of the scan
        return FileOutcome(
            error=FileError(
                rel, f"internal error while analysing (please report): {type(exc).__name__}: {exc}"
            )
        )
    kept, suppressed, unused = apply_suppressions(findings, output.suppressions)
    if config.rule_enabled("CA001"):
        kept.extend(
            _unused_suppression(s, rel, lines, catalog)
            for s in unused
            if _could_match(s, catalog, config)
        )
    return FileOutcome(
        kept,
        output.inventory,
        suppressed,
        live_names=output.live_names,
        functions=output.functions,
        calls=output.calls,
    )


def _scope(module: libcst.Module, constants: dict[str, Union[str, int]]) -> ModuleScope:
    from audit.python.scope import collect_scope

    scope = collect_scope(module)
    scope.project_constants = constants
    return scope


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
        return config.rule_enabled(rule_id) and (not rule.us_only or config.markets.includes_us)

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
