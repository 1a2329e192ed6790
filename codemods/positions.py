"""Carry line positions from one version of a file to the next.

Findings and notes are positioned in the text the scan read; each codemod rewrites part
of it. Lines a rewrite did not touch keep their content, so they are found again through
the blocks both versions share (difflib's equal blocks), with their columns unchanged.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence
from typing import TypeVar

from audit.findings import Finding
from audit.source import python_lines
from codemods.base import ManualNote

_Noted = TypeVar("_Noted", Finding, ManualNote)


def line_map(source: str, target: str) -> dict[int, int]:
    """1-based line in ``source`` -> the same, untouched line in ``target``."""
    matcher = difflib.SequenceMatcher(None, python_lines(source), python_lines(target), False)
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                mapping[i1 + offset + 1] = j1 + offset + 1
    return mapping


def map_notes(notes: Sequence[ManualNote], source: str, target: str) -> list[ManualNote]:
    """Notes mark code a codemod left alone; an unmapped line keeps its number."""
    if source == target or not notes:
        return list(notes)
    mapping = line_map(source, target)
    return [dataclasses.replace(n, line=mapping.get(n.line, n.line)) for n in notes]


def map_findings(findings: Sequence[Finding], source: str, target: str) -> list[Finding]:
    """The findings whose first and last lines survive into ``target``, moved there.

    A finding on a line a rewrite changed is gone from this version: its code was
    rewritten or removed with the code around it.
    """
    if source == target:
        return list(findings)
    mapping = line_map(source, target)
    moved = []
    for finding in findings:
        start, end = mapping.get(finding.line), mapping.get(finding.end_line)
        if start is not None and end is not None and end - start == finding.end_line - finding.line:
            moved.append(dataclasses.replace(finding, line=start, end_line=end))
    return moved
