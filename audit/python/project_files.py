"""The scan's project-model step: read the candidates with ``ast``, learn the project's
wrappers, builders, join templates and constants, and pull in the files that call them.

A file that only calls ``client.get_order_details(...)`` holds no catalog fragment, so
the prefilter never made it a candidate; once the model knows the name, it is one. So is
a file that only uses an error-code constant defined elsewhere (``from .errors import
AFTER_SALE``): both are found in the same read of the rest of the tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
_CODE_USERS = (".py", ".pyw")  # a stub only declares the constant it names


def with_project_model(
    catalog: Catalog,
    prefilter: Prefilter,
    candidates: list[Candidate],
    others: list[SourceFile],
    errors: list[FileError],
    cache: Optional[ScanCache] = None,
    code_names: Sequence[str] = (),
) -> tuple[Catalog, list[Candidate], list[SourceFile]]:
    """The catalog with the project model, the candidates with the files calling into
    the model or naming one of ``code_names`` (constants whose value is an error code),
    and the files still left over."""
    builder = ModelBuilder(catalog, catalog.other_marketplaces)
    for candidate in candidates:
        _add(builder, candidate)
    model = builder.build()
    pulled: list[Candidate] = []
    rest = [f for f in others if f.path.name.endswith(_PYTHON)]
    left = [f for f in others if not f.path.name.endswith(_PYTHON)]
    code_users: list[Candidate] = []
    code_mention = _word_of(code_names) if code_names else None
    known: set[str] = set()
    for round_ in range(_ROUNDS):
        called = sorted(model.callables() - known)
        overrides = sorted(model.overrides() - known)
        constants = sorted(model.path_constants() - known)
        codes = list(code_names) if round_ == 0 else []  # the first read finds them all
        if not (called or overrides or constants or codes) or not rest:
            break
        known |= {*called, *overrides, *constants}
        calls = _mentions(called, overrides, constants)
        either = _either(calls, code_mention if codes else None)
        names = [*called, *overrides, *constants, *codes]
        found, rest = read_matching(rest, either, prefilter, errors, names, cache)
        calling_found = False
        for candidate in found:
            if calls is not None and calls.search(candidate.data):
                _add(builder, candidate)
                pulled.append(candidate)
                calling_found = True
            elif _uses(code_mention, candidate):
                code_users.append(candidate)
            else:
                rest.append(candidate.file)  # a stub naming the constant: nothing to scan
        if not calling_found:
            break
        model = builder.build()
    # a file that only names a wrapper (``job.run()``, another class's ``get_orders``)
    # without a call static code resolves to it is not worth parsing with libcst
    calling = builder.calling(model, (c.file.rel for c in pulled))
    kept = [c for c in pulled if c.file.rel in calling]
    for candidate in pulled:
        if candidate.file.rel in calling:
            continue
        if _uses(code_mention, candidate):
            code_users.append(candidate)  # no call into the model, but the constant
        else:
            rest.append(candidate.file)
    return catalog.with_project(model), [*candidates, *kept, *code_users], [*rest, *left]


def _uses(code_mention: Optional[re.Pattern[bytes]], candidate: Candidate) -> bool:
    """Whether a Python module (not a stub, which only declares it) names a code constant."""
    return (
        code_mention is not None
        and candidate.file.path.name.endswith(_CODE_USERS)
        and code_mention.search(candidate.data) is not None
    )


def _word_of(names: Sequence[str]) -> re.Pattern[bytes]:
    return re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b")


def _either(
    first: Optional[re.Pattern[bytes]], second: Optional[re.Pattern[bytes]]
) -> re.Pattern[bytes]:
    parts = [p.pattern for p in (first, second) if p is not None]
    return re.compile(b"|".join(parts))


def _mentions(
    called: list[str], overrides: list[str], constants: list[str]
) -> Optional[re.Pattern[bytes]]:
    """A call of one of ``called`` (``name(``), of an override through ``self.`` or
    ``env[...]``, or a mention of one of ``constants``; None when there is none."""
    parts = []
    if called:
        parts.append(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in called) + rb")\s*\(")
    if overrides:
        names = b"|".join(re.escape(n.encode()) for n in overrides)
        parts.append(rb"(?:\bself|\benv\[[^\n]*?)\.(?:" + names + rb")\s*\(")
    if constants:
        parts.append(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in constants) + rb")\b")
    return re.compile(b"|".join(parts)) if parts else None


def _add(builder: ModelBuilder, candidate: Candidate) -> None:
    if not candidate.file.path.name.endswith(_PYTHON):
        return
    try:
        text = decode(candidate.data).text
    except SourceError:
        return
    builder.add(candidate.file.rel, text)
