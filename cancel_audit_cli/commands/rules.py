"""``cancel-audit rules`` and ``cancel-audit explain ID``: the catalog, like ``ruff rule``."""

from __future__ import annotations

import json
import textwrap

import click

from audit.catalog import Rule, load_catalog


def _indent(text: str) -> str:
    return textwrap.indent(text.rstrip("\n"), "    ")


def explain_text(rule: Rule) -> str:
    fix = rule.fix
    fix_line = {
        "safe": "Fix: safe (`cancel-audit fix --write`).",
        "unsafe": "Fix: unsafe (`cancel-audit fix --write --unsafe-fixes`).",
        "manual": "Fix: manual.",
        "none": "Fix: none.",
    }[fix.kind]
    markets = (
        "\nApplies when the US market is configured (the change is US-only).\n"
        if rule.us_only
        else ""
    )
    from audit.polyglot.hints import explain_examples

    others = "".join(
        textwrap.fill(
            f"{language}: {change}", 88, initial_indent=" " * 4, subsequent_indent=" " * 8
        )
        + "\n"
        for language, change in explain_examples(rule.id)
    )
    other_languages = (
        f"\nIn other languages (found in PHP, JS/TS, Go, Java, C#, Ruby; fixed by hand)\n{others}"
        if others
        else ""
    )
    from audit.fix_examples import fix_examples

    fixed = "".join(
        f"\nWhat fix does, {example.title}\n{_indent(example.diff())}\n"
        for example in fix_examples(rule.id)
    )
    return (
        f"{rule.id} {rule.name} ({rule.category}, default severity {rule.severity})\n\n"
        f"What it finds\n    {rule.summary}\n\n"
        f"Why\n{_indent(textwrap.fill(rule.why, 84))}\n{markets}\n"
        f"Example\n{_indent(rule.example)}\n\n"
        f"Use instead\n{_indent(rule.instead)}\n\n"
        f"{fix_line}\n{_indent(textwrap.fill(fix.detail, 84))}\n"
        f"{fixed}"
        f"{other_languages}"
    )


@click.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def rules(output_format: str) -> None:
    """List every rule: id, category, severity, fix availability and summary."""
    catalog = load_catalog()
    if output_format == "json":
        data = [rule.to_dict() for rule in catalog.rules.values()]
        click.echo(json.dumps(data, indent=2))
        return
    for rule in catalog.rules.values():
        click.echo(
            f"{rule.id}  {rule.name:<34} {rule.category:<9} {rule.severity:<8} "
            f"fix:{rule.fix.kind:<7} {rule.summary}"
        )


@click.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain one rule: what it finds, why, an example, what to use instead, the fix."""
    catalog = load_catalog()
    rule = catalog.rules.get(rule_id.upper())
    if rule is None:
        by_name = {r.name: r for r in catalog.rules.values()}
        rule = by_name.get(rule_id)
    if rule is None:
        raise click.UsageError(
            f"unknown rule '{rule_id}'; `cancel-audit rules` lists them "
            f"({', '.join(catalog.rules)})"
        )
    click.echo(explain_text(rule), nl=False)
