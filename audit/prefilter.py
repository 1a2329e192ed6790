"""Byte-level checks that decide which files are worth parsing.

Built once per scan from the catalog: one compiled alternation of every fragment that a
match needs (endpoint path pieces, SDK method spellings, error codes and messages, user
patterns). A file whose bytes contain none of them cannot produce a finding and is never
decoded or parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from audit.catalog import Catalog


def _alternation(fragments: list[str]) -> bytes:
    # Longest first so the regex engine settles on the most specific fragment.
    ordered = sorted(set(fragments), key=len, reverse=True)
    return b"|".join(re.escape(f.encode("utf-8")) for f in ordered)


def _code_pattern(code: int) -> str:
    """21011007 as written in code: 21011007 or 21_011_007."""
    digits = str(code)
    groups = []
    head = len(digits) % 3 or 3
    groups.append(digits[:head])
    groups.extend(digits[i : i + 3] for i in range(head, len(digits), 3))
    return "_?".join(groups)


@dataclass(frozen=True)
class Prefilter:
    candidate: re.Pattern[bytes]
    context: re.Pattern[bytes]
    constants: re.Pattern[bytes]
    codes: tuple[int, ...]

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Prefilter:
        fragments = catalog.prefilter_fragments()
        fragments.extend(_code_pattern(code) for code in catalog.codes)
        escaped = _alternation([f for f in fragments if "_?" not in f])
        code_patterns = b"|".join(_code_pattern(code).encode() for code in catalog.codes)
        candidate = re.compile(escaped + (b"|" + code_patterns if code_patterns else b""))
        context = re.compile(_alternation(list(catalog.context_markers)), re.IGNORECASE)
        # NAME = "202309" (an API version) or NAME = 21011007 / "21011007" (an error code)
        values = b"20\\d{4}" + (b"|" + code_patterns if code_patterns else b"")
        constants = re.compile(
            rb"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*"
            rb"(?:[rRuU]?[\"'](" + values + rb")[\"']|(" + code_patterns + rb"))[ \t]*(?:#.*)?$",
            re.MULTILINE,
        )
        return cls(candidate, context, constants, catalog.codes)

    def is_candidate(self, data: bytes) -> bool:
        return self.candidate.search(data) is not None

    def has_context(self, data: bytes) -> bool:
        return self.context.search(data) is not None

    def project_constants(self, data: bytes) -> dict[str, Union[str, int]]:
        """Module-level API-version and error-code constants, for other modules to use."""
        found: dict[str, Union[str, int]] = {}
        for match in self.constants.finditer(data):
            name = match.group(1).decode("ascii")
            if match.group(3) is not None:
                found[name] = int(match.group(3).replace(b"_", b""))
            else:
                text = match.group(2).decode("ascii").replace("_", "")
                found[name] = int(text) if int(text) in self.codes else text
        return found
