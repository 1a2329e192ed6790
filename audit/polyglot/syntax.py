"""Node kinds that mean the same thing across the grammars we read.

One table for all languages: the grammars rarely reuse a kind name for something else,
and where they do (``string`` in JS, PHP and Ruby) it means a string everywhere.
"""

from __future__ import annotations

from typing import Any, Optional

Node = Any  # tree_sitter.Node (kept loose: the grammar wheels are imported lazily)

STRINGS = frozenset(
    {
        "string",
        "template_string",
        "encapsed_string",
        "heredoc",
        "nowdoc",
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
        "verbatim_string_literal",
        "interpolated_string_expression",
        "text_block",
    }
)
STRING_CONTENT = frozenset(
    {
        "string_fragment",
        "string_content",
        "string_value",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
        "string_literal_content",
        "raw_string_content",
        "heredoc_body",
        "nowdoc_body",
        "nowdoc_string",
        "multiline_string_fragment",
    }
)
ESCAPES = frozenset({"escape_sequence"})
# Interpolation wrappers whose inner expression is the value: `${x}`, `#{x}`, `{x}`.
INTERPOLATIONS = frozenset({"template_substitution", "interpolation"})
BINARY = frozenset({"binary_expression", "binary"})
CONCAT_OPERATORS = frozenset({"+", "."})
COMPARISON_OPERATORS = frozenset({"==", "===", "!=", "!==", "<>"})
CALLS = frozenset(
    {
        "call_expression",
        "function_call_expression",
        "member_call_expression",
        "nullsafe_member_call_expression",
        "scoped_call_expression",
        "method_invocation",
        "invocation_expression",
        "call",
        "new_expression",
        "object_creation_expression",
    }
)
IDENTIFIERS = frozenset({"identifier", "name", "constant", "property_identifier"})
# owner.member / Owner::MEMBER / $this->member
MEMBER_ACCESS = frozenset(
    {
        "member_expression",
        "selector_expression",
        "field_access",
        "member_access_expression",
        "class_constant_access_expression",
        "scope_resolution",
        "nullsafe_member_access_expression",
    }
)
NUMBERS = frozenset(
    {"number", "integer", "int_literal", "decimal_integer_literal", "integer_literal"}
)
COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_definition",
        "method_declaration",
        "method_definition",
        "method",
        "singleton_method",
        "function_expression",
        "arrow_function",
        "func_literal",
        "anonymous_function",
        "anonymous_function_creation_expression",
        "lambda_expression",
        "local_function_statement",
        "constructor_declaration",
        "generator_function_declaration",
    }
)
CLASSES = frozenset(
    {
        "class_declaration",
        "abstract_class_declaration",
        "class",
        "module",
        "interface_declaration",
        "trait_declaration",
        "enum_declaration",
        "struct_declaration",
        "record_declaration",
    }
)
ANNOTATIONS = frozenset({"annotation", "marker_annotation", "attribute", "decorator"})
ARGUMENT_WRAPPERS = frozenset({"argument"})
IMPORTS = frozenset(
    {
        "import_statement",
        "import_declaration",
        "namespace_use_declaration",
        "using_directive",
        "namespace_definition_name",
    }
)


def text(node: Node) -> str:
    raw: bytes = node.text or b""
    return raw.decode("utf-8", "replace")


def field(node: Node, name: str) -> Optional[Node]:
    child: Optional[Node] = node.child_by_field_name(name)
    return child


def named_children(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type not in COMMENTS]


def operator(node: Node) -> str:
    """The operator of a binary node: its first anonymous child."""
    for child in node.children:
        if not child.is_named:
            return str(child.type)
    return ""


def call_arguments(call: Node) -> list[Node]:
    """The argument expressions of a call, unwrapped (C# and PHP wrap each one)."""
    arguments = field(call, "arguments")
    if arguments is None:
        return []
    out = []
    for child in named_children(arguments):
        if child.type in ARGUMENT_WRAPPERS or child.type == "argument_list":
            inner = named_children(child)
            if inner:
                out.append(inner[-1])  # `name: value` keeps the value
        elif child.type in ("block_argument", "pair", "keyword_argument"):
            continue
        else:
            out.append(child)
    return out


def callee_name_node(call: Node) -> Optional[Node]:
    """The node naming the called method (``reject`` in ``a.b.reject()``)."""
    function = field(call, "function") or call
    for name_field in ("name", "property", "field", "method"):
        name = field(function, name_field)
        if name is not None:
            return name
    return function if function is not call else None


def callee(call: Node) -> tuple[Optional[str], Optional[Node]]:
    """The called name and its receiver: ``client.rejectCancellation`` gives
    ("rejectCancellation", <client>); ``sprintf`` gives ("sprintf", None)."""
    function = field(call, "function") or field(call, "constructor") or field(call, "type")
    if function is None:
        function = call
    for name_field in ("name", "property", "field", "method"):
        name = field(function, name_field)
        if name is not None:
            receiver = None
            for owner_field in ("object", "operand", "expression", "receiver", "scope"):
                receiver = field(function, owner_field)
                if receiver is not None:
                    break
            return text(name), receiver
    if function is not call and function.type in IDENTIFIERS:
        return text(function), None
    if function is not call and function.type == "generic_name":
        first = function.named_children[0] if function.named_children else None
        return (text(first) if first is not None else None), None
    return None, None


def member_parts(node: Node) -> tuple[Optional[str], Optional[str]]:
    """(owner, member) of an access: ``self::V`` -> ("self", "V"); ``Paths.REJECT``."""
    if node.type == "class_constant_access_expression":
        parts = named_children(node)
        if len(parts) >= 2:
            return text(parts[0]), text(parts[-1])
        return None, None
    member = None
    for name_field in ("property", "field", "name"):
        member = field(node, name_field)
        if member is not None:
            break
    owner = None
    for owner_field in ("object", "operand", "expression", "scope"):
        owner = field(node, owner_field)
        if owner is not None:
            break
    if member is None:
        return None, None
    return (text(owner) if owner is not None else None), text(member)
