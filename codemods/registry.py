"""The codemods of the rule units, in the order ``fix`` runs them.

A rule unit with a fix has a package of the same name here
(``audit/rules/ca101_reject_cancellation`` -> ``codemods.ca101_reject_cancellation``)
whose ``CODEMODS`` lists its codemod classes in order and whose ``PHASE`` places it among
the other units: adding a fixable rule is adding that package. The catalog says which
rules exist; this module only pairs them with their codemods.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass

from audit.catalog import rule_units
from codemods.base import AuditCodemod


@dataclass(frozen=True)
class CodemodUnit:
    rule: str
    package: str  # codemods.<unit folder name>
    codemods: tuple[type[AuditCodemod], ...]
    phase: int


@functools.cache
def codemod_units() -> tuple[CodemodUnit, ...]:
    """Every rule unit's codemods, by phase (then rule id)."""
    found = []
    for unit in rule_units():
        package = f"{__package__}.{unit.folder.name}"
        if importlib.util.find_spec(package) is None:
            continue  # a rule with no automatic fix
        module = importlib.import_module(package)
        found.append(CodemodUnit(unit.id, package, tuple(module.CODEMODS), int(module.PHASE)))
    return tuple(sorted(found, key=lambda u: (u.phase, u.rule)))


def steps() -> tuple[tuple[str, type[AuditCodemod]], ...]:
    """``(rule, codemod class)`` in run order."""
    return tuple((unit.rule, cls) for unit in codemod_units() for cls in unit.codemods)


def fixable_rules() -> tuple[str, ...]:
    """The rules ``fix`` can rewrite, in run order."""
    return tuple(unit.rule for unit in codemod_units())
