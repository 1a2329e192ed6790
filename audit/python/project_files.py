"""The scan's project-model step: read the candidates with ``ast``, learn the project's
wrappers, builders, join templates and constants, and pull in the files that call them.

A file that only calls ``client.get_order_details(...)`` holds no catalog fragment, so
the prefilter never made it a candidate; once the model knows the name, it is one.
"""

from __future__ import annotations

import re
from typing import Optional

from audit.cache import ScanCache
from audit.catalog import Catalog
from audit.discovery import SourceFile
from audit.findings import FileError
from audit.prefilter import Prefilter
from audit.python.model_builder import ModelBuilder
from audit.scan_file import Candidate, read_matching
from audit.source import SourceError, decode

_ROUNDS = 2  # callers of wrappers, then callers of wrappers found in those files
_PYTHON = (".py", ".pyw", ".pyi")


def with_project_model(
    catalog: Catalog,
    prefilter: Prefilter,
    candidates: list[Candidate],
    others: list[SourceFile],
    errors: list[FileError],
    cache: Optional[ScanCache] = None,
) -> tuple[Catalog, list[Candidate], list[SourceFile]]:
    """The catalog with the project model, the candidates with the files calling into
    the model, and the files still left over."""
    builder = ModelBuilder(catalog, catalog.other_marketplaces)
    for candidate in candidates:
        _add(builder, candidate)
    model = builder.build()
    pulled: list[Candidate] = []
    rest = [f for f in others if f.path.name.endswith(_PYTHON)]
    left = [f for f in others if not f.path.name.endswith(_PYTHON)]
    known: set[str] = set()
    for _ in range(_ROUNDS):
        called = sorted(model.callables() - known)
        overrides = sorted(model.overrides() - known)
        constants = sorted(model.path_constants() - known)
        if not (called or overrides or constants) or not rest:
            break
        known |= {*called, *overrides, *constants}
        pattern = _mentions(called, overrides, constants)
        names = [*called, *overrides, *constants]
        found, rest = read_matching(rest, pattern, prefilter, errors, names, cache)
        if not found:
            break
        for candidate in found:
            _add(builder, candidate)
        pulled.extend(found)
        model = builder.build()
    # a file that only names a wrapper (``job.run()``, another class's ``get_orders``)
    # without a call static code resolves to it is not worth parsing with libcst
    calling = builder.calling(model, (c.file.rel for c in pulled))
    kept = [c for c in pulled if c.file.rel in calling]
    rest.extend(c.file for c in pulled if c.file.rel not in calling)
    return catalog.with_project(model), [*candidates, *kept], [*rest, *left]


def _mentions(called: list[str], overrides: list[str], constants: list[str]) -> re.Pattern[bytes]:
    """A call of one of ``called`` (``name(``), of an override through ``self.`` or
    ``env[...]``, or a mention of one of ``constants``."""
    parts = []
    if called:
        parts.append(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in called) + rb")\s*\(")
    if overrides:
        names = b"|".join(re.escape(n.encode()) for n in overrides)
        parts.append(rb"(?:\bself|\benv\[[^\n]*?)\.(?:" + names + rb")\s*\(")
    if constants:
        parts.append(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in constants) + rb")\b")
    return re.compile(b"|".join(parts))


def _add(builder: ModelBuilder, candidate: Candidate) -> None:
    if not candidate.file.path.name.endswith(_PYTHON):
        return
    try:
        text = decode(candidate.data).text
    except SourceError:
        return
    builder.add(candidate.file.rel, text)
