"""The scan pipeline: discover -> prefilter -> parse and detect -> suppress -> result.

Phase 1 reads every discovered file once and keeps only the candidates (files whose
bytes contain a catalog fragment), noting which files carry TikTok Shop context and
which define project-wide constants (API versions, error codes). Phase 2 parses the
candidates with libcst, now knowing the project's context, so weak evidence in one file
can lean on context found in another.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, TypeVar, Union

from audit.cache import ScanCache, stable_key
from audit.catalog import load_catalog
from audit.config import Config, apply_to_catalog
from audit.discovery import (
    DiscoveryOptions,
    SourceFile,
    discover,
    identity_path,
    project_root,
)
from audit.facts import merge_facts
from audit.file_reads import read_one
from audit.findings import (
    CONFIDENCE_RANK,
    FileError,
    Finding,
    InventoryEntry,
    ScanResult,
    Skipped,
    with_fingerprints,
)
from audit.fixability import stamp_fixes
from audit.prefilter import Prefilter
from audit.python.project_files import with_project_model
from audit.scan_file import Candidate, FileOutcome, ScanJob, scan_file
from audit.source import looks_binary

ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")

# libcst's visitors recurse once per nesting level; real generated files nest deeper
# than Python's default limit allows. Parse in a thread with room to recurse.
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 200_000
# Below this much candidate source, starting worker processes costs more than it saves
# (libcst parses and visits about 70 KB a second on one core).
_PARALLEL_MIN_BYTES = 200_000


@dataclass(frozen=True)
class ScanOptions:
    paths: tuple[Path, ...]
    config: Config = field(default_factory=Config)
    changed_files: Optional[frozenset[Path]] = None  # limit to these (resolved) files
    cache_dir: Optional[Path] = None  # keep per-file results here between runs (audit.cache)


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


def scan(
    options: ScanOptions,
    progress: Optional[ProgressCallback] = None,
    warn: Optional[Callable[[str], None]] = None,
) -> ScanResult:
    """Scan ``options.paths``; ``warn`` hears about a cache that cannot be used."""
    cache = ScanCache.open(options.cache_dir, warn) if options.cache_dir is not None else None
    try:
        return _scan(options, progress, cache)
    finally:
        if cache is not None:
            cache.close()


def _scan(
    options: ScanOptions, progress: Optional[ProgressCallback], cache: Optional[ScanCache]
) -> ScanResult:
    config = options.config
    catalog = apply_to_catalog(config, load_catalog())
    prefilter = Prefilter.from_catalog(catalog)
    config_dir = Path(config.source).resolve().parent if config.source else None
    discovery = DiscoveryOptions(
        config.exclude,
        config.gitignore,
        config.max_file_size,
        exclude_base=config_dir,
        include_docs=config.include_docs,
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
    candidates, constants, others = _read_phase(files, prefilter, skipped, errors, cache)
    # What the project defines for itself (wrappers, path builders, join templates) and
    # the files that call it: read once more with CPython's ast, never with libcst. The
    # same read finds the modules that only import an error-code constant (AFTER_SALE).
    code_names = [name for name, value in constants.items() if value in catalog.codes]
    catalog, candidates, others = with_project_model(
        catalog, prefilter, candidates, others, errors, cache, code_names
    )
    project_has_context = any(c.has_context for c in candidates)
    if options.changed_files is not None:
        changed = options.changed_files
        files = [f for f in files if f.path.resolve() in changed]
        candidates = [c for c in candidates if c.file.path.resolve() in changed]
        others = [f for f in others if f.path.resolve() in changed]
    files_read = len(candidates) + len(others)  # binary and unreadable files are not scanned

    job = ScanJob(catalog, config, project_has_context, constants)
    outcomes = _scan_with_cache(candidates, job, config.jobs, progress, cache)
    findings: list[Finding] = []
    inventory: list[InventoryEntry] = []
    suppressed = 0
    live_names: set[str] = set()
    for outcome in outcomes:
        if outcome.error is not None:
            errors.append(outcome.error)
        findings.extend(outcome.findings)
        inventory.extend(outcome.inventory)
        suppressed += outcome.suppressed
        live_names |= outcome.live_names
    # A constant whose value is 21011007 is live while code on the legacy API still uses
    # it (that code still gets the error): its definition is no cleanup yet.
    findings = [f for f in findings if not (f.defines and f.defines in live_names)]

    visible_rank = CONFIDENCE_RANK[config.min_confidence]
    shown = [f for f in findings if CONFIDENCE_RANK[f.confidence] >= visible_rank]
    facts = merge_facts(
        (fact for outcome in outcomes for fact in outcome.functions),
        (outcome.calls for outcome in outcomes),
        constants,
        live_names,
    )
    shown = stamp_fixes(shown, facts, catalog, config.markets)
    return ScanResult(
        findings=tuple(with_fingerprints(shown, _identity_paths(options.paths, files))),
        inventory=tuple(sorted(inventory, key=lambda i: (i.path, i.line, i.column))),
        errors=tuple(sorted(errors, key=lambda e: e.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        files_scanned=files_read,
        files_parsed=len(candidates),
        suppressed=suppressed,
        hidden_low_confidence=len(findings) - len(shown),
        roots=tuple(p.as_posix() for p in options.paths),
        markets=config.markets,
        files={file.rel: file.resolved() for file in files},
        facts=facts,
    )


def _identity_paths(paths: Sequence[Path], files: Sequence[SourceFile]) -> Callable[[str], str]:
    """A finding's path relative to its project root (see ``project_root``)."""
    roots = [project_root(p) for p in paths]
    where = {file.rel: file.resolved() for file in files}

    def identity(rel: str) -> str:
        path = where.get(rel)
        return (identity_path(path, roots) if path is not None else None) or rel

    return identity


def _scan_with_cache(
    candidates: list[Candidate],
    job: ScanJob,
    jobs: Optional[int],
    progress: Optional[ProgressCallback],
    cache: Optional[ScanCache],
) -> list[FileOutcome]:
    """``_scan_candidates``, taking each outcome the cache has for the same file content,
    path and job, and storing the new ones."""
    if cache is None:
        return _scan_candidates(candidates, job, jobs, progress)
    job_key = stable_key(job)
    keys = [(cache.hashed(c.file, c.data), f"{job_key}:{c.file.rel}") for c in candidates]
    outcomes: list[Optional[FileOutcome]] = [cache.get("outcome", *key) for key in keys]
    missing = [i for i, outcome in enumerate(outcomes) if outcome is None]
    scanned = _scan_candidates([candidates[i] for i in missing], job, jobs, progress)
    for i, outcome in zip(missing, scanned):
        outcomes[i] = outcome
        if not _is_internal_error(outcome):  # a bug's outcome is not worth keeping
            cache.put("outcome", *keys[i], outcome)
    return [outcome for outcome in outcomes if outcome is not None]


def _is_internal_error(outcome: FileOutcome) -> bool:
    return outcome.error is not None and "internal error" in outcome.error.message


def _scan_candidates(
    candidates: list[Candidate],
    job: ScanJob,
    jobs: Optional[int],
    progress: Optional[ProgressCallback],
) -> list[FileOutcome]:
    """Parse and detect every candidate, in order; several processes for big batches."""
    workers = min(jobs or os.cpu_count() or 1, len(candidates))
    if workers > 1 and sum(len(c.data) for c in candidates) >= _PARALLEL_MIN_BYTES:
        from concurrent.futures.process import BrokenProcessPool  # deferred: start-up time

        try:
            return _scan_in_processes(candidates, job, workers, progress)
        except (OSError, BrokenProcessPool):  # no processes here (sandbox, limits): serial
            pass

    def serial() -> list[FileOutcome]:
        outcomes = []
        for done, candidate in enumerate(candidates, 1):
            outcomes.append(scan_file(candidate, job))
            if progress is not None:
                progress(done, len(candidates))
        return outcomes

    return run_with_deep_stack(serial)


def _scan_in_processes(
    candidates: list[Candidate],
    job: ScanJob,
    workers: int,
    progress: Optional[ProgressCallback],
) -> list[FileOutcome]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # "spawn": a fresh interpreter per worker, safe whatever threads this process runs.
    context = multiprocessing.get_context("spawn")
    outcomes = []
    with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(job,)) as pool:
        for done, outcome in enumerate(pool.map(_scan_in_worker, candidates, chunksize=2), 1):
            outcomes.append(outcome)
            if progress is not None:
                progress(done, len(candidates))
    return outcomes


_worker_job: Optional[ScanJob] = None


def _start_worker(job: ScanJob) -> None:
    global _worker_job
    _worker_job = job


def _scan_in_worker(candidate: Candidate) -> FileOutcome:
    job = _worker_job
    assert job is not None, "worker started without its job"
    return run_with_deep_stack(lambda: scan_file(candidate, job))


@dataclass(frozen=True)
class _ReadVerdict:
    """The prefilter's verdict on a file that is no candidate, as the cache keeps it."""

    constants: dict[str, Union[str, int]]
    binary: bool = False
    has_context: bool = False  # asked of candidates only, which the cache does not keep


def _read_phase(
    files: list[SourceFile],
    prefilter: Prefilter,
    skipped: list[Skipped],
    errors: list[FileError],
    cache: Optional[ScanCache] = None,
) -> tuple[list[Candidate], dict[str, Union[str, int]], list[SourceFile]]:
    """Read each file once: keep candidates, note constants, remember the rest. A file
    the cache has seen unchanged, and that was no candidate, is not read at all."""
    candidates: list[Candidate] = []
    constants: dict[str, Union[str, int]] = {}
    others: list[SourceFile] = []
    key = prefilter.key() if cache is not None else ""
    if cache is not None:
        cache.prefetch(files, "read", key)
    judge = _judge_bytes(prefilter)
    hashed = cache.hashed if cache is not None else None
    for file in files:
        known: Optional[_ReadVerdict] = cache.known(file, "read", key) if cache else None
        if known is not None:
            constants.update(known.constants)
            if known.binary:
                skipped.append(Skipped(file.rel, "binary file"))
            else:
                others.append(file)
            continue
        read = read_one(file, judge, hashed)
        if read.verdict is None:
            errors.append(FileError(file.rel, read.error))
            continue
        if read.verdict.binary:
            skipped.append(Skipped(file.rel, "binary file"))
        else:
            # Any module may define API_VERSION or an error-code constant others import.
            constants.update(read.verdict.constants)
            if read.data is not None:
                candidates.append(Candidate(file, read.data, read.verdict.has_context))
                continue  # a candidate is parsed next: its verdict is the parse's
            others.append(file)
        if cache is not None:
            cache.put("read", read.digest, key, read.verdict)
    return candidates, constants, others


def _judge_bytes(prefilter: Prefilter) -> Callable[[bytes], tuple[_ReadVerdict, bool]]:
    """The read phase's verdict on a file's bytes, and whether to keep them (a
    candidate's are parsed next)."""

    def judge(data: bytes) -> tuple[_ReadVerdict, bool]:
        if looks_binary(data):
            return _ReadVerdict({}, binary=True), False
        candidate, constants = prefilter.survey(data)
        if candidate:
            return _ReadVerdict(constants, has_context=prefilter.has_context(data)), True
        return _ReadVerdict(constants), False

    return judge
