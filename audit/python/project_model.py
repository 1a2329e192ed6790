"""What the project itself defines that stands for TikTok Shop requests.

Built once per scan (``audit.python.model_builder``) and read by the detector of every
file: path constants from any module, path builder functions, client join templates
(``_make_request("POST", "order", "orders/search")`` with ``f"/{resource}/{version}/
{action}"`` inside) and wrappers (a function or method whose body issues a request,
directly or through another wrapper). A call of a wrapper is a call site of its endpoint.

Calls are resolved by their shape (``CallShape``), so the ``ast`` pass that builds the
model and the libcst detector resolve the same call the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

# Method names too common to resolve on an unknown receiver: ``job.run()`` is not
# known to be the one project class's ``run`` that ships.
GENERIC_NAMES = frozenset(
    {
        "run", "get", "post", "put", "patch", "delete", "request", "call", "execute",
        "send", "fetch", "sync", "update", "create", "search", "main", "process",
        "handle", "start", "invoke", "list", "read", "write", "save", "load", "open",
        "close", "submit", "apply", "perform", "__call__", "__init__", "_request",
        "_call", "_get", "_post", "_send", "api", "api_call", "make_request",
        "_make_request", "do", "query", "action", "sudo", "browse", "filtered",
    }
)  # fmt: skip


@dataclass(frozen=True)
class CallShape:
    """How a call names its target. ``kind``: "name" (``f()``), "self" (``self.f()``,
    ``cls.f()``), "env" (``self.env['sale.order'].f()``), "module" (``mod.f()``),
    "class" (``Class.f()``) or "other" (any other receiver)."""

    kind: str
    name: str
    qualifier: Optional[str] = None  # module, class or Odoo model the call names
    # "class" calls on an imported name: the module that name is when it is one
    # (``from sdk.api.order import search_orders`` then ``search_orders.sync(...)``)
    module: Optional[str] = None


@dataclass(frozen=True)
class Wrapper:
    key: str  # "path::Class.name": unique in the project
    name: str
    class_name: Optional[str]
    path: str
    uses: tuple[tuple[str, Optional[str]], ...]  # (endpoint, static version) it issues
    # endpoints whose call-site rules (CA401, CA301) its callers answer: what it issues
    # undecided (not a lookup of given ids, not excused by what it does itself)
    sites: tuple[str, ...]
    thin: bool  # forwards without iterating: its callers decide, not it
    chain: tuple[str, ...]  # "Class.method" from this wrapper down to the request
    reads_flag: bool  # consults is_buyer_request_cancel (itself or below)
    pending: bool  # asks for pending cancel requests (itself or below)
    # overrides a framework method (calls super() of its own name, e.g. Odoo's
    # button_validate): only self./cls./Class./env[...] calls reach it, not any receiver
    override: bool = False
    strong: bool = True  # wrappers come only from TikTok Shop evidence

    @property
    def qualname(self) -> str:
        return f"{self.class_name}.{self.name}" if self.class_name else self.name

    def describe(self) -> str:
        return " -> ".join(f"{step}()" for step in self.chain)


@dataclass(frozen=True)
class ProjectModel:
    # NAME and Class.NAME -> static string value, from any module of the project
    constants: dict[str, str] = field(default_factory=dict)
    # path builder name -> the path it returns (parameters as holes)
    builders: dict[str, str] = field(default_factory=dict)
    # client join method name -> (its parameters, self/cls left out; templates with
    # parameter markers, see ``audit.python.ast_values.fill``)
    joins: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    wrappers: dict[str, tuple[Wrapper, ...]] = field(default_factory=dict)  # by name
    # class name -> the classes whose methods ``self.`` may reach (itself, bases, Odoo model)
    class_groups: dict[str, frozenset[str]] = field(default_factory=dict)
    odoo_models: dict[str, frozenset[str]] = field(default_factory=dict)  # model -> classes
    # keys of wrappers that project code calls: their callers are the call sites
    called: frozenset[str] = frozenset()
    # (path, class name or "") judged to be another marketplace's code
    foreign: frozenset[tuple[str, str]] = frozenset()
    # (path, qualname) of functions that only return a path
    builder_functions: frozenset[tuple[str, str]] = frozenset()
    # (path, name) of every module-level function: a bare call names the module's own
    module_functions: frozenset[tuple[str, str]] = frozenset()

    def callables(self) -> set[str]:
        """The names a file must call to use a wrapper, builder or join method."""
        wrappers = {n for n, ws in self.wrappers.items() if not all(w.override for w in ws)}
        return wrappers | set(self.builders) | set(self.joins)

    def overrides(self) -> set[str]:
        """Framework methods the project overrides to issue a request: reached through
        ``self.`` or ``env['model']`` only."""
        return {n for n, ws in self.wrappers.items() if all(w.override for w in ws)}

    def path_constants(self) -> set[str]:
        """The names of constants that hold a path (``ORDER_SEARCH_PATH``, ``Paths.REJECT``)."""
        return {name.rsplit(".", 1)[-1] for name, value in self.constants.items() if "/" in value}

    def is_foreign(self, path: str, class_name: Optional[str]) -> bool:
        return (path, class_name or "") in self.foreign or (path, "") in self.foreign

    def resolve(self, shape: CallShape, path: str, class_name: Optional[str]) -> Optional[Wrapper]:
        """The project wrapper a call reaches, when static code says which one."""
        found = self.wrappers.get(shape.name)
        if not found:
            return None
        if shape.kind == "name":
            local = [w for w in found if w.class_name is None and w.path == path]
            if local:
                return local[0]
            if shape.qualifier is None and (path, shape.name) in self.module_functions:
                return None  # the module's own function of that name, which sends nothing
            functions = [w for w in found if w.class_name is None]
            if shape.qualifier is not None:
                functions = [w for w in functions if _module_matches(w.path, shape.qualifier)]
            return functions[0] if len(functions) == 1 else None
        if shape.kind == "self":
            group = self.class_groups.get(class_name or "", frozenset({class_name or ""}))
            methods = [w for w in found if w.class_name in group]
            return methods[0] if methods else None
        if shape.kind == "env":
            classes = self.odoo_models.get(shape.qualifier or "", frozenset())
            methods = [w for w in found if w.class_name in classes]
            return methods[0] if methods else None
        if shape.kind == "module":
            functions = [
                w
                for w in found
                if w.class_name is None and _module_matches(w.path, shape.qualifier or "")
            ]
            return functions[0] if len(functions) == 1 else None
        if shape.kind == "class":
            qualifier = shape.qualifier or ""
            group = self.class_groups.get(qualifier, frozenset({qualifier}))
            methods = [w for w in found if w.class_name in group]
            if methods:
                return methods[0]
            # a generated SDK's module per operation: ``search_orders.sync(client=...)``
            functions = [
                w
                for w in found
                if w.class_name is None and shape.module and _module_matches(w.path, shape.module)
            ]
            return functions[0] if len(functions) == 1 else None
        if shape.name in GENERIC_NAMES:
            return None
        methods = [w for w in found if w.class_name is not None and not w.override]
        return methods[0] if len({w.uses for w in methods}) == 1 else None


def _module_matches(path: str, module: str) -> bool:
    """``app/integrations/tiktok.py`` is ``app.integrations.tiktok``, ``.tiktok`` ..."""
    stem = path[:-3] if path.endswith(".py") else path
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    wanted = [p for p in module.split(".") if p]
    if not wanted:
        return False
    # the module itself, or its package re-exporting it (``from .tools import f``)
    return parts[-len(wanted) :] == wanted or parts[:-1][-len(wanted) :] == wanted
