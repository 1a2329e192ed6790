"""Build the ``ProjectModel`` in one pass of CPython's ``ast`` over the candidate files.

Per file it records constants, classes, imports and functions; then, with every
module's constants known, it evaluates each function once: the endpoint paths it
uses, the SDK methods and project functions it calls, the paths it only returns (a
path builder), the templates it joins its parameters into (a client join template).
Wrappers follow from the call graph: a function that calls a wrapper is one too.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Optional, Union

from audit.catalog import HOLE, Catalog
from audit.python.ast_values import MARK, AstStrings, dotted, fill, has_marker, marker
from audit.python.names import is_signing_name
from audit.python.project_model import CallShape, ProjectModel, Wrapper

PENDING = re.compile(r"pending", re.IGNORECASE)
_OTHER_ROUNDS = 2  # wrappers of wrappers: deeper callers are jobs and entry points
_LOOPS = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.DictComp,
)
_PROBE = "x1"
_MARKERS = re.compile(r"\x01\d+\x01")


@dataclass
class _Function:
    path: str
    name: str
    class_name: Optional[str]
    node: Union[ast.FunctionDef, ast.AsyncFunctionDef]
    params: list[str]
    uses: list[tuple[str, Optional[str], bool]] = field(default_factory=list)
    returned_only: bool = False  # every use is a returned path: a path builder
    calls: list[CallShape] = field(default_factory=list)
    reads_flag: bool = False
    pending: bool = False
    loops: bool = False  # iterates (orders, packages): a job that decides, not a wrapper
    sends_path: bool = False  # a use comes from a path it sends, not an SDK-style name
    overrides: bool = False  # calls super().<its own name>(): a framework method's override
    nodes: list[ast.AST] = field(default_factory=list)  # every node of its body, walked once
    strings: Optional[list[ast.expr]] = None  # its string-building expressions, found once
    shapes: Optional[tuple[tuple[str, ...], str]] = None  # builder or join templates
    shapes_key: Optional[int] = None  # the constants they were worked out with
    uses_key: Optional[int] = None  # the constants, builders and joins its uses saw
    lookups: set[str] = field(default_factory=set)  # endpoints only looked up by given ids

    @property
    def qualname(self) -> str:
        return f"{self.class_name}.{self.name}" if self.class_name else self.name

    @property
    def key(self) -> str:
        return f"{self.path}::{self.qualname}"


@dataclass
class _Module:
    path: str
    tree: ast.Module
    has_context: bool
    foreign: bool  # names another marketplace and not TikTok Shop
    constants: dict[str, ast.expr] = field(default_factory=dict)
    class_constants: dict[str, dict[str, ast.expr]] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # import alias -> module
    imported: dict[str, str] = field(default_factory=dict)  # local name -> module
    values: dict[str, str] = field(default_factory=dict)  # its constants, evaluated
    # local name -> the module it is, if it is one (``from sdk.api import search_orders``)
    submodules: dict[str, str] = field(default_factory=dict)
    functions: list[_Function] = field(default_factory=list)
    scripted: bool = False  # runs code at its top level (a script): calls outside functions


class ModelBuilder:
    """Add files with ``add``; ``build`` links them into a ``ProjectModel``."""

    def __init__(self, catalog: Catalog, foreign_markers: Iterable[str] = ()) -> None:
        self.catalog = catalog
        self.modules: dict[str, _Module] = {}
        self.foreign_markers = re.compile(
            "|".join(re.escape(m) for m in foreign_markers) or r"(?!x)x", re.IGNORECASE
        )
        self.context = re.compile(
            "|".join(re.escape(m) for m in catalog.context_markers), re.IGNORECASE
        )
        self.classes: dict[str, tuple[list[str], list[str], str, bool]] = {}
        self.path_names: set[str] = set()  # constants that hold a path, by their last name
        self.lookup_filters = {n for rule in catalog.rules.values() for n in rule.lookup_filters}
        self.foreign: set[tuple[str, str]] = set()

    # -- reading ------------------------------------------------------------------------

    def add(self, path: str, text: str) -> None:
        if path in self.modules:
            return
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # the detector reports what it cannot parse
        has_context = bool(self.context.search(text))
        foreign = "tiktok" not in text.lower() and bool(self.foreign_markers.search(text))
        module = _Module(path, tree, has_context, foreign)
        if foreign:
            self.foreign.add((path, ""))
        lines = text.splitlines()
        for statement in tree.body:
            self._top_level(module, statement, lines)
        _local_imports(module)
        self.modules[path] = module

    def _top_level(self, module: _Module, statement: ast.stmt, lines: list[str]) -> None:
        binding = _binding(statement)
        if binding is not None:
            module.constants.setdefault(*binding)
        elif isinstance(statement, ast.ImportFrom) and statement.module is not None:
            for alias in statement.names:
                module.imported[alias.asname or alias.name] = statement.module
                module.submodules[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                module.modules[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.functions.append(_function(module.path, statement, None))
        elif isinstance(statement, ast.ClassDef):
            self._class(module, statement, lines)
        elif not isinstance(statement, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            module.scripted = True

    def _class(self, module: _Module, node: ast.ClassDef, lines: list[str]) -> None:
        constants: dict[str, ast.expr] = {}
        odoo: list[str] = []
        for statement in node.body:
            binding = _binding(statement)
            if binding is not None:
                constants.setdefault(*binding)
                if binding[0] in ("_name", "_inherit"):
                    odoo.extend(_strings(binding[1]))
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                module.functions.append(_function(module.path, statement, node.name))
        module.class_constants[node.name] = constants
        bases = [d.rsplit(".", 1)[-1] for d in (dotted(b) for b in node.bases) if d]
        source = "\n".join(lines[node.lineno - 1 : getattr(node, "end_lineno", node.lineno)])
        tiktok = "tiktok" in source.lower()
        if not tiktok and (module.foreign or self.foreign_markers.search(source)):
            self.foreign.add((module.path, node.name))
        self.classes[node.name] = (bases, odoo, module.path, tiktok)

    # -- linking ------------------------------------------------------------------------

    def build(self) -> ProjectModel:
        constants = self._constants()
        builders: dict[str, str] = {}
        joins: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        functions = [f for m in self.modules.values() for f in m.functions]
        # Builders and join templates first: the functions that use them need them.
        # ``build`` runs again as files calling the model join; what a function does
        # is worked out again only when what it may use changed.
        constants_key = hash(tuple(sorted(constants.items())))
        for module in self.modules.values():
            for function in module.functions:
                if function.shapes_key != constants_key:
                    function.shapes = self._shapes(module, function, constants)
                    function.shapes_key = constants_key
                found = function.shapes
                if found is not None:
                    templates, kind = found
                    if kind == "builder":
                        builders.setdefault(function.name, templates[0])
                    else:
                        params = tuple(function.params)
                        previous = joins.get(function.name, (params, ()))
                        joins[function.name] = (params, (*previous[1], *templates))
        for _ in range(2):  # _make_request(method, resource, action) -> _do_request(...)
            for function in functions:
                if function.name not in joins:
                    forwarded = _forwarded_templates(function, joins)
                    if forwarded:
                        joins[function.name] = (tuple(function.params), forwarded)
        self.path_names = {k.rsplit(".", 1)[-1] for k, v in constants.items() if "/" in v}
        uses_key = hash(
            (constants_key, repr(sorted(builders.items())), repr(sorted(joins.items())))
        )
        for module in self.modules.values():
            for function in module.functions:
                if function.uses_key != uses_key:
                    self._evaluate(module, function, constants, builders, joins)
                    function.uses_key = uses_key
        groups, odoo_models = self._class_groups()
        model = ProjectModel(
            constants=constants,
            builders=builders,
            joins=joins,
            class_groups=groups,
            odoo_models=odoo_models,
            foreign=frozenset(self.foreign),
            builder_functions=frozenset(
                (f.path, f.qualname) for f in functions if f.returned_only and f.uses
            ),
            module_functions=frozenset((f.path, f.name) for f in functions if f.class_name is None),
        )
        return self._wrappers(model, functions)

    def calling(self, model: ProjectModel, paths: Iterable[str]) -> set[str]:
        """Which of ``paths`` call into the model where static code can tell (a call that
        resolves to a wrapper), run code at their top level, or read a path constant."""
        wanted = set(paths)
        found = set()
        for path in wanted:
            module = self.modules.get(path)
            if module is None or module.scripted:
                found.add(path)
                continue
            for function in module.functions:
                if function.uses or any(
                    model.resolve(shape, path, function.class_name) is not None
                    for shape in function.calls
                ):
                    found.add(path)
                    break
        return found

    def _constants(self) -> dict[str, str]:
        raw: dict[str, list[ast.expr]] = defaultdict(list)
        for module in self.modules.values():
            for name, expr in module.constants.items():
                raw[name].append(expr)
            for class_name, members in module.class_constants.items():
                for name, expr in members.items():
                    raw[f"{class_name}.{name}"].append(expr)
        values: dict[str, str] = {}
        for _ in range(3):  # chains of constants: A = B + "/x"; B = VERSION ...
            evaluator = AstStrings(lambda node: _constant_lookup(node, values))
            for name, exprs in raw.items():
                texts = {evaluator.string(e) for e in exprs}
                if len(texts) == 1:
                    text = texts.pop()
                    if text is not None and HOLE not in text:
                        values[name] = text
        for module in self.modules.values():
            module.values = _module_values(module, values)
        return values

    def _evaluator(
        self, module: _Module, function: _Function, constants: dict[str, str]
    ) -> AstStrings:
        params = {name: marker(i) for i, name in enumerate(function.params)}
        local: dict[str, ast.expr] = {}
        for node in function.nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and target.id not in params:
                    local.setdefault(target.id, node.value)
        depth = [0]

        def lookup(node: ast.expr) -> Optional[str]:
            if isinstance(node, ast.Name):
                if node.id in params:
                    return params[node.id]
                if node.id in local and depth[0] < 4:
                    depth[0] += 1
                    try:
                        return evaluator.string(local[node.id])
                    finally:
                        depth[0] -= 1
                return module.values.get(node.id, constants.get(node.id))
            if isinstance(node, ast.Attribute):
                if node.attr == "value":  # an enum member's value
                    return lookup(node.value)
                owner = dotted(node.value)
                if owner in ("self", "cls") and function.class_name:
                    for cls in self._ancestry(function.class_name):
                        text = constants.get(f"{cls}.{node.attr}")
                        if text is not None:
                            return text
                    return None
                if owner is not None and f"{owner}.{node.attr}" in constants:
                    return constants[f"{owner}.{node.attr}"]
                if owner is not None and (owner in module.modules or owner in module.imported):
                    return constants.get(node.attr)
            return None

        evaluator = AstStrings(lookup)
        return evaluator

    def _ancestry(self, class_name: str) -> list[str]:
        seen: list[str] = []
        todo = [class_name]
        while todo and len(seen) < 8:
            name = todo.pop()
            if name in seen:
                continue
            seen.append(name)
            todo.extend(self.classes.get(name, ([], [], "", False))[0])
        return seen

    def _shapes(
        self, module: _Module, function: _Function, constants: dict[str, str]
    ) -> Optional[tuple[tuple[str, ...], str]]:
        """(paths, "builder") when the function only returns a path; (templates, "join")
        when it joins its parameters into request paths."""
        evaluator = self._evaluator(module, function, constants)
        body = [s for s in function.node.body if not _is_docstring(s)]
        if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
            text = evaluator.string(body[0].value)
            if text is not None and self._probe(text) is not None:
                return (_holes(text),), "builder"
        templates: list[str] = []
        for node in _string_nodes(function):
            text = evaluator.string(node)
            if text is None or not has_marker(text) or text in templates or not _url_like(text):
                continue
            if self._probe(text) is None:
                templates.append(text)
        return (tuple(templates), "join") if templates else None

    def _probe(self, text: str) -> Optional[tuple[str, Optional[str], bool]]:
        """The endpoint a path with parameters uses: parameters taken as ids, or as
        whole unknown segments (a version passed in)."""
        if "/" not in text:
            return None  # most strings: messages, keys, formats
        whole_segments = re.sub(r"(?<=/)\x01\d+\x01(?=/|$)", HOLE, text)
        for candidate in (
            _MARKERS.sub(_PROBE, text),
            _MARKERS.sub(_PROBE, whole_segments),
        ):
            match = self.catalog.match_path(candidate)
            if match is not None:
                return match.endpoint, match.version, match.strong
        return None

    def _evaluate(
        self,
        module: _Module,
        function: _Function,
        constants: dict[str, str],
        builders: dict[str, str],
        joins: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
    ) -> None:
        evaluators: list[AstStrings] = []

        def evaluator() -> AstStrings:  # most functions never need one
            if not evaluators:
                evaluators.append(self._evaluator(module, function, constants))
            return evaluators[0]

        relevant = False  # holds a path piece: "/..." or a constant that holds a path
        function.uses, function.calls = [], []  # ``build`` runs again as files join
        function.reads_flag = function.pending = function.loops = function.sends_path = False
        function.lookups = set()
        function.overrides = False
        skipped: set[int] = set()
        returned: set[int] = set()
        looked_up: set[int] = set()  # nodes inside a call that names given ids
        for node in function.nodes:
            if _calls_super(node, function.name):
                function.overrides = True
            if isinstance(node, _LOOPS):
                function.loops = True
            if isinstance(node, ast.Call) and self._is_lookup(node):
                looked_up.update(id(n) for n in ast.walk(node))
            if isinstance(node, ast.Return) and node.value is not None:
                returned.add(id(node.value))  # the path itself is what it returns
            if isinstance(node, ast.Call):
                name = _callee(node.func)
                if name and (is_signing_name(name) or _is_regex_call(node)):
                    # a path handed to signing, or a route's regular expression: no request
                    skipped.update(id(n) for arg in node.args for n in ast.walk(arg))
                    continue
                if name is None:
                    continue
                method = self.catalog.method(name)
                if method is not None:
                    function.uses.append((method.endpoint, None, method.strong))
                    if id(node) in looked_up:
                        function.lookups.add(method.endpoint)
                elif name in builders:
                    self._add_use(function, builders[name])
                elif name in joins:
                    params, templates = joins[name]
                    values = _arguments(node, evaluator(), params)
                    for template in templates:
                        if self._add_use(function, fill(template, values)):
                            break
                function.calls.append(_shape(node.func, name, module, function))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                relevant = relevant or "/" in node.value
                function.reads_flag |= self.catalog.cancel_flag in node.value
                function.pending |= "pending" in node.value.lower()
            elif isinstance(node, ast.keyword) and node.arg == self.catalog.cancel_flag:
                function.reads_flag = True
            elif isinstance(node, ast.Name):
                function.pending |= "pending" in node.id.lower()
                relevant = relevant or node.id in self.path_names
                relevant = relevant or "/" in module.values.get(node.id, "")
            elif isinstance(node, ast.Attribute):
                function.reads_flag |= node.attr == self.catalog.cancel_flag
                relevant = relevant or node.attr in self.path_names
        uses_before = len(function.uses)
        returned_uses = 0
        for node in self._path_expressions(function, module) if relevant else ():
            if id(node) in skipped:
                continue
            text = evaluator().string(node)
            if text is None:
                continue
            if self.catalog.cancel_flag in text:
                function.reads_flag = True
            if PENDING.search(text):
                function.pending = True
            found = self._probe(text)
            if found is not None:
                function.uses.append(found)
                function.sends_path = True
                returned_uses += id(node) in returned
                if id(node) in looked_up:
                    function.lookups.add(found[0])
        function.returned_only = (
            returned_uses > 0 and returned_uses == len(function.uses) and (uses_before == 0)
        )

    def _path_expressions(self, function: _Function, module: _Module) -> list[ast.expr]:
        """What may hold a request path: the outermost string expressions, and the path
        constants used on their own (``client.post(ORDER_SEARCH_PATH, body)``)."""
        strings = list(_string_nodes(function))
        inside = {id(n) for string in strings for n in ast.walk(string)}
        constants = [
            node
            for node in function.nodes
            if id(node) not in inside
            and (
                (
                    isinstance(node, ast.Name)
                    and isinstance(node.ctx, ast.Load)
                    and (node.id in self.path_names or "/" in module.values.get(node.id, ""))
                )
                or (isinstance(node, ast.Attribute) and node.attr in self.path_names)
            )
        ]
        return [*strings, *constants]

    def _is_lookup(self, call: ast.Call) -> bool:
        """``search_cancellations(cancel_ids=[...])``: a lookup of given requests."""
        names = self.lookup_filters
        if any(k.arg in names for k in call.keywords):
            return True
        return any(
            isinstance(arg, ast.Dict)
            and any(isinstance(k, ast.Constant) and k.value in names for k in arg.keys)
            for arg in (*call.args, *(k.value for k in call.keywords))
        )

    def _sites(self, function: _Function) -> tuple[str, ...]:
        """The endpoints whose call-site rules this function leaves to its callers: used,
        not only looked up, and not excused by what it also does (approving)."""
        used = {u[0] for u in function.uses}
        sites = []
        for endpoint in sorted(used - function.lookups):
            rule = self.catalog.rule_for_endpoint(endpoint)
            if rule is not None and rule.sites == "calls" and not used & set(rule.excused_by):
                sites.append(endpoint)
        return tuple(sites)

    def _add_use(self, function: _Function, text: str) -> bool:
        match = self.catalog.match_path(text) if "/" in text else None
        if match is None:
            return False
        function.uses.append((match.endpoint, match.version, match.strong))
        function.sends_path = True
        return True

    def _class_groups(self) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        odoo: dict[str, set[str]] = defaultdict(set)
        for name, (_, models, _, _) in self.classes.items():
            for model in models:
                odoo[model].add(name)
        groups: dict[str, frozenset[str]] = {}
        for name, (_, models, _, _) in self.classes.items():
            members = set(self._ancestry(name))
            for model in models:
                members |= odoo[model]
            groups[name] = frozenset(members)
        return groups, {k: frozenset(v) for k, v in odoo.items()}

    def _wrappers(self, model: ProjectModel, functions: list[_Function]) -> ProjectModel:
        by_key: dict[str, Wrapper] = {}
        # a weak path (legacy ``/api/orders/search``) in a project that talks to TikTok Shop
        # elsewhere (an Odoo model posting through the project's client) is its request
        project_context = any(m.has_context for m in self.modules.values())
        for function in functions:
            if function.returned_only or model.is_foreign(function.path, function.class_name):
                continue
            strong = any(u[2] for u in function.uses)
            context = self.modules[function.path].has_context or (
                project_context and function.sends_path
            )
            if function.uses and (strong or context):
                # a common name (get_order_detail) elsewhere is no evidence to pass on
                by_key[function.key] = _wrapper(
                    function,
                    _endpoints(function.uses),
                    self._sites(function),
                    (function.qualname,),
                )
        called: set[str] = set()
        for _ in range(_OTHER_ROUNDS):
            staged = dataclasses.replace(model, wrappers=_by_name(by_key.values()))
            added = False
            for function in functions:
                if function.returned_only or model.is_foreign(function.path, function.class_name):
                    continue
                for shape in function.calls:
                    target = staged.resolve(shape, function.path, function.class_name)
                    if target is None or target.key == function.key:
                        continue
                    called.add(target.key)
                    if function.key in by_key or shape.kind == "other":
                        # a call on a receiver of unknown type is a call site, but the
                        # function making it (a sync over every marketplace) passes on
                        # no evidence: its own callers are not TikTok Shop call sites
                        continue
                    by_key[function.key] = _wrapper(
                        function,
                        target.uses,
                        target.sites if target.thin else (),
                        (function.qualname, *target.chain),
                        reads_flag=target.reads_flag,
                        pending=target.pending,
                    )
                    added = True
            if not added:
                break
        wrappers = _by_name(by_key.values())
        final = dataclasses.replace(model, wrappers=wrappers)
        for function in functions:  # calls of the last round's wrappers count too
            for shape in function.calls:
                target = final.resolve(shape, function.path, function.class_name)
                if target is not None and target.key != function.key:
                    called.add(target.key)
        moved = {k for k in called if k in by_key and by_key[k].thin and by_key[k].sites}
        return dataclasses.replace(final, called=frozenset(moved))


def _is_regex_call(call: ast.Call) -> bool:
    """``re.compile(...)``, ``re.match(...)`` ...: a route pattern, not a request."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("compile", "match", "fullmatch", "search")
        and isinstance(func.value, ast.Name)
        and func.value.id == "re"
    )


def _calls_super(node: ast.AST, name: str) -> bool:
    """``super().button_validate()`` inside ``button_validate``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "super"
    )


def _url_like(text: str) -> bool:
    """``/order/{v}/orders{path}``, ``{base}/{resource}/{version}/{action}``, a full URL:
    no message text (``"Order not found: {}/{}"``)."""
    bare = _MARKERS.sub("", text)
    return (
        "/" in bare
        and not any(c.isspace() for c in text)
        and (text.startswith(("/", MARK)) or "://" in text)
    )


def _forwarded_templates(
    function: _Function, joins: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> tuple[str, ...]:
    """The join templates of a join method this function hands its own parameters to:
    ``return self._do_request(method, resource, action, ...)``."""
    mine = {name: i for i, name in enumerate(function.params)}
    for node in function.nodes:
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node.func)
        if name is None or name not in joins:
            continue
        params, templates = joins[name]
        values: dict[int, str] = {}
        pairs = [(i, a) for i, a in enumerate(node.args)]
        pairs += [(params.index(k.arg), k.value) for k in node.keywords if k.arg in params]
        for index, arg in pairs:
            if isinstance(arg, ast.Name) and arg.id in mine:
                values[index] = marker(mine[arg.id])
        if values:
            return tuple(fill(template, values) for template in templates)
    return ()


def _endpoints(
    uses: list[tuple[str, Optional[str], bool]],
) -> tuple[tuple[str, Optional[str]], ...]:
    """Each endpoint once, with its static version when some use shows it."""
    versions: dict[str, Optional[str]] = {}
    for endpoint, version, _ in uses:
        if versions.get(endpoint) is None:
            versions[endpoint] = version
    return tuple(versions.items())


def _wrapper(
    function: _Function,
    uses: tuple[tuple[str, Optional[str]], ...],
    sites: tuple[str, ...],
    chain: tuple[str, ...],
    reads_flag: bool = False,
    pending: bool = False,
) -> Wrapper:
    return Wrapper(
        key=function.key,
        name=function.name,
        class_name=function.class_name,
        path=function.path,
        uses=uses,
        sites=sites,
        thin=not function.loops,
        chain=chain,
        reads_flag=function.reads_flag or reads_flag,
        override=function.overrides,
        pending=function.pending or pending,
    )


def _by_name(wrappers: Iterable[Wrapper]) -> dict[str, tuple[Wrapper, ...]]:
    out: dict[str, list[Wrapper]] = defaultdict(list)
    for wrapper in wrappers:
        out[wrapper.name].append(wrapper)
    return {name: tuple(sorted(ws, key=lambda w: w.key)) for name, ws in out.items()}


def _function(
    path: str, node: Union[ast.FunctionDef, ast.AsyncFunctionDef], class_name: Optional[str]
) -> _Function:
    args = node.args
    params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if class_name is not None and params and params[0] in ("self", "cls"):
        params = params[1:]
    return _Function(path, node.name, class_name, node, params, nodes=list(ast.walk(node)))


def _binding(statement: ast.stmt) -> Optional[tuple[str, ast.expr]]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id, statement.value
    if (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.value is not None
    ):
        return statement.target.id, statement.value
    return None


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return []


def _local_imports(module: _Module) -> None:
    """Imports inside functions (``import tiktok_shop_api as _tt`` in a Flask view) name
    modules too: taken module-wide unless the top level binds the name otherwise."""
    for function in module.functions:
        for node in function.nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    if local not in module.imported:
                        module.modules.setdefault(local, alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module is not None:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if local not in module.modules:
                        module.imported.setdefault(local, node.module)
                        module.submodules.setdefault(local, f"{node.module}.{alias.name}")


def _module_values(module: _Module, project: dict[str, str]) -> dict[str, str]:
    """The module's own constants, evaluated: a name several modules bind to different
    paths (``PATH`` in one script per endpoint) has no project-wide value, but each
    module's functions read their own."""
    values: dict[str, str] = {}
    for _ in range(3):  # A = B + "/x"; B = VERSION ...
        evaluator = AstStrings(lambda node: _constant_lookup(node, {**project, **values}))
        for name, expr in module.constants.items():
            text = evaluator.string(expr)
            if text is not None and HOLE not in text:
                values[name] = text
    return values


def _constant_lookup(node: ast.expr, values: dict[str, str]) -> Optional[str]:
    if isinstance(node, ast.Name):
        return values.get(node.id)
    if isinstance(node, ast.Attribute):
        if node.attr == "value":
            return _constant_lookup(node.value, values)
        owner = dotted(node.value)
        if owner is not None and f"{owner}.{node.attr}" in values:
            return values[f"{owner}.{node.attr}"]
        return values.get(node.attr)
    return None


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _string_nodes(function: _Function) -> Iterator[ast.expr]:
    """The outermost string-building expressions of a function (docstrings excluded)."""
    if function.strings is not None:
        yield from function.strings
        return
    docstrings = {
        id(s.value) for s in function.nodes if isinstance(s, ast.Expr) and _is_docstring(s)
    }
    found: list[ast.expr] = []
    todo: list[ast.AST] = [function.node]
    while todo:
        node = todo.pop()
        builds = isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
        formats = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("format", "replace", "join")
        )
        if (builds or formats) and id(node) not in docstrings:
            assert isinstance(node, ast.expr)
            found.append(node)
            continue
        todo.extend(ast.iter_child_nodes(node))
    function.strings = found
    yield from found


def _callee(func: ast.expr) -> Optional[str]:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _shape(func: ast.expr, name: str, module: _Module, function: _Function) -> CallShape:
    if isinstance(func, ast.Name):
        return CallShape("name", name, module.imported.get(name))
    assert isinstance(func, ast.Attribute)
    receiver = func.value
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        receiver = receiver.func.value  # self.env['x'].sudo().f(): look through sudo()
    if isinstance(receiver, ast.Subscript):
        key = receiver.slice
        owner = dotted(receiver.value)
        if owner is not None and owner.endswith("env") and isinstance(key, ast.Constant):
            return CallShape("env", name, str(key.value))
    owner = dotted(receiver)
    if owner in ("self", "cls"):
        return CallShape("self", name)
    if owner in module.modules:
        return CallShape("module", name, module.modules[owner])
    if owner is not None and owner in module.imported:
        return CallShape("class", name, owner, module.submodules.get(owner))
    if owner is not None and owner[:1].isupper() and "." not in owner:
        return CallShape("class", name, owner)
    return CallShape("other", name)


def _arguments(call: ast.Call, evaluator: AstStrings, params: tuple[str, ...]) -> dict[int, str]:
    """The static text of each argument, by the callee's parameter index."""
    values: dict[int, str] = {}
    pairs = [(i, a) for i, a in enumerate(call.args)]
    pairs += [(params.index(k.arg), k.value) for k in call.keywords if k.arg in params]
    for index, arg in pairs:
        text = evaluator.string(arg)
        if text is not None and not has_marker(text):
            values[index] = text
    return values


def _holes(text: str) -> str:
    return re.sub(r"\x01\d+\x01", HOLE, text)
