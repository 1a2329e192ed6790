"""Byte-level checks that decide which files are worth parsing.

Built once per scan from the catalog: every fragment that a match needs (endpoint path
pieces, SDK method spellings, error codes and messages, user patterns). A file whose bytes
contain none of them cannot produce a finding and is never decoded or parsed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from audit.cache import stable_key
from audit.catalog import Catalog
from audit.multi_search import each_place


def _needles(fragments: list[str]) -> tuple[bytes, ...]:
    """The fragments to look for, without those that contain a shorter one (finding
    ``cancellations`` already finds ``cancellations/search``). They are searched all at
    once (``audit.multi_search``), never as a regex alternation, which ``re`` tries at
    every byte."""
    unique = sorted({f.encode("utf-8") for f in fragments if f}, key=lambda f: (len(f), f))
    kept: list[bytes] = []
    for fragment in unique:
        if not any(shorter in fragment for shorter in kept):
            kept.append(fragment)
    return tuple(kept)


def _alternation(fragments: list[str]) -> bytes:
    """A pattern that finds any of ``fragments``, factored as a trie (``ab|ac`` becomes
    ``a(?:b|c)``), for the case-insensitive context markers. Python's ``re`` tries every
    branch of an alternation at every byte; the trie has far fewer. Only whether a
    fragment occurs matters, so a fragment that extends a shorter one is dropped."""
    trie: dict[int, Any] = {}
    for fragment in set(fragments):
        node = trie
        for byte in fragment.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = {}  # a fragment ends here
    return _trie_pattern(trie)


def _trie_pattern(node: dict[int, Any]) -> bytes:
    if -1 in node:
        return b""
    branches = [re.escape(bytes([byte])) + _trie_pattern(node[byte]) for byte in sorted(node)]
    return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"


def _code_pattern(code: int) -> str:
    """21011007 as written in code: 21011007 or 21_011_007."""
    return "_?".join(_digit_groups(code))


def _code_spellings(code: int) -> list[str]:
    """Every spelling _code_pattern matches: 21011007, 21_011007, 21011_007, 21_011_007."""
    head, *tail = _digit_groups(code)
    separators = itertools.product(("", "_"), repeat=len(tail))
    return [head + "".join(s + g for s, g in zip(seps, tail)) for seps in separators]


def _digit_groups(code: int) -> list[str]:
    digits = str(code)
    head = len(digits) % 3 or 3
    return [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]


def _value_hints(codes: tuple[int, ...], messages: tuple[str, ...]) -> list[bytes]:
    """Bytes that every line defining a constant the scan needs holds: a quoted API
    version starts ``"20``, an error code is spelled out, a message is written whole."""
    hints = [b'"20', b"'20"]
    hints.extend(s.encode() for code in codes for s in _code_spellings(code))
    hints.extend(m.encode("utf-8") for m in messages)
    return hints


@dataclass(frozen=True)
class Prefilter:
    needles: tuple[bytes, ...]
    context: re.Pattern[bytes]
    constants: re.Pattern[bytes]
    codes: tuple[int, ...]
    # Every place of a needle or a value hint: one pass over the bytes answers both "is
    # it a candidate" and "which lines may define a constant".
    places: Callable[[bytes], list[tuple[int, int]]] = field(compare=False, repr=False)
    # for each searched pattern (by index): is it a needle, is it a value hint
    roles: tuple[tuple[bool, bool], ...] = field(compare=False, repr=False)

    @classmethod
    def from_catalog(cls, catalog: Catalog, automaton: bool = True) -> Prefilter:
        fragments = catalog.prefilter_fragments()
        fragments.extend(s for code in catalog.codes for s in _code_spellings(code))
        needles = _needles(fragments)
        hints = _value_hints(catalog.codes, catalog.messages)
        patterns = list(dict.fromkeys((*needles, *hints)))
        roles = tuple((p in needles, p in hints) for p in patterns)
        code_patterns = b"|".join(_code_pattern(code).encode() for code in catalog.codes)
        context = re.compile(_alternation(list(catalog.context_markers)), re.IGNORECASE)
        # NAME = "202309" (an API version), NAME = 21011007 / "21011007" (an error code) or
        # NAME = "Package item has after-sale request" (its message)
        messages = b"".join(b"|" + re.escape(m.encode("utf-8")) for m in catalog.messages)
        numbers = b"20\\d{4}" + (b"|" + code_patterns if code_patterns else b"")
        values = numbers + messages
        constants = re.compile(
            rb"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*"
            rb"(?:[rRuU]?[\"'](" + values + rb")[\"']|(" + code_patterns + rb"))[ \t]*(?:#.*)?$",
            re.MULTILINE,
        )
        return cls(
            needles, context, constants, catalog.codes, each_place(patterns, automaton), roles
        )

    def key(self) -> str:
        """What the verdicts on a file depend on, for the cache (``audit.cache``)."""
        return stable_key((self.needles, self.context, self.constants, self.codes))

    def is_candidate(self, data: bytes) -> bool:
        return self.survey(data)[0]

    def has_context(self, data: bytes) -> bool:
        return self.context.search(data) is not None

    def project_constants(self, data: bytes) -> dict[str, Union[str, int]]:
        """Module-level API-version, error-code and error-message constants, for other
        modules to use."""
        return self.survey(data)[1]

    def survey(self, data: bytes) -> tuple[bool, dict[str, Union[str, int]]]:
        """Whether the file is a candidate, and the constants it defines, from one
        automaton pass over its bytes."""
        candidate = False
        value_at: list[int] = []
        for index, start in self.places(data):
            needle, hint = self.roles[index]
            candidate = candidate or needle
            if hint:
                value_at.append(start)
        lines = sorted({data.rfind(b"\n", 0, at) + 1 for at in value_at})
        return candidate, self._constants_on(data, lines)

    def _constants_on(self, data: bytes, lines: list[int]) -> dict[str, Union[str, int]]:
        # The line pattern is tried only on lines that hold a possible value: run over a
        # whole file, ``re`` tries it at every line.
        found: dict[str, Union[str, int]] = {}
        for start in lines:
            end = data.find(b"\n", start)
            match = self.constants.match(data, start, len(data) if end < 0 else end)
            if match is None:
                continue
            name = match.group(1).decode("ascii")
            if match.group(3) is not None:
                found[name] = int(match.group(3).replace(b"_", b""))
            else:
                text = match.group(2).decode("utf-8")
                digits = text.replace("_", "")
                found[name] = (
                    int(digits) if digits.isdigit() and int(digits) in self.codes else text
                )
        return found
