"""Rendering: escaping, self-containment, Markdown structure and its length limit."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from report_helpers import ROOT, finding, result_of

from audit.findings import InventoryEntry, ScanResult
from reports.context import RepoInput, build_context
from reports.render import MARKDOWN_LIMIT, md_escape, render_html, render_markdown

EVIL = "<script>alert(1)</script>"


def _context(results: list[ScanResult], catalog: Any, **kw: Any) -> dict[str, Any]:
    repos = [RepoInput(f"repo{i}", r, f"r{i}.json", "t") for i, r in enumerate(results)]
    return build_context(repos, catalog, date(2024, 3, 1), "t", **kw)


def _evil_result() -> ScanResult:
    return result_of(
        [
            finding(snippet=f"x = '{EVIL}'; client.reject_cancellation(c)"),
            finding(
                "CA401",
                path=f"jobs/{EVIL}.py",
                snippet="ship('{{ 7*7 }}') | `rm -rf` @here #1 [a](javascript:alert(1))",
                message="{{ 7*7 }} {% if 1 %}x{% endif %}",
            ),
        ],
        inventory=(InventoryEntry("ship_package", "{{ 7*7 }}", "call", EVIL, 1, 1),),
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_html_escapes_snippets_paths_and_template_syntax(catalog: Any) -> None:
    html = render_html(_context([_evil_result()], catalog))
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # shown as text, never evaluated
    assert "{% if 1 %}x{% endif %}" in html
    assert ">49<" not in html and "'49'" not in html
    parsed = _parse(html)
    assert [t for t, _ in parsed.tags].count("script") == 1  # only the report's own
    assert not any(a.get("href", "").startswith("javascript:") for _, a in parsed.tags)


def test_markdown_escapes_snippets_paths_and_template_syntax(catalog: Any) -> None:
    text = render_markdown(_context([_evil_result()], catalog))
    assert EVIL not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "{{ 7&#42;7 }}" in text  # braces kept, '*' cannot start emphasis
    assert "49" not in text
    assert "@here" not in text and "&#64;here" in text  # no mention
    assert " #1 " not in text and " &#35;1 " in text  # no issue link
    assert "](javascript" not in text
    # A '|' in a snippet must not open a new table cell: every finding row has 4 cells.
    rows = [line for line in text.splitlines() if "ship(" in line]
    assert rows and all(line.count("|") == 5 for line in rows)


def test_md_escape() -> None:
    assert md_escape("a|b") == "a&#124;b"
    assert md_escape("<b>*x*</b>") == "&lt;b&gt;&#42;x&#42;&lt;/b&gt;"
    assert md_escape("two\nlines") == "two lines"


def test_html_is_self_contained(legacy_result: ScanResult, catalog: Any) -> None:
    html = render_html(_context([legacy_result, result_of([finding()])], catalog))
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base")
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = attrs.get(name, "")
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
    assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", html)
    assert "@import" not in html and "url(" not in html
    assert "fonts.googleapis" not in html
    # A Content-Security-Policy that allows no network at all, and the inline code by hash.
    csp = next(
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp.startswith("default-src 'none'")
    for kind, blocks in (("script-src", parsed.scripts), ("style-src", parsed.styles)):
        assert len(blocks) == 1
        digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
        assert f"{kind} 'sha256-{digest}'" in csp
    assert "@media print" in parsed.styles[0]


def test_html_links_every_finding_to_its_rule(legacy_result: ScanResult, catalog: Any) -> None:
    html = render_html(_context([legacy_result], catalog))
    ids = set(re.findall(r'id="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert {f"rule-{f.rule}" for f in legacy_result.findings} <= links
    assert links <= ids  # no dangling in-page link
    for rule in ("CA101", "CA102", "CA201", "CA301", "CA302", "CA401"):
        assert f'id="rule-{rule}"' in html
    assert "Use instead" in html and "client.ship_package(package[&#34;id&#34;])" in html


def test_markdown_structure(legacy_result: ScanResult, catalog: Any) -> None:
    text = render_markdown(_context([legacy_result], catalog))
    lines = text.splitlines()
    assert lines[0] == "## ❌ Not ready for the 2024-03-31 Reject Cancellation deadline"
    assert "30 days before the 2024-03-31 deadline" in lines[2]
    # Summary first, then the details in <details> blocks, balanced.
    assert text.index("| Blocking |") < text.index("<details")
    assert text.count("<details") == text.count("</details>") >= 5
    assert "<details open><summary><b>What blocks the deadline (3)</b></summary>" in text
    blocking = text.split("What blocks the deadline (3)")[1].split("</details>")[0]
    assert blocking.count("[CA101](#rule-CA101)") == 3
    assert '<a name="rule-CA101"></a>' in text
    # the rule's example is its unit's invalid example, proven to fire (tests/rules)
    example = catalog.rules["CA101"].example.strip("\n")
    assert 'client.reject_cancellation(cancel_id, reason="seller_packed")' in example
    assert f"```python\n{example}\n```" in text
    # no stray blank lines from the template (code blocks keep PEP 8's two)
    assert "\n\n\n" not in re.sub(r"```.*?```", "CODE", text, flags=re.DOTALL)
    assert len(text) < MARKDOWN_LIMIT


def test_markdown_portfolio_lists_every_repository(catalog: Any) -> None:
    results = [result_of([finding(line=i) for i in range(n)]) for n in (0, 3, 1)]
    text = render_markdown(_context(results, catalog))
    assert text.startswith("## ❌ Reject Cancellation readiness: 3 repositories")
    table = [line for line in text.splitlines() if line.startswith("| repo")]
    assert [line.split(" | ")[0] for line in table] == ["| repo1", "| repo2", "| repo0"]
    assert "| **Total (3)** | **1 ready** | **4** |" in text


def _large_result(count: int) -> ScanResult:
    rules = ["CA101", "CA401", "CA201", "CA301", "CA302"]
    findings = [
        finding(
            rules[i % len(rules)],
            path=f"pkg{i % 37}/module_{i % 211}.py",
            line=i + 1,
            snippet=f"client.call_{i}('/return_refund/202309/cancellations/' + cid + '/reject')",
        )
        for i in range(count)
    ]
    return result_of(findings)


def test_markdown_stays_under_the_comment_limit(catalog: Any) -> None:
    result = _large_result(5000)
    context = _context([result], catalog)
    text = render_markdown(context)
    assert len(text) < MARKDOWN_LIMIT
    assert text.startswith("## ❌ Not ready")  # the summary survives
    assert "> **Truncated:** tables list at most" in text
    assert text.count("<details") == text.count("</details>")
    assert text.count("```") % 2 == 0
    blocking = text.split("What blocks the deadline (1000)")[1].split("</details>")[0]
    shown = blocking.count("[CA101](#rule-CA101)")
    assert 0 < shown < 1000
    assert f"_…and {1000 - shown} more (truncated)._" in blocking
    # The untruncated rendering is far over the limit: the test exercises truncation.
    full = render_markdown(context, limit=10**9)
    assert len(full) > 4 * MARKDOWN_LIMIT


def test_markdown_hard_cut_for_huge_portfolios(catalog: Any) -> None:
    results = [result_of([finding(line=1)]) for _ in range(40)]
    text = render_markdown(_context(results, catalog), limit=6000)
    assert len(text) < 6000
    assert "longer than a GitHub comment allows" in text  # the hard cut, not row limits
    assert text.count("<details") == text.count("</details>")


def test_jinja2_is_imported_only_to_render() -> None:
    code = (
        "import sys, cancel_audit_cli.commands.report; "
        "import reports.context, reports.load, reports.render; "
        "assert 'jinja2' not in sys.modules, 'jinja2 imported early'; "
        "from cancel_audit_cli.cli import cli; cli.get_command(None, 'report'); "
        "assert 'jinja2' not in sys.modules, 'jinja2 imported by the verb'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_templates_ship_inside_the_package() -> None:
    templates = Path(__import__("reports").__file__).parent / "templates"
    names = {p.name for p in templates.iterdir()}
    assert {"report.html.j2", "report.md.j2", "report.css", "report.js"} <= names


OUTSIDE = "Outside production code: tests, fixtures, vendored SDK copies"


def _mixed_origins() -> ScanResult:
    return result_of(
        [
            finding(path="app/cancel.py", line=3),
            finding(path="tests/test_cancel.py", line=7, origin="test"),
            finding(path="vendor/tiktok_sdk/api.py", line=9, origin="vendored"),
            finding(
                "CA401",
                path="tests/fixtures/ship.py",
                line=2,
                origin="fixture",
                snippet="client.ship_package(p)",
            ),
        ]
    )


def _html_section(html: str, anchor: str) -> str:
    return html.split(f'<section class="block" id="{anchor}">')[1].split("</section>")[0]


def test_html_lists_findings_outside_production_code_in_their_own_group(catalog: Any) -> None:
    html = render_html(_context([_mixed_origins()], catalog))
    verdict = html.split('id="repo-repo0-verdict"')[1].split("</div>")[0]
    assert "1 of them in production code, 2 in tests, fixtures or vendored SDK copies." in verdict
    assert '<span class="num">1</span><span class="lbl">In production code</span>' in html
    assert "of 4 findings; 3 outside" in html
    # production first: the blocking table holds only the production site
    blocking = _html_section(html, "repo-repo0-blocking")
    assert "<b>cancel.py</b>:3" in blocking
    assert "test_cancel.py" not in blocking and "api.py" not in blocking
    assert "2 more in tests, fixtures or vendored SDK copies." in blocking
    risks = _html_section(html, "repo-repo0-risks")
    assert "None in production code; 1 in tests, fixtures or vendored SDK copies." in risks
    assert "No shipping code that could silently reject" not in risks
    group = _html_section(html, "repo-repo0-outside")
    assert f'{OUTSIDE} <span class="count">3 findings</span>' in group
    assert "1 in tests, 1 in fixtures, 1 in vendored SDK copies." in group
    origins = re.findall(
        r'<b>([^<]+)</b>:\d+</code> <span class="tag origin">([^<]+)</span>', group
    )
    assert origins == [
        ("test_cancel.py", "test"),
        ("api.py", "vendored SDK copy"),
        ("ship.py", "fixture"),
    ]
    assert html.index('id="repo-repo0-blocking"') < html.index('id="repo-repo0-outside"')
    assert 'href="#repo-repo0-outside"' in html  # the table of contents and the notes link it


def test_markdown_lists_findings_outside_production_code_in_their_own_group(
    catalog: Any,
) -> None:
    text = render_markdown(_context([_mixed_origins()], catalog))
    lines = text.splitlines()
    assert "1 of them in production code, 2 in tests, fixtures or vendored SDK copies." in lines[2]
    assert (
        "1 of 4 findings is in production code; 3 in tests, fixtures or vendored SDK copies "
        "are listed separately." in lines
    )
    blocking = text.split("What blocks the deadline (1)</b>")[1].split("</details>")[0]
    assert "<code>app/cancel.py:3</code>" in blocking
    assert "test&#95;cancel.py" not in blocking and "vendor/" not in blocking
    assert "2 more in tests, fixtures or vendored SDK copies." in blocking
    risks = text.split("Behaviour risks (0)</b>")[1].split("</details>")[0]
    assert "None in production code; 1 in tests, fixtures or vendored SDK copies." in risks
    assert text.index("What blocks the deadline") < text.index(OUTSIDE)
    group = text.split(f"{OUTSIDE} (3 findings)</b></summary>")[1].split("</details>")[0]
    assert "1 in tests, 1 in fixtures, 1 in vendored SDK copies." in group
    rows = [line for line in group.splitlines() if line.startswith("| <code>")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| <code>tests/test&#95;cancel.py:7</code> (test)",
        "| <code>vendor/tiktok&#95;sdk/api.py:9</code> (vendored SDK copy)",
        "| <code>tests/fixtures/ship.py:2</code> (fixture)",
    ]
    assert text.count("<details") == text.count("</details>")
    assert "\n\n\n" not in re.sub(r"```.*?```", "CODE", text, flags=re.DOTALL)


def test_an_all_production_report_has_no_outside_group(catalog: Any) -> None:
    context = _context([result_of([finding(), finding("CA401", path="jobs/ship.py")])], catalog)
    html = render_html(context)
    text = render_markdown(context)
    for output in (html, text):
        assert "Outside production code" not in output
        assert "in production code" not in output
    assert 'class="tag origin"' not in html and "-outside" not in html
