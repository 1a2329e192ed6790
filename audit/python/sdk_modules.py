"""Generated SDKs with one module per operation (openapi-python-client's layout).

``api/order/search_orders.py`` builds its request in ``_get_kwargs()`` and exposes it as
``sync``/``sync_detailed``/``asyncio``/``asyncio_detailed``; the project calls
``search_orders.sync(client=...)``. Such a module defines the operation: the project's
calls of it are the call sites (resolved through ``from ...api.order import
search_orders``), not the module's own entry points.
"""

from __future__ import annotations

import libcst as cst

_BUILDER = "_get_kwargs"
_ENTRY_POINTS = frozenset({"sync_detailed", "asyncio_detailed"})


def is_operation_module(module: cst.Module) -> bool:
    """Whether the module is one generated operation: a request builder and its entry points."""
    names = {s.name.value for s in module.body if isinstance(s, cst.FunctionDef)}
    return _BUILDER in names and bool(names & _ENTRY_POINTS)
