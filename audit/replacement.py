"""One text edit of a proposed fix, shared by the fix layer (which computes it) and SARIF
(which carries it): delete from (start_line, start_column) up to, not including,
(end_line, end_column) and insert ``text``; 1-based code points, like findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional, Union


@dataclass(frozen=True)
class Replacement:
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str
    path: Optional[str] = None  # another file the fix changes; None: the finding's own


# A caller may also give a replacement as a mapping with the same keys.
ReplacementLike = Union[Replacement, Mapping[str, Any]]
