"""Apply the codemods to a scanned project: plan, verify, then diff or write.

For each file with fixable findings the runner parses once, runs the selected codemods
in order (CA201 first, so a reject call inside a dead 21011007 branch goes with the
branch), and keeps the result only if it re-parses, re-scans clean for every rule it
claims to have fixed (what remains must be a site it reported as manual), and a second
pass changes nothing. Writes are atomic and keep encoding, BOM, newlines and file mode.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.helpers import ModuleNameAndPackage, calculate_module_and_package

from audit.atomic import write_bytes_atomic
from audit.catalog import load_catalog
from audit.config import Config, apply_to_catalog
from audit.findings import Finding, ScanResult
from audit.prefilter import Prefilter
from audit.python.detector import FileContext, detect
from audit.scan_file import apply_suppressions
from audit.scanner import ScanOptions, scan
from audit.source import SourceError, decode, read_bytes
from codemods.base import AuditCodemod, FixSettings, ManualNote
from codemods.freed_imports import DropFreedImports, referenced_names
from codemods.helper_module import (
    HELPER_MODULE,
    MARKER,
    ClientMethods,
    render_helper,
)
from codemods.reject_to_ship import HelperImport, RejectToShip

_MAX_ROUNDS = 4

# Order matters: dead 21011007 branches go before their reject calls are rewritten.
CODEMODS: dict[str, str] = {
    "CA201": "codemods.after_sale_cleanup:RemoveAfterSaleHandling",
    "CA101": "codemods.reject_to_ship:RejectToShip",
    "CA301": "codemods.pending_via_order_filter:PendingViaOrderFilter",
}


@dataclass
class FileFix:
    path: Path
    rel: str
    before: str
    after: str
    encoding: str
    fixed: dict[str, int] = field(default_factory=dict)  # rule -> rewrites
    manual: list[ManualNote] = field(default_factory=list)
    failure: Optional[str] = None  # why the file was left untouched
    created: bool = False  # a new file (the helper module)

    @property
    def changed(self) -> bool:
        return self.failure is None and self.before != self.after

    def diff(self) -> str:
        before = "/dev/null" if self.created else f"a/{self.rel}"
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            before,
            f"b/{self.rel}",
        )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines
        )


@dataclass
class FixPlan:
    files: list[FileFix]
    skipped_unsafe: int  # findings an --unsafe-fixes run would also rewrite
    scan: ScanResult

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]

    def fix_count(self) -> int:
        return sum(sum(f.fixed.values()) for f in self.changed if not f.created)


def _codemod_class(rule: str) -> Optional[type[AuditCodemod]]:
    module_name, name = CODEMODS[rule].split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    cls: type[AuditCodemod] = getattr(module, name)
    return cls


def _package_root(path: Path) -> Optional[Path]:
    root = None
    directory = path.parent
    while (directory / "__init__.py").is_file():
        root = directory
        directory = directory.parent
    return root


def _helper_import(file: Path, helper_dir: Path, in_package: bool) -> HelperImport:
    if not in_package:
        return HelperImport(HELPER_MODULE)
    depth = len(file.parent.resolve().relative_to(helper_dir.resolve()).parts)
    return HelperImport(HELPER_MODULE, relative=depth + 1)


def _client_methods(project_text: str) -> tuple[ClientMethods, bool, bool]:
    """The project's own spellings; whether get_order_detail/ship_package exist, and
    whether its search_cancellations can filter by cancel_ids."""
    catalog = load_catalog()

    def defined(endpoint: str) -> Optional[tuple[str, str]]:
        spellings = (
            catalog.endpoints[endpoint].weak_methods + catalog.endpoints[endpoint].strong_methods
        )
        for name in spellings:
            match = re.search(rf"def {re.escape(name)}\(([^)]*)\)", project_text)
            if match:
                return name, match.group(1)
        return None

    search, detail, ship = (
        defined("search_cancellations"),
        defined("order_detail"),
        defined("ship_package"),
    )
    methods = ClientMethods(
        search_cancellations=search[0] if search else "search_cancellations",
        order_detail=detail[0] if detail else "get_order_detail",
        ship_package=ship[0] if ship else "ship_package",
    )
    by_cancel_id = search is not None and ("cancel_ids" in search[1] or "**" in search[1])
    return methods, detail is not None and ship is not None, by_cancel_id


def plan_fixes(
    paths: tuple[Path, ...],
    config: Config,
    rules: Optional[frozenset[str]] = None,
    unsafe: bool = False,
) -> FixPlan:
    result = scan(ScanOptions(paths, config))
    catalog = apply_to_catalog(config, load_catalog())
    wanted = {rule for rule in CODEMODS if rules is None or rule in rules}
    fixable = [f for f in result.findings if f.rule in wanted and f.fix in ("safe", "unsafe")]
    skipped_unsafe = sum(1 for f in fixable if f.fix == "unsafe" and not unsafe)
    selected = {f.rule for f in fixable if f.fix == "safe" or unsafe}
    by_path: dict[str, list[str]] = {}
    for finding in fixable:
        if finding.rule in selected:
            by_path.setdefault(finding.path, []).append(finding.rule)

    sources = _read_sources(result, by_path)
    project_text = "\n".join(text for _, text, _ in sources.values())
    constants: dict[str, object] = {}
    prefilter = Prefilter.from_catalog(catalog)
    for _, text, _ in sources.values():
        constants.update(prefilter.project_constants(text.encode("utf-8", "replace")))
    methods, client_ready, search_by_cancel_id = _client_methods(project_text)

    findings_by_path: dict[str, list[Finding]] = {}
    for finding in fixable:
        findings_by_path.setdefault(finding.path, []).append(finding)
    project_constants = {k: v for k, v in constants.items() if isinstance(v, (str, int))}
    current = {rel: text for rel, (_, text, _) in sources.items()}
    fixes: dict[str, FileFix] = {}
    # A rewrite in one file can free a definition in another (the last use of
    # AFTER_SALE_PENDING goes, so errors.py can drop it): repeat until nothing moves.
    for _ in range(_MAX_ROUNDS):
        moved = False
        for rel, file_rules in sorted(by_path.items()):
            if rel not in sources or (rel in fixes and fixes[rel].failure):
                continue
            path, original, encoding = sources[rel]
            root = _package_root(path)
            settings = FixSettings(
                catalog=catalog,
                markets=config.markets,
                project_constants=project_constants,
                project_text="\n".join(t for r, t in current.items() if r != rel),
            )
            fix = _fix_file(
                path,
                rel,
                current[rel],
                encoding,
                sorted(set(file_rules), key=list(CODEMODS).index),
                settings,
                _helper_import(path, root or path.parent, root is not None),
                client_ready,
                search_by_cancel_id,
                config,
            )
            if rel in fixes:  # a later round: keep the original text and the earlier counts
                for rule, count in fixes[rel].fixed.items():
                    fix.fixed[rule] = fix.fixed.get(rule, 0) + count
                fix.manual = map_notes(fix.manual, current[rel], original)
            fix.before = original
            fixes[rel] = fix
            if fix.after != current[rel]:
                current[rel] = fix.after
                moved = True
        if not moved:
            break

    files: list[FileFix] = []
    helper_dirs: dict[Path, bool] = {}
    for rel, fix in sorted(fixes.items()):
        _note_untouched(fix, findings_by_path.get(rel, []))
        files.append(fix)
        if fix.changed and "ship_to_reject" in fix.after and "ship_to_reject" not in fix.before:
            root = _package_root(fix.path)
            helper_dirs[root or fix.path.parent] = True
    for directory in helper_dirs:
        files.append(
            _helper_file(directory, render_helper(methods, us_only=config.markets == ("US",)))
        )
    return FixPlan(files, skipped_unsafe, result)


def _note_untouched(fix: FileFix, findings: list[Finding]) -> None:
    """Keep the notes that explain a finding the scan reported (a codemod sees one file
    and may note code the project-wide scan calls live); add a note for every finding
    of a rule no codemod rewrote here and no note explains."""
    reported = {(f.rule, f.line) for f in findings}
    fix.manual = [n for n in fix.manual if (n.rule, n.line) in reported]
    for finding in findings:
        if finding.rule in fix.fixed:
            continue
        if any(n.rule == finding.rule and n.line == finding.line for n in fix.manual):
            continue
        fix.manual.append(
            ManualNote(
                finding.rule,
                finding.line,
                finding.column,
                f"no automatic rewrite for this shape; `cancel-audit explain {finding.rule}` "
                "shows what to use instead",
            )
        )


def _read_sources(
    result: ScanResult, by_path: dict[str, list[str]]
) -> dict[str, tuple[Path, str, str]]:
    """Text of every parsed file with an inventory entry or finding: the project's API code."""
    rels = {f.path for f in result.findings} | {i.path for i in result.inventory} | set(by_path)
    sources = {}
    for rel in rels:
        path = Path(rel) if Path(rel).is_absolute() else Path.cwd() / rel
        try:
            decoded = decode(read_bytes(path))
        except SourceError:
            continue
        sources[rel] = (path, decoded.text, decoded.encoding)
    return sources


def _module_names(path: Path) -> ModuleNameAndPackage:
    """``tiktok_bridge.client`` in package ``tiktok_bridge``: relative imports resolve."""
    root = _package_root(path)
    base = root.parent if root is not None else path.parent
    return calculate_module_and_package(str(base), str(path))


def _apply(
    module: cst.Module,
    rules: list[str],
    settings: FixSettings,
    helper: HelperImport,
    client_ready: bool,
    search_by_cancel_id: bool,
    rel: str,
    names: ModuleNameAndPackage,
) -> tuple[cst.Module, dict[str, int], list[ManualNote]]:
    fixed: dict[str, int] = {}
    manual: list[ManualNote] = []
    original = module.code
    used_before = referenced_names(module)
    for rule in rules:
        cls = _codemod_class(rule)
        if cls is None:
            continue
        codemod: AuditCodemod
        if cls is RejectToShip:
            # No package name: AddImportsVisitor would make ``from .ship_to_reject`` absolute.
            context = CodemodContext(filename=rel)
            codemod = RejectToShip(context, settings, helper, client_ready, search_by_cancel_id)
        else:  # the package lets RemoveImportsVisitor resolve ``from .errors import X``
            context = CodemodContext(
                filename=rel, full_module_name=names.name, full_package_name=names.package
            )
            codemod = cls(context, settings)
        before = module.code
        module = codemod.transform_module(module)
        if codemod.changes:
            fixed[rule] = codemod.changes
        # Notes are positioned in this codemod's input; report them in the file as it was.
        manual.extend(map_notes(codemod.manual, before, original))
    if fixed:
        context = CodemodContext(
            filename=rel, full_module_name=names.name, full_package_name=names.package
        )
        module = DropFreedImports(context, used_before).transform_module(module)
    return module, fixed, manual


def map_notes(notes: list[ManualNote], source: str, target: str) -> list[ManualNote]:
    """Move note lines from ``source`` to ``target`` through the lines both share.

    Notes mark code a codemod left alone, so their lines survive the other rewrites.
    """
    if source == target or not notes:
        return list(notes)
    matcher = difflib.SequenceMatcher(None, source.splitlines(), target.splitlines(), False)
    line_map: dict[int, int] = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                line_map[i1 + offset + 1] = j1 + offset + 1
    return [dataclasses.replace(n, line=line_map.get(n.line, n.line)) for n in notes]


def _fix_file(
    path: Path,
    rel: str,
    text: str,
    encoding: str,
    rules: list[str],
    settings: FixSettings,
    helper: HelperImport,
    client_ready: bool,
    search_by_cancel_id: bool,
    config: Config,
) -> FileFix:
    fix = FileFix(path, rel, text, text, encoding)
    names = _module_names(path)
    try:
        module = cst.parse_module(text)
        new_module, fix.fixed, fix.manual = _apply(
            module, rules, settings, helper, client_ready, search_by_cancel_id, rel, names
        )
        after = new_module.code
        if after == text:
            return fix
        reparsed = cst.parse_module(after)
        again, _, _ = _apply(
            reparsed, rules, settings, helper, client_ready, search_by_cancel_id, rel, names
        )
    except cst.ParserSyntaxError as exc:
        fix.failure = f"the rewrite does not parse ({exc.message}); file left untouched"
        return fix
    except Exception as exc:  # a codemod bug must not lose the user's file
        fix.failure = f"codemod failed ({type(exc).__name__}: {exc}); file left untouched"
        return fix
    if again.code != after:
        fix.failure = "a second pass would change the file again; file left untouched"
        return fix
    leftover = _remaining(after, rel, fix, settings, config)
    if leftover:
        fix.failure = f"re-scan still finds {leftover}; file left untouched"
        return fix
    fix.after = after
    return fix


def _remaining(after: str, rel: str, fix: FileFix, settings: FixSettings, config: Config) -> str:
    """Findings of a fixed rule that the rewrite should have removed and did not."""
    module = cst.parse_module(after)
    context = FileContext(rel, config.markets, True, True, dict(settings.project_constants))
    output = detect(module, after.splitlines(), settings.catalog, context)
    findings, _, _ = apply_suppressions(output.findings, output.suppressions)
    problems = []
    for rule in fix.fixed:
        left = [f for f in findings if f.rule == rule]
        manual = [n for n in fix.manual if n.rule == rule]
        if len(left) > len(manual):
            problems.append(f"{len(left) - len(manual)} {rule}")
    return ", ".join(problems)


def _helper_file(directory: Path, text: str) -> FileFix:
    path = directory / f"{HELPER_MODULE}.py"
    rel = (
        path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        if Path.cwd().resolve() in path.resolve().parents
        else path.as_posix()
    )
    if path.exists():
        existing = path.read_text(encoding="utf-8", errors="replace")
        fix = FileFix(path, rel, existing, existing, "utf-8")
        if MARKER not in existing:
            fix.failure = f"{rel} exists and was not written by cancel-audit; not overwritten"
        return fix
    return FileFix(path, rel, "", text, "utf-8", fixed={"helper": 1}, created=True)


def write_fix(fix: FileFix) -> None:
    """Atomically replace the file, keeping its encoding (and BOM) and file mode."""
    encoding = fix.encoding
    data = fix.after.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    write_bytes_atomic(fix.path, data)
