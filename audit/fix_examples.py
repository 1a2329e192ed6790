"""A rule unit's fix examples as people read them: ``explain`` and the rule docs show the
before/after pairs that tests/rules/test_rule_fixes.py proves.

A pair is ``examples/fix_<setting>/before/`` and ``.../after/`` in the unit's folder: a
small project and what ``cancel-audit fix`` makes of it under that market setting.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from audit.catalog import rule_units
from audit.markets import DEADLINE_MARKET, Markets

# The market settings a pair is written for (``markets:`` in the project's config).
SETTINGS: dict[str, Markets] = {"us": Markets(), "mixed": Markets((DEADLINE_MARKET, "ID"))}


@dataclass(frozen=True)
class FixExample:
    setting: str  # a key of SETTINGS
    markets: Markets
    diff: str  # unified diff, before -> after; files fix creates are only named

    @property
    def title(self) -> str:
        return f"markets: [{', '.join(self.markets)}]"


def fix_pairs(unit_folder: Any) -> dict[str, Any]:
    """``setting -> examples/fix_<setting>`` folders of one unit (Traversables)."""
    folder = unit_folder.joinpath("examples")
    if not folder.is_dir():
        return {}
    return {
        entry.name[len("fix_") :]: entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.startswith("fix_") and entry.is_dir()
    }


def files_of(root: Any, prefix: str = "") -> dict[str, str]:
    """``relative path -> text`` of every source file under ``root`` (a Traversable)."""
    found: dict[str, str] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found.update(files_of(entry, f"{prefix}{entry.name}/"))
        elif entry.is_file():
            found[prefix + entry.name] = entry.read_text(encoding="utf-8")
    return found


def fix_examples(rule_id: str) -> list[FixExample]:
    """The rule's before/after pairs as diffs, in setting order (``us`` first)."""
    unit = next((u for u in rule_units() if u.id == rule_id), None)
    if unit is None:
        return []
    examples = []
    for setting, folder in sorted(fix_pairs(unit.folder).items(), key=lambda p: p[0] != "us"):
        before = files_of(folder.joinpath("before"))
        after = files_of(folder.joinpath("after"))
        examples.append(FixExample(setting, SETTINGS[setting], _diff(before, after)))
    return examples


def _diff(before: dict[str, str], after: dict[str, str]) -> str:
    if before == after:
        return "(no change: the fix leaves this code to a person, with a note)\n"
    parts = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        if old is None and new is not None:
            parts.append(f"new file {path} ({len(new.splitlines())} lines, written by fix)\n")
            continue
        parts.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}" if new is not None else "/dev/null",
            )
        )
    return "".join(parts)
