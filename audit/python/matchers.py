"""What counts as a use of a TikTok Shop endpoint or of error 21011007 in Python code.

These matchers are the one definition of a match. The detector reports what they find;
the codemods rewrite exactly what they find. Both pass in the module's ``Evaluator`` so
constants, route tables and URL builders resolve the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from audit.catalog import HOLE, Catalog
from audit.python.ast_values import UNKNOWN, fill
from audit.python.strings import Evaluator


@dataclass(frozen=True)
class EndpointUse:
    endpoint: str
    version: Optional[str]  # the 20YYMM segment when it is static
    strong: bool  # the evidence alone identifies TikTok Shop
    via: str  # "method": an SDK-style method call; "url": a path argument; "segments"
    evidence: cst.CSTNode  # the argument or callee that carries the evidence
    description: str  # for messages: "client.reject_cancellation()" or the path


def callee_name(call: cst.Call, evaluator: Evaluator) -> Optional[str]:
    """The called function's name, with ``import ... as alias`` undone."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return evaluator.scope.import_aliases.get(func.value, func.value).rsplit(".", 1)[-1]
    return None


def method_use(call: cst.Call, evaluator: Evaluator, catalog: Catalog) -> Optional[EndpointUse]:
    """``client.reject_cancellation(...)``, ``rejectCancellation(...)``, ``rc(...)``."""
    name = callee_name(call, evaluator)
    if name is None:
        return None
    match = catalog.method(name)
    if match is None:
        return None
    return EndpointUse(match.endpoint, None, match.strong, "method", call.func, f"{name}()")


def path_use(
    node: cst.BaseExpression, evaluator: Evaluator, catalog: Catalog
) -> Optional[EndpointUse]:
    """A string-valued expression that holds an endpoint path."""
    text = evaluator.string(node)
    if text is None:
        return None
    match = catalog.match_path(text)
    if match is None:
        return None
    return EndpointUse(match.endpoint, match.version, match.strong, "url", node, display(text))


# Pieces of a regular expression that stand for one path segment, or anchor it.
_REGEX_SEGMENT = re.compile(
    r"\(\?P<\w+>[^)]*\)|\((?:\?:)?[^)]*\)|\[\^?/?\]?[^\]]*\][+*]|\\[dw](?:[+*]|\{\d+(?:,\d*)?\})|\.[+*]"
)
_REGEX_CALLS = frozenset({"compile", "match", "fullmatch", "search"})


def route_pattern_use(
    call: cst.Call, evaluator: Evaluator, catalog: Catalog
) -> Optional[EndpointUse]:
    """``re.compile(r"^/return_refund/\\d+/cancellations/\\d+/reject$")``: a regular
    expression that describes an endpoint's route (a definition, not a request)."""
    func = call.func
    if not (
        isinstance(func, cst.Attribute)
        and func.attr.value in _REGEX_CALLS
        and isinstance(func.value, cst.Name)
        and func.value.value == "re"
        and call.args
    ):
        return None
    text = evaluator.string(call.args[0].value)
    if text is None:
        return None
    path = _REGEX_SEGMENT.sub(HOLE, text.replace("\\/", "/")).strip("^$")
    match = catalog.match_path(path)
    if match is None:
        return None
    return EndpointUse(
        match.endpoint, match.version, match.strong, "pattern", call.args[0].value, display(path)
    )


def call_use(call: cst.Call, evaluator: Evaluator, catalog: Catalog) -> Optional[EndpointUse]:
    """A call that talks to an endpoint: by SDK method name, by a path argument, or by
    path segments passed as separate arguments (``call("cancellations", cid, "reject")``).
    """
    use = method_use(call, evaluator, catalog)
    if use is not None:
        return use
    for arg in call.args:
        use = path_use(arg.value, evaluator, catalog)
        if use is not None:
            return use
    joined_use = join_use(call, evaluator, catalog)
    if joined_use is not None:
        return joined_use
    strings = [evaluator.string(arg.value) for arg in call.args if arg.keyword is None]
    if sum(s is not None and s != HOLE for s in strings) >= 2:
        joined = "/".join(HOLE if s is None else s.strip("/") for s in strings)
        match = catalog.match_path(joined)
        if match is not None:
            return EndpointUse(
                match.endpoint, match.version, match.strong, "segments", call, display(joined)
            )
    return None


def join_use(call: cst.Call, evaluator: Evaluator, catalog: Catalog) -> Optional[EndpointUse]:
    """A call of the project's own client join method with static pieces:
    ``self._make_request("/search")`` where it sends ``f"/order/{V}/orders{api_path}"``."""
    project = catalog.project
    if project is None or not project.joins:
        return None
    name = callee_name(call, evaluator)
    if name is None or name not in project.joins:
        return None
    params, templates = project.joins[name]
    values: dict[int, str] = {}
    for index, arg in enumerate(call.args):
        key = arg.keyword.value if arg.keyword is not None else None
        position = params.index(key) if key in params else (index if key is None else -1)
        text = evaluator.string(arg.value) if position >= 0 and not arg.star else None
        if text is not None:
            values[position] = text
    for template in templates:
        text = fill(template, values)
        match = catalog.match_path(text)
        if match is not None:
            return EndpointUse(
                match.endpoint, match.version, match.strong, "join", call, display(text)
            )
    return None


def is_error_code(node: cst.BaseExpression, evaluator: Evaluator, catalog: Catalog) -> bool:
    """21011007 as an int, ``21_011_007``, ``"21011007"``, or a constant bound to one of
    them or to the error's message (``AFTER_SALE_MESSAGE``, defined here or imported)."""
    if isinstance(node, (cst.Integer, cst.Name, cst.Attribute, cst.Subscript)):
        value = evaluator.integer(node)
        if value is not None:
            return value in catalog.codes
    if isinstance(node, (cst.SimpleString, cst.Name, cst.Attribute)):
        text = evaluator.string(node)
        if text is not None:
            if text.strip() in {str(code) for code in catalog.codes}:
                return True
            named = not isinstance(node, cst.SimpleString)  # literals are matched as strings
            return named and text.strip().lower() in {m.lower() for m in catalog.messages}
    return False


def mentions_error(text: str, catalog: Catalog) -> bool:
    """A string that carries the code or the error message ("... after-sale request")."""
    lowered = text.lower()
    if any(message.lower() in lowered for message in catalog.messages):
        return True
    return any(str(code) in text for code in catalog.codes)


def display(text: str) -> str:
    """A path for messages: unknown parts shown as ``{}``."""
    return text.replace(HOLE, "{}").replace(UNKNOWN, "{}")
