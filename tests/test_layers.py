"""Layers only point down: CLI -> commands -> {fix, report, CI outputs, sandbox} -> scan
-> core model. The import-linter contracts in pyproject.toml check real imports; module
names in strings (the lazy verb and format registries) are checked here, because an import
graph cannot see them."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Optional

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cancel_audit_cli", "audit", "codemods", "reports")
# A whole string that names one of our modules, optionally with ":attribute".
MODULE_NAME = re.compile(rf"(?P<module>(?:{'|'.join(PACKAGES)})(?:\.\w+)*)(?::\w+)?")

# Layer ranks, high to low; within SERVICES each package is an independent sibling.
CLI, COMMANDS, SERVICES, SCAN = 4, 3, 2, 1
SERVICE_PACKAGES = ("codemods", "reports", "audit.output", "audit.sandbox")
ENTRY_POINTS = ("audit.__main__", "cancel_audit_cli", "cancel_audit_cli.__main__")


def layer(module: str) -> tuple[int, str]:
    """(rank, sibling group) of one of our modules."""
    if module in ENTRY_POINTS or module == "cancel_audit_cli.cli":
        return CLI, "cli"
    if module.startswith("cancel_audit_cli.commands"):
        return COMMANDS, "commands"
    for package in SERVICE_PACKAGES:
        if module == package or module.startswith(package + "."):
            return SERVICES, package
    return SCAN, "audit"


def names_upward(holder: str, named: str) -> bool:
    """Whether module ``holder`` naming module ``named`` breaks the layering."""
    (holder_rank, holder_group), (named_rank, named_group) = layer(holder), layer(named)
    if holder_rank == named_rank:
        return holder_group != named_group
    return named_rank > holder_rank


def module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def named_module(text: str) -> Optional[str]:
    match = MODULE_NAME.fullmatch(text)
    if match and is_module(match["module"]):
        return match["module"]
    return None


def string_names(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every string constant in ``path`` that is a module name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            module = named_module(node.value)
            if module is not None:
                found.append((node.lineno, module))
    return found


def test_import_linter_contracts_hold() -> None:
    # the check .ci/run makes with `lint-imports`: 0 means every contract is kept
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_module_names_in_strings_point_down() -> None:
    upward = [
        f"{path.relative_to(ROOT)}:{line}: {module_of(path)} names {module}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in string_names(path)
        if names_upward(module_of(path), module)
    ]
    assert upward == []


def test_the_registries_are_seen() -> None:
    # the check above must see the lazy registries, or it proves nothing
    verbs = {module for _, module in string_names(ROOT / "cancel_audit_cli" / "cli.py")}
    assert {"cancel_audit_cli.commands.fix", "audit.sandbox.command"} <= verbs
    formats = {m for _, m in string_names(ROOT / "cancel_audit_cli" / "commands" / "formats.py")}
    assert {"reports.render", "audit.output.sarif"} <= formats


@pytest.mark.parametrize(
    ("holder", "named", "upward"),
    [
        ("cancel_audit_cli.cli", "cancel_audit_cli.commands.fix", False),
        ("cancel_audit_cli.commands.formats", "reports.render", False),
        ("codemods.runner", "codemods.pending_guard", False),
        ("reports.render", "audit.findings", False),
        # what the layering used to break: the format registry among the CI outputs, the
        # verbs importing the CLI back, the scan and the report asking the fix layer
        ("audit.output", "reports.render", True),
        ("codemods.runner", "cancel_audit_cli.cli", True),
        ("reports.render", "cancel_audit_cli.commands.options", True),
        ("audit.scanner", "codemods.agreement", True),
        ("reports.context", "codemods.agreement", True),
    ],
)
def test_names_upward(holder: str, named: str, upward: bool) -> None:
    assert names_upward(holder, named) is upward
