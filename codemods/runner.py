"""Apply the codemods to the findings of one scan: plan, verify, then diff or write.

``cancel-audit fix`` scans once and hands each file's fixable findings (those the scan
stamped safe, or unsafe with ``--unsafe-fixes``) to the codemods, in order: CA201 first,
so a reject call inside a dead 21011007 branch goes with the branch. No codemod detects
on its own. A file's rewrite is kept only if it re-parses, a second pass changes
nothing, and one re-scan of it finds no finding the rewrite should have removed
(what remains of its targets must carry a manual note). Files are read and written
where the scan found them, whatever the working directory.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.helpers import ModuleNameAndPackage, calculate_module_and_package

from audit.catalog import Catalog, load_catalog
from audit.config import Config, apply_to_catalog
from audit.facts import ProjectFacts
from audit.findings import CONFIDENCE_RANK, Finding, ScanResult
from audit.fixability import FIXABLE
from audit.origin import PRODUCTION, origin_of
from audit.python.detector import FileContext, detect
from audit.python.shapes import GUARDS
from audit.scan_file import apply_suppressions
from audit.source import SourceError, decode, python_lines
from audit.staged import PlannedWrite, digest
from codemods.base import AuditCodemod, FixSettings, ManualNote
from codemods.ca201_after_sale_handling import GuardPendingCancel
from codemods.cost import refusal as rewrite_refusal
from codemods.freed_helpers import DropFreedHelpers, references
from codemods.freed_imports import DropFreedImports, referenced_names
from codemods.helper_module import (
    ASYNC_FUNCTION,
    HELPER_FUNCTION,
    HELPER_MODULE,
    MARKER,
    PENDING_ORDERS_ASYNC,
    PENDING_ORDERS_FUNCTION,
    TRANSPORT_FUNCTION,
    ClientMethods,
    HelperImport,
    render_helper,
)
from codemods.hints import RETIRE_NOTE, manual_hint
from codemods.import_order import sort_added_import
from codemods.plan_inputs import exists, is_file, read_bytes, read_text
from codemods.positions import map_findings, map_notes
from codemods.registry import fixable_rules, steps
from codemods.ship_options import ShipOptions, ship_options

_MAX_ROUNDS = 4

# The rules with a codemod unit (codemods/<rule unit>/), in the order fix runs them.
CODEMODS: tuple[str, ...] = fixable_rules()


@dataclass
class FileFix:
    path: Path
    rel: str
    before: str
    after: str
    encoding: str
    targets: list[Finding] = field(default_factory=list)  # positioned in ``before``
    fixed: dict[str, int] = field(default_factory=dict)  # rule -> targets the rewrite removed
    kept: list[Finding] = field(default_factory=list)  # targets the rewrite left in place
    manual: list[ManualNote] = field(default_factory=list)
    failure: Optional[str] = None  # why the file was left untouched
    created: bool = False  # a new file (the helper module)
    digest: Optional[str] = None  # sha256 of the bytes ``before`` was decoded from

    @property
    def changed(self) -> bool:
        return self.failure is None and self.before != self.after

    def diff(self) -> str:
        before = "/dev/null" if self.created else _diff_name("a/", self.rel)
        lines = difflib.unified_diff(
            python_lines(self.before, keepends=True),
            python_lines(self.after, keepends=True),
            before,
            _diff_name("b/", self.rel),
        )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines
        )


def _diff_name(prefix: str, rel: str) -> str:
    """A diff header's file name, quoted as git quotes one holding control characters,
    quotes or backslashes (``"a/evil\\033]0;x\\007.py"``): git apply and a terminal
    both read it safely."""
    name = prefix + rel
    if not any(ord(c) < 0x20 or c in '"\\' or 0x7F <= ord(c) <= 0x9F for c in name):
        return name
    quoted = "".join(
        "".join(f"\\{byte:03o}" for byte in c.encode("utf-8"))
        if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F
        else "\\" + c
        if c in '"\\'
        else c
        for c in name
    )
    return f'"{quoted}"'


@dataclass
class FixPlan:
    files: list[FileFix]
    skipped_unsafe: int  # findings an --unsafe-fixes run would also rewrite
    scan: ScanResult

    def left_alone(self) -> list[Finding]:
        """The findings it was asked to fix and did not: kept by a rewrite, or in a file
        it could not rewrite."""
        left = [t for f in self.files for t in f.kept]
        left += [t for f in self.files if f.failure for t in f.targets]
        unread = {f.rel for f in self.files if f.failure and not f.targets}
        left += [f for f in self.scan.findings if f.path in unread]
        return left

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]

    def fix_count(self) -> int:
        """Findings the rewrites remove (not rewrites: one edit can settle several)."""
        return sum(sum(f.fixed.values()) for f in self.changed if not f.created)


@dataclass
class _Project:
    """What every file's fix shares."""

    result: ScanResult
    config: Config
    catalog: Catalog
    sources: dict[str, tuple[Path, str, str]]  # rel -> (path, text as read, encoding)
    current: dict[str, str]  # rel -> text after the rewrites so far
    verify: bool = True  # run each rewrite twice to prove it stable

    @property
    def facts(self) -> ProjectFacts:
        return self.result.facts

    @property
    def constants(self) -> dict[str, Union[str, int]]:
        return {k: v for k, v in self.facts.constants.items() if isinstance(v, (str, int))}

    @functools.cached_property
    def ship_options(self) -> ShipOptions:
        # Only production code says how the project ships: a test that calls
        # ship_package("P1") with the method's defaults does not.
        files = (
            (path, text)
            for rel, (path, text, _) in sorted(self.sources.items())
            if origin_of(rel) == PRODUCTION and rewrite_refusal(text) is None
        )
        return ship_options(files, self.catalog, self.constants)

    def settings(self, rel: str) -> FixSettings:
        return FixSettings(
            catalog=self.catalog,
            markets=self.config.markets,
            project_constants=self.constants,
            project_text="\n".join(t for r, t in self.current.items() if r != rel),
            facts=self.facts,
            ship_options=self.ship_options,
        )


def _package_root(path: Path) -> Optional[Path]:
    root = None
    directory = path.parent
    while is_file(directory / "__init__.py"):
        root = directory
        directory = directory.parent
    return root


def _helper_dir(path: Path) -> Path:
    """The helper module sits at the top of the file's package (or beside the file)."""
    return _package_root(path) or path.parent


def _helper_import(file: Path, text: str) -> HelperImport:
    root = _package_root(file)
    if root is None:
        prefix = _namespace_of(file, text)
        return HelperImport(f"{prefix}.{HELPER_MODULE}" if prefix else HELPER_MODULE)
    depth = len(file.parent.relative_to(root).parts)
    return HelperImport(HELPER_MODULE, relative=depth + 1)


def _namespace_of(file: Path, text: str) -> str:
    """The dotted name the file's folder is imported by, when it is a namespace package
    (no ``__init__.py``): ``app`` for ``app/jobs.py`` importing ``from app.client import
    Client``. The helper beside it must be imported the same way; "" when the file does
    not import a sibling so (it runs with its folder on ``sys.path``)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ""
    folders = file.parent.parts
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            dotted = [[*node.module.split("."), alias.name] for alias in node.names]
            dotted.append(node.module.split("."))
        elif isinstance(node, ast.Import):
            dotted = [alias.name.split(".") for alias in node.names]
        else:
            continue
        for parts in dotted:
            *package, sibling = parts
            if (
                package
                and tuple(package) == folders[len(folders) - len(package) :]
                and (is_file(file.parent / f"{sibling}.py") or exists(file.parent / sibling))
            ):
                return ".".join(package)
    return ""


def client_methods(facts: ProjectFacts) -> ClientMethods:
    """The project's own spellings of the calls the helper makes."""

    def name(endpoint: str, default: str) -> str:
        fact = facts.method(endpoint)
        return fact.name if fact is not None else default

    return ClientMethods(
        search_cancellations=name("search_cancellations", "search_cancellations"),
        order_detail=name("order_detail", "get_order_detail"),
        ship_package=name("ship_package", "ship_package"),
    )


def plan_fixes(
    result: ScanResult,
    config: Config,
    rules: Optional[frozenset[str]] = None,
    unsafe: bool = False,
    verify: bool = True,
) -> FixPlan:
    """The rewrites of ``result``'s fixable findings; nothing is written. Without
    ``verify`` no second pass checks that a rewrite is stable (for stamps, not writes).

    libcst parses and visits where the scan does: on a thread with a large stack and
    recursion limit (its native parser overflows the main thread's stack on a long flat
    expression, and the process dies)."""
    from audit.scanner import run_with_deep_stack

    return run_with_deep_stack(lambda: _plan_fixes(result, config, rules, unsafe, verify))


def _plan_fixes(
    result: ScanResult,
    config: Config,
    rules: Optional[frozenset[str]],
    unsafe: bool,
    verify: bool,
) -> FixPlan:
    catalog = apply_to_catalog(config, load_catalog())
    wanted = {rule for rule in CODEMODS if rules is None or rule in rules}
    fixable = [f for f in result.findings if f.rule in wanted and f.fix in FIXABLE]
    skipped_unsafe = sum(1 for f in fixable if f.fix == "unsafe" and not unsafe)
    selected = [f for f in fixable if f.fix == "safe" or unsafe]
    sources, digests = _read_sources(result)
    current = {r: t for r, (_, t, _) in sources.items()}
    project = _Project(result, config, catalog, sources, current, verify)
    fixes: dict[str, FileFix] = {}
    errors: dict[str, str] = {}
    for finding in selected:
        if finding.path not in sources:
            errors.setdefault(finding.path, "cannot be read again; file left untouched")

    # SDK-style wrappers go last, and only once every call of them was rewritten.
    sites = [f for f in selected if f.shape != "wrapper"]
    wrappers = [f for f in selected if f.shape == "wrapper"]
    _fix_rounds(project, _by_path(sites), fixes)
    retiring = [w for w in wrappers if _callers_fixed(w, fixes, selected, result.facts)]
    if retiring:
        _fix_rounds(project, _by_path(retiring), fixes)
    # Left to a person: wrappers whose callers were not all rewritten, and what the scan
    # stamped manual. Notes are positioned in the file as read, like the scan's findings.
    for wrapper in wrappers:
        if wrapper not in retiring:
            _note(fixes, sources, wrapper, RETIRE_NOTE)
            if wrapper.path in fixes:
                fixes[wrapper.path].kept.append(wrapper)
    for finding in result.findings:
        if finding.rule in wanted and finding.fix == "manual":
            _note(fixes, sources, finding, manual_hint(finding, result.facts, config.markets))

    files: list[FileFix] = []
    users: dict[Path, list[FileFix]] = {}  # helper folder -> the rewrites that import it
    for _, fix in sorted(fixes.items()):
        files.append(fix)
        if fix.changed and _new_helper_names(fix):
            users.setdefault(_helper_dir(fix.path), []).append(fix)
    for rel, why in sorted(errors.items()):
        files.append(FileFix(result.file_path(rel), rel, "", "", "utf-8", failure=why))
    methods = client_methods(result.facts)
    folders = _first_file_in_folder(result) if users else {}
    for directory, importers in sorted(users.items()):
        helper = render_helper(methods, us_only=config.markets.us_only)
        helper_fix = _helper_file(directory, helper, folders)
        missing = sorted(
            name
            for fix in importers
            for name in _new_helper_names(fix)
            if not re.search(rf"^(?:async )?def {name}\(", helper_fix.after, re.MULTILINE)
        )
        if missing and helper_fix.failure is None:
            helper_fix.failure = (
                f"{helper_fix.rel} was written by an older cancel-audit and has no "
                f"{', '.join(sorted(set(missing)))}: delete it and run fix again"
            )
        if helper_fix.failure is not None:
            for fix in importers:  # an import of a helper that is not there breaks the file
                fix.failure = f"needs {helper_fix.rel}: {helper_fix.failure}"
        files.append(helper_fix)
    for file in files:
        file.digest = digests.get(file.rel)
    return FixPlan(files, skipped_unsafe, result)


_HELPER_NAMES = (
    HELPER_FUNCTION,
    ASYNC_FUNCTION,
    TRANSPORT_FUNCTION,
    PENDING_ORDERS_FUNCTION,
    PENDING_ORDERS_ASYNC,
)


def _new_helper_names(fix: FileFix) -> list[str]:
    """The helper functions a rewrite starts to use."""
    return [
        name
        for name in _HELPER_NAMES
        if re.search(rf"\b{name}\b", fix.after) and not re.search(rf"\b{name}\b", fix.before)
    ]


def _note(
    fixes: dict[str, FileFix],
    sources: dict[str, tuple[Path, str, str]],
    finding: Finding,
    message: str,
) -> None:
    if finding.path not in sources:
        return
    if finding.path not in fixes:  # nothing in its file was rewritten
        path, text, encoding = sources[finding.path]
        fixes[finding.path] = FileFix(path, finding.path, text, text, encoding)
    fixes[finding.path].manual.append(
        ManualNote(finding.rule, finding.line, finding.column, message)
    )


def _by_path(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _callers_fixed(
    wrapper: Finding, fixes: dict[str, FileFix], selected: list[Finding], facts: ProjectFacts
) -> bool:
    """Every call of the wrapper's name in the project was rewritten."""
    name = (wrapper.function or "").rsplit(".", 1)[-1]
    callers = [
        f
        for f in selected
        if f.rule == "CA101" and f.shape == "method-call" and f".{name}(" in f.matched
    ]
    if not name or not callers or len(callers) != facts.calls.get(name, 0):
        return False
    for caller in callers:
        fix = fixes.get(caller.path)
        if fix is None or fix.failure or not fix.fixed.get("CA101"):
            return False
        if any(n.rule == "CA101" and n.line == caller.line for n in fix.manual):
            return False
    return True


def _fix_rounds(
    project: _Project, targets_by_path: dict[str, list[Finding]], fixes: dict[str, FileFix]
) -> None:
    """Rewrite each file's targets; repeat while a rewrite in one file frees a definition
    in another (the last use of AFTER_SALE_PENDING goes, so errors.py can drop it)."""
    rels = sorted(rel for rel in targets_by_path if rel in project.sources)
    for _ in range(_MAX_ROUNDS):
        moved = False
        for rel in rels:
            earlier = fixes.get(rel)
            if earlier is not None and earlier.failure:
                continue
            path, original, encoding = project.sources[rel]
            new = [t for t in targets_by_path[rel] if earlier is None or t not in earlier.targets]
            if earlier is not None and not earlier.kept and not new:
                continue  # everything it was asked is done: other files cannot change that
            targets = (earlier.targets if earlier else []) + new
            text = project.current[rel]
            fix = _fix_file(project, path, rel, original, text, encoding, targets)
            fixes[rel] = fix
            if fix.failure is None and fix.after != text:
                project.current[rel] = fix.after
                moved = True
        if not moved:
            break


def _fix_file(
    project: _Project,
    path: Path,
    rel: str,
    original: str,
    text: str,
    encoding: str,
    targets: list[Finding],
) -> FileFix:
    fix = FileFix(path, rel, original, text, encoding, targets=targets)
    too_costly = rewrite_refusal(text)
    if too_costly is not None:
        fix.failure = too_costly
        return fix
    settings = project.settings(rel)
    names = _module_names(path)
    helper = _helper_import(path, text)
    try:
        module = cst.parse_module(text)
        live = map_findings(targets, original, text)
        new_module, manual = _apply(module, live, settings, helper, rel, names)
        fix.manual = map_notes(manual, text, original)
        after = _keep_final_newline(text, new_module.code)
        if after == text:
            _account(fix, project, after)
            return fix
        stable = True
        if project.verify:
            reparsed = cst.parse_module(after)
            again, _ = _apply(
                reparsed, map_findings(targets, original, after), settings, helper, rel, names
            )
            stable = _keep_final_newline(after, again.code) == after
    except cst.ParserSyntaxError as exc:
        fix.failure = f"the rewrite does not parse ({exc.message}); file left untouched"
        return fix
    except Exception as exc:  # a codemod bug must not lose the user's file
        fix.failure = f"codemod failed ({type(exc).__name__}: {exc}); file left untouched"
        return fix
    if not stable:
        fix.failure = "a second pass would change the file again; file left untouched"
        return fix
    fix.after = after
    leftover = _account(fix, project, after)
    if leftover:
        fix.after = text
        fix.failure = f"re-scan still finds {leftover}; file left untouched"
    return fix


def _keep_final_newline(text: str, code: str) -> str:
    """libcst drops the last newline of a file whose lines end in a bare CR; put it back."""
    if text.endswith("\r") and not text.endswith("\r\n") and not code.endswith(("\r", "\n")):
        return code + "\r"
    return code


def _apply(
    module: cst.Module,
    targets: list[Finding],
    settings: FixSettings,
    helper: HelperImport,
    rel: str,
    names: ModuleNameAndPackage,
) -> tuple[cst.Module, list[ManualNote]]:
    """Run each rule's codemod on its targets; notes are positioned in ``module``."""
    manual: list[ManualNote] = []
    original = module.code
    used_before = referenced_names(module)
    refs_before = references(module)
    rules = {t.rule for t in targets}
    for rule, cls in steps():
        if rule not in rules or not cls.wanted_for(targets):
            continue
        before = module.code
        # Targets and notes are positioned in the text each codemod receives.
        own = [t for t in map_findings(targets, original, before) if t.rule == rule]
        codemod: AuditCodemod
        if cls.IMPORTS_HELPER:
            # No package name: AddImportsVisitor would make ``from .ship_to_reject`` absolute.
            context = CodemodContext(filename=rel)
            codemod = cls(context, settings, own, helper)
        else:  # the package lets RemoveImportsVisitor resolve ``from .errors import X``
            context = CodemodContext(
                filename=rel, full_module_name=names.name, full_package_name=names.package
            )
            codemod = cls(context, settings, own)
        module = codemod.transform_module(module)
        if cls.IMPORTS_HELPER:
            module = sort_added_import(module, helper.module)
        manual.extend(map_notes(codemod.manual, before, original))
        if isinstance(codemod, GuardPendingCancel):
            # a deciding branch is removed only once its decision stands before the ship
            unguarded = [t for t in own if t.shape in GUARDS and t not in codemod.guarded]
            targets = [t for t in targets if t not in unguarded]
    if module.code != original:
        context = CodemodContext(
            filename=rel, full_module_name=names.name, full_package_name=names.package
        )
        # each cleanup is a full libcst pass: run it only when the rewrite freed something
        refs_now = references(module)
        if any(n.startswith("_") and not refs_now[n] for n in refs_before):
            module = DropFreedHelpers(context, refs_before, settings.project_text).transform_module(
                module
            )
        # the helper import is ours too: a rewritten call that went with its function
        ours = {HELPER_FUNCTION, ASYNC_FUNCTION, TRANSPORT_FUNCTION}
        if (used_before | ours) - referenced_names(module):
            module = DropFreedImports(context, used_before | ours).transform_module(module)
    return module, manual


def _account(fix: FileFix, project: _Project, after: str) -> str:
    """Re-scan the rewritten file once: count the targets it removed, note the ones it
    kept, and name what it should have removed and did not (then it is not kept)."""
    rel = fix.rel
    module = cst.parse_module(after)
    context = FileContext(
        rel, project.config.markets, True, True, dict(project.settings(rel).project_constants)
    )
    output = detect(module, python_lines(after), project.catalog, context)
    now, _, _ = apply_suppressions(output.findings, output.suppressions)
    # what the scan would show: live 21011007 constants and hidden confidences are not due
    visible = CONFIDENCE_RANK[project.config.min_confidence]
    now = [
        f
        for f in now
        if not (f.defines and f.defines in project.facts.live_names)
        and CONFIDENCE_RANK[f.confidence] >= visible
    ]
    before = [f for f in project.result.findings if f.path == rel]
    known = {(f.rule, f.line) for f in map_findings(before, fix.before, after)}
    present = {(f.rule, f.line) for f in now}
    rules = {t.rule for t in fix.targets}
    new = [f for f in now if f.rule in rules and (f.rule, f.line) not in known]
    kept = {(t.rule, t.line) for t in map_findings(fix.targets, fix.before, after)} & present
    reported = {(t.rule, t.line) for t in fix.targets}
    fix.manual = [n for n in fix.manual if (n.rule, n.line) in reported]
    fix.fixed = {}
    fix.kept = []
    for target in fix.targets:
        still = [t for t in map_findings([target], fix.before, after) if (t.rule, t.line) in kept]
        if not still:
            fix.fixed[target.rule] = fix.fixed.get(target.rule, 0) + 1
            continue
        fix.kept.append(target)
        on_line = [n for n in fix.manual if n.rule == target.rule and n.line == target.line]
        if on_line:  # the codemod's note, placed where the scan reported the finding
            at = fix.manual.index(on_line[0])
            fix.manual[at] = dataclasses.replace(on_line[0], column=target.column)
            continue
        fix.manual.append(
            ManualNote(
                target.rule,
                target.line,
                target.column,
                f"no automatic rewrite for this shape; `cancel-audit explain {target.rule}` "
                "shows what to use instead",
            )
        )
    counts: dict[str, int] = {}
    for finding in new:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    return ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items()))


def _read_sources(
    result: ScanResult,
) -> tuple[dict[str, tuple[Path, str, str]], dict[str, str]]:
    """Text of every file with an inventory entry or finding: the project's API code; and
    the hash of the bytes read, which the file must still hold when it is written."""
    rels = {f.path for f in result.findings} | {i.path for i in result.inventory}
    sources = {}
    digests = {}
    for rel in rels:
        path = result.file_path(rel)
        try:
            data = read_bytes(path)
            decoded = decode(data)
        except SourceError:
            continue
        sources[rel] = (path, decoded.text, decoded.encoding)
        digests[rel] = digest(data)
    return sources, digests


def _module_names(path: Path) -> ModuleNameAndPackage:
    """``tiktok_bridge.client`` in package ``tiktok_bridge``: relative imports resolve."""
    root = _package_root(path)
    base = root.parent if root is not None else path.parent
    return calculate_module_and_package(str(base), str(path))


def _helper_file(directory: Path, text: str, folders: dict[Path, str]) -> FileFix:
    path = directory / f"{HELPER_MODULE}.py"
    rel = _display_path(path, folders)
    if exists(path):
        existing = read_text(path)
        fix = FileFix(path, rel, existing, existing, "utf-8")
        if MARKER not in existing:
            fix.failure = f"{rel} exists and was not written by cancel-audit; not overwritten"
        return fix
    return FileFix(path, rel, "", text, "utf-8", fixed={"helper": 1}, created=True)


def _display_path(path: Path, folders: dict[Path, str]) -> str:
    """The new file's path the way the scan names files: relative to a scanned file."""
    rel = folders.get(path.parent)
    return path.as_posix() if rel is None else (Path(rel).parent / path.name).as_posix()


def _first_file_in_folder(result: ScanResult) -> dict[Path, str]:
    """Each scanned folder's first file, in ``result.files`` order (built once a plan:
    a tree has thousands of files and a plan one helper folder per package)."""
    folders: dict[Path, str] = {}
    for rel, scanned in result.files.items():
        folders.setdefault(scanned.parent, rel)
    return folders


def planned_write(fix: FileFix) -> PlannedWrite:
    """The file's new bytes in its own encoding (and BOM), and what it must still hold."""
    encoding = fix.encoding
    data = fix.after.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    return PlannedWrite(fix.path, fix.rel, data, None if fix.created else fix.digest)
