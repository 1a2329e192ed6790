"""A rule unit's fix examples: before/after projects that tests prove and people read.

A fixable unit has ``examples/fix/before/`` (a small project) and, per market setting,
``examples/fix/after_<setting>/`` holding only what ``cancel-audit fix`` changes or
writes in it under that setting (a file ``UNCHANGED`` says it changes nothing). The
tests in tests/rules run fix on ``before`` and compare with ``after``; ``explain`` and
the rule docs show the same pairs as diffs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from audit.catalog import rule_units
from audit.markets import DEADLINE_MARKET, Markets

# The market settings a pair is written for (``markets:`` in the project's config).
SETTINGS: dict[str, Markets] = {"us": Markets(), "mixed": Markets((DEADLINE_MARKET, "ID"))}
UNCHANGED = "UNCHANGED"  # in an after_<setting> folder: fix changes nothing there


@dataclass(frozen=True)
class FixPair:
    setting: str  # a key of SETTINGS
    before: Any  # Traversable: the project
    after: Any  # Traversable: the files fix changes or writes

    @property
    def markets(self) -> Markets:
        return SETTINGS[self.setting]

    @property
    def title(self) -> str:
        return f"markets: [{', '.join(self.markets)}]"

    def files_before(self) -> dict[str, str]:
        return files_of(self.before)

    def files_after(self) -> dict[str, str]:
        """The whole project after the fix: ``before`` with ``after``'s files laid over."""
        written = {path: text for path, text in files_of(self.after).items() if path != UNCHANGED}
        return {**self.files_before(), **written}

    def diff(self) -> str:
        """Unified diff, before -> after; files fix creates are only named."""
        before, after = self.files_before(), self.files_after()
        if before == after:
            return "(no change: the fix leaves this code to a person, with a note)\n"
        parts = []
        for path in sorted(after):
            old, new = before.get(path), after[path]
            if old is None:
                parts.append(f"new file {path} ({len(new.splitlines())} lines, written by fix)\n")
            elif old != new:
                old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
                parts.extend(difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}"))
        return "".join(parts)


def fix_pairs(unit_folder: Any) -> list[FixPair]:
    """The unit's pairs, ``us`` first."""
    folder = unit_folder.joinpath("examples").joinpath("fix")
    if not folder.is_dir():
        return []
    before = folder.joinpath("before")
    pairs = [
        FixPair(entry.name[len("after_") :], before, entry)
        for entry in folder.iterdir()
        if entry.name.startswith("after_") and entry.is_dir()
    ]
    return sorted(pairs, key=lambda pair: (pair.setting != "us", pair.setting))


def fix_examples(rule_id: str) -> list[FixPair]:
    """The rule's before/after pairs (none for a rule without an automatic fix)."""
    unit = next((u for u in rule_units() if u.id == rule_id), None)
    return fix_pairs(unit.folder) if unit is not None else []


def files_of(root: Any, prefix: str = "") -> dict[str, str]:
    """``relative path -> text`` of every file under ``root`` (a Traversable or Path)."""
    found: dict[str, str] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found.update(files_of(entry, f"{prefix}{entry.name}/"))
        elif entry.is_file():
            found[prefix + entry.name] = entry.read_text(encoding="utf-8")
    return found
