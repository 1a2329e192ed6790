"""What a file binds statically: constants, class fields, enum members, route tables,
import/export aliases and a class's API category (``protected $category = 'order'``).

Only bindings outside function bodies count: a local variable is evaluated where its
value is built, not where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from audit.polyglot.syntax import CLASSES, FUNCTIONS, Node, named_children, text
from audit.polyglot.syntax import field as child

# (declarator kind, name field); the value is the "value"/"default_value" field or the
# last named child after the name.
_DECLARATORS = {
    "variable_declarator": "name",
    "public_field_definition": "name",
    "field_definition": "property",
    "enum_assignment": "name",
    "const_element": None,
    "property_element": "name",
    "const_spec": "name",
    "var_spec": "name",
    "assignment": "left",
    "enum_member_declaration": "name",
}
_OBJECT_KINDS = frozenset({"object", "array_creation_expression", "hash", "dictionary"})
_PAIR_KINDS = frozenset({"pair", "array_element_initializer"})
# Class fields that hold the API category a resource's relative actions live under.
CATEGORY_FIELDS = frozenset({"category", "prefix", "resource", "module", "apiCategory", "group"})


@dataclass
class Bindings:
    # bare name -> values (several when two classes or enums reuse a member name)
    names: dict[str, list[Node]] = field(default_factory=dict)
    # "Owner.name" -> value
    qualified: dict[str, Node] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # local alias -> original name
    categories: dict[str, Node] = field(default_factory=dict)  # class -> category value

    def bare(self, name: str) -> Optional[Node]:
        values = self.names.get(name)
        if not values:
            return None
        first = text(values[0])
        return values[0] if all(text(v) == first for v in values) else None

    def member(self, owner: Optional[str], name: str, class_name: Optional[str]) -> Optional[Node]:
        if owner is None or owner in ("this", "self", "static", "$this", "cls", "parent"):
            if class_name is not None and f"{class_name}.{name}" in self.qualified:
                return self.qualified[f"{class_name}.{name}"]
            return self.bare(name)
        owner = owner.rsplit(".", 1)[-1].rsplit("\\", 1)[-1]
        owner = self.aliases.get(owner, owner)
        if f"{owner}.{name}" in self.qualified:
            return self.qualified[f"{owner}.{name}"]
        if owner[:1].isupper():  # a type or constant holder we did not see: the bare name
            return self.bare(name)
        return None


def _name_of(node: Node, name_field: Optional[str]) -> Optional[Node]:
    if name_field is None:
        kids = named_children(node)
        return kids[0] if kids else None
    return child(node, name_field)


def _value_of(node: Node, name: Node) -> Optional[Node]:
    for value_field in ("value", "default_value", "right"):
        value = child(node, value_field)
        if value is not None:
            if value.type == "expression_list":  # Go: const A = "x"
                kids = named_children(value)
                return kids[0] if len(kids) == 1 else None
            return value
    kids = [k for k in named_children(node) if k.end_byte > name.end_byte]
    if kids and kids[-1].type == "equals_value_clause":
        inner = named_children(kids[-1])
        return inner[-1] if inner else None
    return kids[-1] if kids else None


def _plain(name: str) -> str:
    return name.lstrip("$")


def collect(root: Node) -> Bindings:
    bindings = Bindings()
    stack: list[tuple[Node, Optional[str]]] = [(root, None)]
    while stack:
        node, owner = stack.pop()
        kind = node.type
        if kind in FUNCTIONS:
            continue
        if kind in CLASSES:
            name = child(node, "name")
            owner = text(name) if name is not None else owner
        elif kind in ("export_specifier", "import_specifier"):
            original, alias = child(node, "name"), child(node, "alias")
            if original is not None and alias is not None:
                bindings.aliases[text(alias)] = text(original)
        elif kind == "function_call_expression" and text(child(node, "function") or node) in (
            "define",
        ):
            _define(node, bindings)
        elif kind in _DECLARATORS:
            _declare(node, _DECLARATORS[kind], owner, bindings)
        stack.extend((c, owner) for c in reversed(node.named_children))
    return bindings


def _declare(node: Node, name_field: Optional[str], owner: Optional[str], b: Bindings) -> None:
    name_node = _name_of(node, name_field)
    if name_node is None or name_node.type not in (
        "identifier",
        "name",
        "constant",
        "property_identifier",
        "variable_name",
        "private_property_identifier",
    ):
        return
    value = _value_of(node, name_node)
    if value is None:
        return
    name = _plain(text(name_node))
    b.names.setdefault(name, []).append(value)
    if owner is not None:
        b.qualified[f"{owner}.{name}"] = value
        if name in CATEGORY_FIELDS:
            b.categories[owner] = value
    if value.type in _OBJECT_KINDS:  # ROUTES = {reject: "..."}; $routes = ['k' => '...']
        for pair in named_children(value):
            if pair.type in _PAIR_KINDS:
                parts = named_children(pair)
                if len(parts) >= 2:
                    key = text(parts[0]).strip("'\"")
                    b.qualified[f"{name}.{key}"] = parts[-1]


def _define(node: Node, b: Bindings) -> None:
    from audit.polyglot.syntax import call_arguments

    args = call_arguments(node)
    if len(args) >= 2 and args[0].type in ("string", "encapsed_string"):
        name = text(args[0]).strip("'\"")
        b.names.setdefault(name, []).append(args[1])
