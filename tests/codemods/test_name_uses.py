"""Scope-based name checks the codemods share, and the registry of codemod units."""

from __future__ import annotations

import textwrap

import libcst as cst

from audit.catalog import load_catalog, rule_units
from audit.fix_examples import SETTINGS
from codemods.name_uses import drop_unused_assignments, fresh_name, global_reads
from codemods.registry import codemod_units, fixable_rules


def function(source: str) -> cst.FunctionDef:
    statement = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(statement, cst.FunctionDef)
    return statement


def code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def test_an_unread_local_goes_even_when_a_comment_names_it() -> None:
    dropped = drop_unused_assignments(
        function(
            """
            def reject(client, cid):
                url = f"/return_refund/202309/cancellations/{cid}/reject"  # the url
                # url above was the reject endpoint
                return ship(client, cid)
            """
        ),
        {"url"},
    )
    assert "url =" not in code(dropped)
    assert "return ship(client, cid)" in code(dropped)


def test_a_local_read_by_a_nested_function_or_bound_twice_stays() -> None:
    nested = function(
        """
        def reject(client, cid):
            url = "/x"
            def later():
                return url
            return later
        """
    )
    assert "url = " in code(drop_unused_assignments(nested, {"url"}))
    twice = function(
        """
        def reject(url):
            url = "/x"
            return 1
        """
    )
    assert 'url = "/x"' in code(drop_unused_assignments(twice, {"url"}))


def test_fresh_name_skips_names_in_use_but_not_attributes_or_strings() -> None:
    module = cst.parse_module(
        "def f(self):\n    self.pending_orders = 'pending_orders'\n    return len([])\n"
    )
    assert fresh_name(module, "pending_orders") == "pending_orders"
    assert fresh_name(module, "len") == "len_2"
    taken = cst.parse_module("pending_orders = 1\npending_orders_2 = 2\n")
    assert fresh_name(taken, "pending_orders") == "pending_orders_3"


def test_global_reads_count_reads_and_exports_not_mentions() -> None:
    module = cst.parse_module(
        textwrap.dedent(
            """
            __all__ = ["EXPORTED"]
            AFTER_SALE = 21011007  # AFTER_SALE is the old code
            EXPORTED = 1
            UNUSED = 2
            LOG = "AFTER_SALE seen"

            def handle(exc):
                return exc.code == AFTER_SALE
            """
        )
    )
    assert [r.start.line for r in global_reads(module, "AFTER_SALE")] == [9]
    assert [r.start.line for r in global_reads(module, "EXPORTED")] == [2]
    assert global_reads(module, "UNUSED") == []


def test_every_rule_with_an_automatic_fix_has_a_codemod_unit_and_no_other() -> None:
    catalog = load_catalog()
    automatic = {
        rule.id
        for rule in catalog.rules.values()
        if any(rule.fix.kind_for(markets) in ("safe", "unsafe") for markets in SETTINGS.values())
    }
    assert set(fixable_rules()) == automatic
    folders = {f"codemods.{unit.folder.name}" for unit in rule_units()}
    for unit in codemod_units():
        assert unit.package in folders  # named for its rule unit
        assert all(unit.rule == cls.RULE for cls in unit.codemods)


def test_dead_21011007_branches_go_before_reject_calls_are_rewritten() -> None:
    order = fixable_rules()
    assert order.index("CA201") < order.index("CA101")
