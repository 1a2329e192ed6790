"""The rewrites of ``cancel-audit fix`` as SARIF fixes, for ``scan --format sarif``.

SARIF attaches fixes to results. A codemod rewrites a whole file at once (several
findings, imports, a helper module), so each changed file's edits go on the first
rewritten finding in it, with the helper module's creation alongside; the other
findings of the file point at the same rewrite through the rule's fix text.
"""

from __future__ import annotations

import difflib

from audit.config import Config
from audit.findings import ScanResult
from audit.replacement import Replacement
from audit.source import python_lines
from codemods.runner import FileFix, plan_fixes


def line_replacements(fix: FileFix) -> list[Replacement]:
    """Whole-line edits that turn the file's text before into its text after."""
    before = python_lines(fix.before, keepends=True)
    after = python_lines(fix.after, keepends=True)
    path = fix.rel if fix.created else None
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Replacement(i1 + 1, 1, i2 + 1, 1, "".join(after[j1:j2]), path))
    return edits


def sarif_fixes(result: ScanResult, config: Config) -> dict[str, list[Replacement]]:
    """fingerprint -> replacements, for the safe fixes ``cancel-audit fix`` would make of
    this scan's findings."""
    plan = plan_fixes(result, config)
    created = [edit for f in plan.changed if f.created for edit in line_replacements(f)]
    fixed_by_path = {f.rel: f for f in plan.changed if not f.created}
    fixes: dict[str, list[Replacement]] = {}
    for path, file_fix in sorted(fixed_by_path.items()):
        first = next(
            (
                finding
                for finding in sorted(result.findings, key=lambda f: (f.line, f.column))
                if finding.path == path and finding.rule in file_fix.fixed
            ),
            None,
        )
        if first is None:
            continue
        edits = line_replacements(file_fix)
        if created and "ship_to_reject" in file_fix.after:
            edits += created  # the helper module is created once, with the first user
            created = []
        fixes[first.fingerprint] = edits
    return fixes
