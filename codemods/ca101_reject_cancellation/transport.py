"""CA101, raw calls: the pieces of a Reject Cancellation request sent through the
project's own transport (``transport.request("POST", f".../{cid}/reject", ...)``,
``session.post(url, json=...)``): which expression fills the cancel id and the version,
and a ``send`` function that goes through the same transport for ``ship_to_reject_via``.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from audit.catalog import HOLE
from audit.python.matchers import EndpointUse
from audit.python.strings import Evaluator
from codemods.cst_helpers import code_of

_BODY_KEYWORDS = ("body", "json", "data", "payload")
_QUERY_KEYWORDS = ("params", "query", "query_params")


def cancel_id_in_url(url: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The expression that fills the ``{cancel_id}`` segment of a reject URL."""
    return _segment_after(url, "cancellations/")


def version_in_url(url: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The expression that fills the version segment (``/return_refund/{API_VERSION}/``)."""
    return _segment_after(url, "return_refund/")


def _segment_after(url: cst.BaseExpression, prefix: str) -> Optional[cst.BaseExpression]:
    """The first expression in ``url`` that directly follows the text ``prefix``."""
    pieces: list[Union[str, cst.BaseExpression]] = []
    for piece in _flatten_add(url):  # BASE + f".../{cid}/reject" holds both kinds
        if isinstance(piece, cst.FormattedString):
            for part in piece.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    pieces.append(part.expression)
                elif isinstance(part, cst.FormattedStringText):
                    pieces.append(part.value)
        else:
            pieces.append(piece)
    text = ""
    for piece in pieces:
        if isinstance(piece, str):
            text += piece
        elif text.endswith(prefix):
            return piece
        else:
            text += HOLE
    return None


def _flatten_add(node: cst.BaseExpression) -> list[Union[str, cst.BaseExpression]]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _flatten_add(node.left) + _flatten_add(node.right)
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return [value if isinstance(value, str) else value.decode("latin-1")]
    return [node]


def _hostcode_of(url: object, host: str, evaluator: Evaluator) -> str:
    """The project's own name for the host (``BASE`` in ``BASE + f"..."``), else a literal."""
    if isinstance(url, cst.BaseExpression):
        first = _flatten_add(url)[0]
        if isinstance(first, cst.BaseExpression) and evaluator.string(first) == host:
            return code_of(first)
    return f'"{host}"'


def send_function(call: cst.Call, use: EndpointUse, evaluator: Evaluator) -> Optional[str]:
    """``lambda method, path, query, body: <same transport>(...)`` mirroring the original
    call, or None when the transport shows no query argument to carry the query."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    receiver = code_of(func.value)
    url_text = (
        evaluator.string(use.evidence) if isinstance(use.evidence, cst.BaseExpression) else None
    )
    if url_text is None:
        return None
    host = url_text.split("/return_refund/")[0] if "://" in url_text else ""
    if HOLE in host:
        return None
    path = f"{_hostcode_of(use.evidence, host, evaluator)} + _path" if host else "_path"
    keywords = [a.keyword.value for a in call.args if a.keyword is not None]
    http_verb = func.attr.value in ("post", "get", "put", "patch", "delete")
    body_keyword = next(
        (k for k in keywords if k in _BODY_KEYWORDS), "json" if http_verb else "body"
    )
    # requests and httpx sessions take params=; a project transport shows its own name.
    query_keyword = next(
        (k for k in keywords if k in _QUERY_KEYWORDS), "params" if http_verb else None
    )
    if query_keyword is None:
        return None
    positional = [a for a in call.args if a.keyword is None]
    if http_verb:
        method = "request"  # requests-style session.post(url, json=...) -> session.request
    elif len(positional) >= 2 and evaluator.string(positional[0].value) is not None:
        method = func.attr.value  # transport.request("POST", path, body=...)
    else:
        return None
    parts = ["_method", path, f"{query_keyword}=_query", f"{body_keyword}=_body"]
    arguments = ", ".join(parts)
    if len(arguments) > 64:  # one argument a line, as a formatter would
        arguments = "".join(f"\n        {part}," for part in parts) + "\n    "
    elif len(receiver) + len(arguments) > 40:
        arguments = f"\n        {arguments}\n    "
    return f"lambda _method, _path, _query, _body: {receiver}.{method}({arguments})"
