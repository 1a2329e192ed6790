"""Scan results with settled fix stamps: where the command layer composes scan and fix.

The scan stamps each finding's ``fix`` from its own analysis; for the rules whose limits
only their codemods see, a dry plan of the codemods settles the stamp. The scan layer
cannot ask the fix layer above it, so every verb that shows stamps (scan, report) goes
through here.

The plan's answer (which findings it left alone) is kept in the scan cache, kind
``settled``: keyed by the tool build, the codemods' code, the config and the scan result
the plan starts from, and stored with what the plan read on disk (``plan_inputs``); it is
reused only while every one of those files holds the same bytes. SARIF's fixes (the
plan's edits) are kept the same way, kind ``sarif-fixes``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Callable, Optional, TypeVar

from audit.cache import ScanCache, code_digest, content_digest, stable_key
from audit.config import Config
from audit.findings import ScanResult
from audit.fixability import needs_settling, stamped_manual
from audit.replacement import Replacement

KIND = "settled"
SARIF_KIND = "sarif-fixes"
T = TypeVar("T")


def settle(result: ScanResult, config: Config, cache_dir: Optional[Path] = None) -> ScanResult:
    """``result`` with each fix stamp as ``fix --unsafe-fixes`` would do it; writes nothing
    but the cache in ``cache_dir`` (none: no cache)."""
    if not needs_settling(result.findings):
        return result  # the common case: no codemod (and no libcst codemod machinery) loaded
    # no warning: the scan has already said when this cache cannot be used
    cache = ScanCache.open(cache_dir) if cache_dir is not None else None
    if cache is None:
        from codemods.agreement import settle_fixes  # deferred: start-up time

        return settle_fixes(result, config)
    try:
        return stamped_manual(result, _left_alone(result, config, cache))
    finally:
        cache.close()


def sarif_fixes(
    result: ScanResult, config: Config, cache_dir: Optional[Path] = None
) -> dict[str, list[Replacement]]:
    """The fixes SARIF attaches to ``result``'s findings (``codemods.sarif_fixes``), from
    the cache in ``cache_dir`` while nothing the plan read has changed."""

    def plan() -> dict[str, list[Replacement]]:
        from codemods.sarif_fixes import sarif_fixes as planned  # deferred: libcst

        return planned(result, config)

    cache = ScanCache.open(cache_dir) if cache_dir is not None else None
    if cache is None:
        return plan()
    try:
        return _remembered(SARIF_KIND, result, config, cache, plan)
    finally:
        cache.close()


def _left_alone(result: ScanResult, config: Config, cache: ScanCache) -> frozenset[str]:
    def plan() -> frozenset[str]:
        from codemods import agreement  # deferred: libcst and the codemods

        return agreement.left_alone(result, config)

    return _remembered(KIND, result, config, cache, plan)


def _remembered(
    kind: str, result: ScanResult, config: Config, cache: ScanCache, plan: Callable[[], T]
) -> T:
    """``plan()``'s answer as stored under ``kind``, or a new one (then stored), when a
    file the stored plan read or looked for has changed."""
    from codemods import plan_inputs  # no libcst: checking a stored answer stays cheap

    key = _plan_key(result, config)
    stored = cache.get(kind, key, "")
    if stored is not None:
        inputs, answer = stored
        if inputs.unchanged():
            return answer  # type: ignore[no-any-return]
    with plan_inputs.recording() as inputs:
        answer = plan()
    cache.put(kind, key, "", (inputs, answer))
    return answer


def _plan_key(result: ScanResult, config: Config) -> str:
    """Everything the plan's answer depends on but the files it reads."""
    facts = result.facts
    return stable_key(
        (
            _codemods_build(),
            config,
            result.findings,
            result.inventory,
            (facts, facts.calls, facts.constants),  # the last two are compare=False
            _files_digest(result.files),
            os.getcwd(),  # a path not in ``files`` resolves from here
        )
    )


def _files_digest(files: dict[str, Path]) -> str:
    """Every scanned file's name and place, in order: one hash, not a key per path (a
    tree has thousands)."""
    listing = "\0".join(f"{rel}\0{path}" for rel, path in files.items())
    return content_digest(listing.encode("utf-8", "surrogatepass"))


def _codemods_build() -> str:
    """The codemods' code and the libcst release they run on (its version file, read
    without importing libcst)."""
    import codemods

    spec = importlib.util.find_spec("libcst")
    origin = spec.origin if spec is not None else None
    version = Path(origin).with_name("_version.py") if origin else None
    seed = version.read_bytes() if version is not None and version.is_file() else b""
    return code_digest(Path(codemods.__file__).resolve().parent, seed)
