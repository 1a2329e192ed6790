"""What every cancel-audit codemod shares: settings, manual notes, the matchers' view.

A codemod is a ``libcst.codemod.VisitorBasedCodemodCommand``, so it also runs under
``python -m libcst.tool codemod``. It rewrites the findings it is given (``targets``: the
scan's findings of its rule in this module, positioned in the text it receives), so
suppressions, config patterns, markets and confidence apply to fix exactly as to scan.
It answers each target: rewritten, or a ``ManualNote`` at the target's line saying why
not and what to do. Run on its own (``libcst.tool``), with no targets given, it asks the
detector for this module's findings once, as ``scan`` would.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import PositionProvider, ProviderT

from audit.catalog import Catalog, load_catalog
from audit.facts import ProjectFacts
from audit.markets import Markets
from audit.python.decisions import judge_findings
from audit.python.scope import ModuleScope, collect_scope
from audit.python.strings import Evaluator
from audit.source import python_lines
from codemods.helper_module import HELPER_MODULE, HelperImport
from codemods.libcst_speedups import install as _install_libcst_speedups
from codemods.ship_options import ShipOptions

if TYPE_CHECKING:
    from audit.findings import Finding

_install_libcst_speedups()  # each codemod instance would repeat two searches (see module)


@dataclass(frozen=True)
class ManualNote:
    """A site the codemod left alone, with the exact change a person should make."""

    rule: str
    line: int
    column: int
    message: str


@dataclass
class FixSettings:
    """What a codemod needs to know beyond the file it rewrites."""

    catalog: Catalog = field(default_factory=load_catalog)
    markets: Markets = field(default_factory=Markets)  # the US alone
    # Constants other modules of the project define (API_VERSION, AFTER_SALE ...).
    project_constants: dict[str, Union[str, int]] = field(default_factory=dict)
    # Names still referenced somewhere in the project after the rewrite: a definition
    # whose name is here (a constant, a route key) must be kept.
    project_text: str = ""
    # What the scan learned: the client's own methods, how often each is called.
    facts: ProjectFacts = field(default_factory=ProjectFacts)
    # What the project passes when it ships (handover method ...): ship-to-reject too.
    ship_options: ShipOptions = field(default_factory=ShipOptions)

    @property
    def us_only(self) -> bool:
        return self.markets.us_only

    def used_elsewhere(self, name: str, minimum: int = 1) -> bool:
        """True when ``name`` occurs more than ``minimum`` times in the project's text, as a
        whole word (``AFTER_SALE`` does not count inside ``AFTER_SALE_MESSAGE``)."""
        pattern = rf"(?<![\w]){re.escape(name)}(?![\w])"
        return len(re.findall(pattern, self.project_text)) > minimum


class AuditCodemod(VisitorBasedCodemodCommand):
    """Base class: scope, evaluator and manual notes for one module."""

    RULE: ClassVar[str] = ""
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (PositionProvider,)
    # It calls the generated helper module: the runner passes where to import it from
    # (``helper_import``) and sorts the import the codemod adds.
    IMPORTS_HELPER: ClassVar[bool] = False

    def __init__(
        self,
        context: CodemodContext,
        settings: Optional[FixSettings] = None,
        targets: Optional[Sequence[Finding]] = None,
        helper_import: Optional[HelperImport] = None,
    ) -> None:
        super().__init__(context)
        self.settings = settings or FixSettings()
        # where the generated helper module is imported from (codemods that call it)
        self.helper_import = helper_import or HelperImport(HELPER_MODULE)
        self.targets = None if targets is None else [t for t in targets if t.rule == self.RULE]
        self.standalone = targets is None  # no scan behind it: libcst.tool or a test
        self.manual: list[ManualNote] = []
        self.changes = 0
        self.scope: ModuleScope = ModuleScope()
        self.class_stack: list[str] = []
        self.start()

    def start(self) -> None:
        """Set up a codemod's own state (every codemod takes the constructor above)."""

    @classmethod
    def wanted_for(cls, targets: Sequence[Finding]) -> bool:
        """Whether the runner should run it on a file with these targets (of any rule)."""
        return any(t.rule == cls.RULE for t in targets)

    @property
    def catalog(self) -> Catalog:
        return self.settings.catalog

    @property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.scope, self.class_stack[-1] if self.class_stack else None)

    def visit_Module(self, node: cst.Module) -> None:
        self.scope = collect_scope(node)
        self.scope.project_constants = self.settings.project_constants

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_stack.append(node.name.value)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self.class_stack.pop()
        return updated_node

    def rule_findings(self, module: cst.Module) -> list[Finding]:
        """The findings this codemod is asked to fix in ``module``: its targets, or when it
        runs on its own (no targets given), what the detector reports for its rule (as
        for a US shop: market-specific rules included)."""
        if self.targets is not None:
            return list(self.targets)
        from audit.python.detector import FileContext, detect

        context = FileContext(
            path=self.context.filename or "<module>",
            markets=Markets(),  # the US alone
            file_has_context=True,
            project_has_context=True,
            project_constants=dict(self.settings.project_constants),
        )
        output = detect(module, python_lines(module.code), self.catalog, context)
        mine = [finding for finding in output.findings if finding.rule == self.RULE]
        scope = collect_scope(module)
        scope.project_constants = self.settings.project_constants
        return judge_findings(module, mine, scope, self.catalog)  # as scan judges them

    def target_within(self, node: cst.CSTNode, shape: Optional[str] = None) -> Optional[Finding]:
        """The target this codemod was asked to fix that lies within ``node``'s span (of
        that ``shape`` when given)."""
        where = self.get_metadata(PositionProvider, node)
        start = (where.start.line, where.start.column + 1)
        end = (where.end.line, where.end.column + 1)
        for finding in self._targets_now():
            inside = start <= (finding.line, finding.column)
            inside = inside and (finding.end_line, finding.end_column) <= end
            if inside and (shape is None or finding.shape == shape):
                return finding
        return None

    def _targets_now(self) -> list[Finding]:
        if self.targets is None:  # on its own: detect once per module
            module = self.context.module
            if module is None:
                return []
            self.targets = self.rule_findings(module)
        return self.targets

    def note_manual(self, node: cst.CSTNode, message: str) -> None:
        position = self.get_metadata(PositionProvider, node)
        self.manual.append(
            ManualNote(self.RULE, position.start.line, position.start.column + 1, message)
        )
