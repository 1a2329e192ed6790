"""How a libcst call names its target, as a ``CallShape`` the project model resolves.

The counterpart of the model builder's ``_shape`` for ``ast``: ``f()``, ``self.f()``,
``self.env['sale.order'].sudo().f()``, ``module.f()``, ``Class.f()`` or any receiver.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from audit.python.project_model import CallShape
from audit.python.scope import ModuleScope


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner is not None else None
    return None


def call_shape(call: cst.Call, scope: ModuleScope) -> Optional[CallShape]:
    func = call.func
    if isinstance(func, cst.Name):
        name = scope.import_aliases.get(func.value, func.value).rsplit(".", 1)[-1]
        return CallShape("name", name, scope.imported_from.get(func.value))
    if not isinstance(func, cst.Attribute):
        return None
    name = func.attr.value
    receiver = func.value
    while isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute):
        receiver = receiver.func.value  # look through .sudo(), .with_context(...)
    if isinstance(receiver, cst.Subscript) and len(receiver.slice) == 1:
        owner = _dotted(receiver.value)
        index = receiver.slice[0].slice
        if (
            owner is not None
            and owner.endswith("env")
            and isinstance(index, cst.Index)
            and isinstance(index.value, cst.SimpleString)
        ):
            key = index.value.evaluated_value
            return CallShape("env", name, key if isinstance(key, str) else None)
    owner = _dotted(receiver)
    if owner in ("self", "cls"):
        return CallShape("self", name)
    if owner is not None and owner in scope.module_aliases:
        return CallShape("module", name, scope.module_aliases[owner])
    if (
        owner is not None
        and "." not in owner
        and (owner[:1].isupper() or owner in scope.imported_names)
    ):
        source = scope.imported_from.get(owner)
        module = f"{source}.{scope.import_aliases.get(owner, owner)}" if source else None
        return CallShape("class", name, owner, module)
    return CallShape("other", name)


def receiver_names(call: cst.Call, scope: ModuleScope) -> tuple[str, ...]:
    """What ``call``'s receiver is called: ``shopee_api`` and, for ``import shopee_api as
    _sh``, the module behind ``_sh``; empty for a call with no receiver."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return ()
    owner = _dotted(func.value)
    if owner is None:
        return ()
    return (owner, scope.module_aliases.get(owner, owner), scope.imported_from.get(owner, ""))
