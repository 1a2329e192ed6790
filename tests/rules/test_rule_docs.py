"""The rule pages (docs/rules/CAxxx.md) and the README's rule table are generated from the
rule units by tools/rule_docs.py; this fails when they are stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from audit.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("rule_docs", ROOT / "tools" / "rule_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_rule_docs_are_fresh() -> None:
    stale = [str(p.relative_to(ROOT)) for p in _generator().stale()]
    assert stale == [], f"run: python tools/rule_docs.py ({stale})"


def test_every_rule_has_a_page_with_every_section() -> None:
    for rule_id, rule in load_catalog().rules.items():
        page = (ROOT / "docs" / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")
        headings = ["## What it finds", "## Why", "## Example", "## Use instead"]
        headings += ["## Fix safety", "## Markets"]
        positions = [page.index(h) for h in headings]
        assert positions == sorted(positions)
        assert rule.example.rstrip() in page and rule.instead.rstrip() in page
