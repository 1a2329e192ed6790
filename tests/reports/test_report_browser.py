"""Open rendered reports in headless Chromium and check what a person sees.

Driven over the DevTools protocol (see chromium_cdp.py): the checks read the DOM after
the page's script ran, and the event log proves there were no network requests, console
errors, uncaught exceptions or CSP violations. Screenshots (and a print PDF) go to
$CANCEL_AUDIT_ARTIFACTS or test-artifacts/.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from chromium_cdp import Chromium, Session, open_page, problems, reload, screenshot
from report_helpers import finding, result_of

from audit.findings import ScanResult
from reports.context import RepoInput, build_context
from reports.render import render_html

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="needs Chromium (Debian package `chromium`) for the browser checks",
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    with Chromium(tmp_path / "chromium-profile") as chromium:
        yield chromium


def _write(tmp_path: Path, name: str, context: dict[str, Any]) -> tuple[Path, str]:
    path = tmp_path / name
    path.write_text(render_html(context), encoding="utf-8")
    return path, path.as_uri()


def test_single_repository_report_in_chromium(
    browser: Chromium,
    legacy_result: ScanResult,
    catalog: Any,
    tmp_path: Path,
    artifacts: Path,
) -> None:
    blocking = [f for f in legacy_result.findings if f.category == "blocking"]
    assert len(blocking) == 3  # the fixture's three Reject Cancellation sites
    context = build_context(
        [RepoInput("legacy_shop", legacy_result, "live scan of legacy_shop", "test")],
        catalog,
        as_of=date(2024, 3, 1),
        tool_version="test",
    )
    _path, url = _write(tmp_path, "readiness.html", context)

    page = browser.page()
    open_page(page, url)
    seen = page.evaluate(
        """(() => ({
            js: document.documentElement.classList.contains('js'),
            verdict: document.querySelector('[data-verdict]').getAttribute('data-verdict'),
            headline: document.querySelector('.verdict .headline').innerText,
            when: document.querySelector('.verdict .when').innerText,
            blockingRows: document.querySelectorAll(
                '#repo-legacy-shop-blocking-table tbody tr').length,
            blockingCells: Array.from(document.querySelectorAll(
                '#repo-legacy-shop-blocking-table tbody tr td:first-child')).map(
                td => td.innerText.trim()),
            charts: document.querySelectorAll('svg.chart').length,
            bars: Array.from(document.querySelectorAll('svg.chart rect')).filter(
                r => r.getBBox().width > 0).length,
            ruleTarget: !!document.getElementById('rule-CA101'),
            filters: document.querySelectorAll('.filter input').length,
            text: document.body.innerText,
        }))()"""
    )
    assert seen["js"] is True
    assert seen["verdict"] == "not-ready"
    assert seen["headline"] == "Not ready for the 2024-03-31 Reject Cancellation deadline"
    assert "30 days before the 2024-03-31 deadline" in seen["when"]
    assert seen["blockingRows"] == 3
    assert seen["blockingCells"] == [
        "tiktok_bridge/cancel_worker.py:5",
        "tiktok_bridge/cancel_worker.py:10",
        "tiktok_bridge/client.py:40",
    ]
    assert seen["charts"] == 2
    assert seen["bars"] >= 5
    assert seen["ruleTarget"]
    assert seen["filters"] >= 1  # the JS enhancement added a filter box
    for heading in ("What blocks the deadline", "Behaviour risks", "Cleanup and adoption"):
        assert heading in seen["text"]

    screenshot(page, artifacts / "readiness-single.png")
    assert (artifacts / "readiness-single.png").stat().st_size > 50_000

    # The filter box filters.
    shown = page.evaluate(
        """(() => {
            const input = document.querySelector('#repo-legacy-shop-endpoints .filter input');
            input.value = 'legacy';
            input.dispatchEvent(new Event('input'));
            return Array.from(document.querySelectorAll(
                '#repo-legacy-shop-endpoint-table tbody tr')).filter(r => !r.hidden).length;
        })()"""
    )
    assert shown == 1

    assert problems(page, url) == []

    # Print: navigation chrome and JS controls disappear, the content stays.
    page.call("Emulation.setEmulatedMedia", {"media": "print"})
    printed = page.evaluate(
        """(() => ({
            toc: getComputedStyle(document.querySelector('.toc')).display,
            filter: getComputedStyle(document.querySelector('.filter')).display,
            table: getComputedStyle(document.querySelector('table')).display,
        }))()"""
    )
    assert printed == {"toc": "none", "filter": "none", "table": "table"}
    pdf = page.call("Page.printToPDF", {"printBackground": True})
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF")
    (artifacts / "readiness-single.pdf").write_bytes(data)
    page.call("Emulation.setEmulatedMedia", {"media": ""})

    # Without JavaScript everything is still there; only the enhancements are missing.
    page.call("Emulation.setScriptExecutionDisabled", {"value": True})
    reload(page)
    no_js = _no_js_view(page)
    assert no_js == {"js": False, "rows": 3, "filters": 0, "verdict": "not-ready"}
    assert problems(page, url) == []


def _no_js_view(page: Session) -> dict[str, Any]:
    # Runtime.evaluate still runs with page scripts disabled; the page's own script did not.
    value: dict[str, Any] = page.evaluate(
        """(() => ({
            js: document.documentElement.classList.contains('js'),
            rows: document.querySelectorAll('#repo-legacy-shop-blocking-table tbody tr').length,
            filters: document.querySelectorAll('.filter').length,
            verdict: document.querySelector('[data-verdict]').getAttribute('data-verdict'),
        }))()"""
    )
    return value


def test_portfolio_sorts_in_chromium(
    browser: Chromium, catalog: Any, tmp_path: Path, artifacts: Path
) -> None:
    repos = [
        RepoInput("alpha", result_of([finding(line=i) for i in range(1, 3)]), "a.json", "t"),
        RepoInput("bravo", result_of([finding("CA401", line=4)]), "b.json", "t"),
        RepoInput(
            "charlie",
            result_of([finding(line=i) for i in range(1, 6)] + [finding("CA201", line=9)]),
            "c.json",
            "t",
        ),
    ]
    context = build_context(repos, catalog, date(2024, 4, 2), "test")
    _, url = _write(tmp_path, "portfolio.html", context)
    page = browser.page()
    open_page(page, url)

    names = "Array.from(document.querySelectorAll('#portfolio-table tbody tr td:first-child a'))"
    names += ".map(a => a.innerText)"
    assert page.evaluate(names) == ["charlie", "alpha", "bravo"]
    assert page.evaluate("document.querySelectorAll('#portfolio-chart rect').length") == 4
    page.evaluate("document.querySelector('#portfolio-table thead th:first-child button').click()")
    assert page.evaluate(names) == ["alpha", "bravo", "charlie"]
    page.evaluate("document.querySelector('#portfolio-table thead th:nth-child(8) button').click()")
    assert page.evaluate(names) == ["bravo", "alpha", "charlie"]  # total, ascending
    footer = page.evaluate("document.querySelector('#portfolio-table tfoot').innerText")
    assert "Total (3)" in footer and "1 ready" in footer
    anchor = page.evaluate(
        "document.querySelector('#portfolio-table tbody a').getAttribute('href')"
    )
    assert page.evaluate(f"!!document.querySelector('{anchor}')")
    assert problems(page, url) == []
    screenshot(page, artifacts / "readiness-portfolio.png")


def test_hostile_snippets_stay_text_in_chromium(
    browser: Chromium, catalog: Any, tmp_path: Path
) -> None:
    evil = "<script>alert(1)</script>"
    result = result_of(
        [
            finding(snippet=f"x = '{evil}'", path=f"app/{evil}.py"),
            finding("CA401", snippet="ship('{{ 7*7 }}') <img src=x onerror=alert(2)>"),
        ]
    )
    context = build_context([RepoInput("evil", result, "e.json", "t")], catalog, date.today(), "t")
    _, url = _write(tmp_path, "evil.html", context)
    page = browser.page()
    open_page(page, url)
    text = page.evaluate("document.body.innerText")
    assert f"x = '{evil}'" in text
    assert "ship('{{ 7*7 }}') <img src=x onerror=alert(2)>" in text
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('main img').length") == 0
    assert page.named("Page.javascriptDialogOpening") == []
    assert problems(page, url) == []


def test_the_checks_catch_requests_and_errors(
    browser: Chromium, catalog: Any, tmp_path: Path
) -> None:
    """A negative control: the same checks on a page that misbehaves must complain."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><img src='http://127.0.0.1:9/pixel.png'>"
        "<script>console.error('boom'); throw new Error('uncaught one');</script>"
        "</body></html>"
    )
    page = browser.page()
    open_page(page, bad.as_uri())
    found = "\n".join(problems(page, bad.as_uri()))
    assert "request: http://127.0.0.1:9/pixel.png" in found
    assert "console error" in found and "boom" in found
    assert "uncaught" in found

    # In a report, the Content-Security-Policy blocks an external image: that is logged.
    context = build_context(
        [RepoInput("r", result_of([finding()]), "r.json", "t")], catalog, date.today(), "t"
    )
    html = render_html(context).replace(
        "<body>", "<body><img src='http://127.0.0.1:9/tracker.png'>", 1
    )
    report = tmp_path / "tampered.html"
    report.write_text(html, encoding="utf-8")
    page = browser.page()
    open_page(page, report.as_uri())
    found = "\n".join(problems(page, report.as_uri()))
    assert "tracker.png" in found and "Content Security Policy" in found


ROOT = Path(__file__).resolve().parents[2]


def test_example_integrator_report_in_chromium(
    browser: Chromium, tmp_path: Path, artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report for examples/legacy_oms, rendered by the CLI, as a person sees it."""
    from click.testing import CliRunner

    from cancel_audit_cli.cli import cli

    monkeypatch.chdir(ROOT)
    out = tmp_path / "example.html"
    result = CliRunner().invoke(
        cli, ["report", "examples/legacy_oms", "-o", str(out), "--as-of", "2024-04-15"]
    )
    assert result.exit_code == 0, result.output
    scan = CliRunner().invoke(cli, ["scan", "examples/legacy_oms", "--format", "json"])
    blocking = [f for f in json.loads(scan.output)["findings"] if f["category"] == "blocking"]
    assert len(blocking) == 6  # five Reject Cancellation sites and one legacy reverse reject

    page = browser.page()
    url = out.as_uri()
    open_page(page, url)
    seen = page.evaluate(
        """(() => ({
            verdict: document.querySelector('[data-verdict]').getAttribute('data-verdict'),
            headline: document.querySelector('.verdict .headline').innerText,
            when: document.querySelector('.verdict .when').innerText,
            blockingRows: document.querySelectorAll('[id$="-blocking-table"] tbody tr').length,
            charts: document.querySelectorAll('svg.chart').length,
        }))()"""
    )
    assert seen["verdict"] == "not-ready"
    assert seen["headline"] == "Not ready for the 2024-03-31 Reject Cancellation deadline"
    assert "15 days after the 2024-03-31 deadline" in seen["when"]
    assert seen["blockingRows"] == len(blocking)
    assert seen["charts"] >= 1
    assert problems(page, url) == []  # no console errors, no network requests
    screenshot(page, artifacts / "readiness-example.png")
