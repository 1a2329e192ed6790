"""YAML for config files, bounded: ``yaml.safe_load`` without the ways to blow up.

Refused, each with one sentence saying where: anchors and aliases (``&a`` / ``*a``: a
316-byte "billion laughs" file expands to gigabytes), nesting deeper than
:data:`MAX_DEPTH` (PyYAML's composer recurses once per level), duplicate keys (YAML says
they are an error; PyYAML silently keeps the last) and more than :data:`MAX_NODES` nodes.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node

MAX_DEPTH = 32
MAX_NODES = 100_000


class BoundedYamlError(Exception):
    """Why the document was refused, with its line."""


def _line(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise BoundedYamlError(
                f"aliases (*{event.anchor}) are not allowed in a config file "
                f"({_line(event.start_mark)}); write the value out"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise BoundedYamlError(
                f"anchors (&{anchor}) are not allowed in a config file "
                f"({_line(event.start_mark)}); write the value out"
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise BoundedYamlError(f"more than {MAX_NODES} values ({_line(event.start_mark)})")
        nested = isinstance(event, CollectionStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise BoundedYamlError(
                    f"nested more than {MAX_DEPTH} levels deep ({_line(event.start_mark)})"
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: the constructor says so below
                    continue
                if duplicate:
                    raise BoundedYamlError(
                        f"key '{key}' appears twice ({_line(key_node.start_mark)}); keep one"
                    )
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


def load(text: str) -> Any:
    """The document's value; :class:`BoundedYamlError` or ``yaml.YAMLError`` if refused."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
