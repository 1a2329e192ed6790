"""What a scan learns about the project besides its findings.

The fix stage needs to know which client methods the project defines (its own spelling
of Get Order Detail or Ship Package, their parameters, whether they are coroutines) and
how often each SDK-style method name is called. The detector records these while it
walks each file, so nothing downstream reads or parses the project again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Optional, Union


@dataclass(frozen=True)
class FunctionFact:
    """A function or method the project defines whose name is an SDK spelling."""

    name: str
    endpoint: str  # the catalog endpoint the name stands for
    path: str
    line: int
    class_name: Optional[str]
    params: tuple[str, ...]  # parameter names, ``self`` included; ``**`` for **kwargs
    is_async: bool
    # What every call must pass: the parameters without a default, after a method's
    # ``self``; a keyword-only one is written ``*name``
    required: tuple[str, ...] = ()

    def unbound(self, positional: int, keywords: Collection[str] = ()) -> tuple[str, ...]:
        """The required parameters a call with ``positional`` arguments and these
        ``keywords`` leaves without a value (the call would raise TypeError)."""
        plain = [name for name in self.required if not name.startswith("*")]
        keyword_only = [name[1:] for name in self.required if name.startswith("*")]
        return tuple(n for n in (*plain[positional:], *keyword_only) if n not in keywords)


@dataclass(frozen=True)
class ProjectFacts:
    functions: tuple[FunctionFact, ...] = ()
    # SDK-style method name -> number of call sites in the scanned files
    calls: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # Module constants any module may use: API_VERSION, AFTER_SALE_PENDING ...
    constants: dict[str, Union[str, int]] = field(default_factory=dict, compare=False, hash=False)
    # 21011007 constants still read by code on the legacy API: live, no cleanup yet
    live_names: frozenset[str] = frozenset()

    def defined(self, endpoint: str) -> list[FunctionFact]:
        """The project's own methods for ``endpoint``, methods of a class first."""
        found = [f for f in self.functions if f.endpoint == endpoint]
        return sorted(found, key=lambda f: (f.class_name is None, f.path, f.line))

    def method(self, endpoint: str, is_async: Optional[bool] = None) -> Optional[FunctionFact]:
        """The one method the project's client defines for ``endpoint``, if any."""
        for fact in self.defined(endpoint):
            if fact.class_name is not None and (is_async is None or fact.is_async == is_async):
                return fact
        return None

    def client_ready(self, is_async: Optional[bool] = None) -> bool:
        """The client can read an order and ship its packages: what ship-to-reject needs."""
        return (
            self.method("order_detail", is_async) is not None
            and self.method("ship_package", is_async) is not None
        )


def merge_facts(
    functions: Iterable[FunctionFact],
    calls: Iterable[Counter[str]],
    constants: Optional[dict[str, Union[str, int]]] = None,
    live_names: Iterable[str] = (),
) -> ProjectFacts:
    total: Counter[str] = Counter()
    for counter in calls:
        total.update(counter)
    return ProjectFacts(tuple(functions), dict(total), dict(constants or {}), frozenset(live_names))
