"""The report context: verdicts, day arithmetic, sections, progress, portfolio, charts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from report_helpers import finding, result_of

from audit.findings import InventoryEntry, ScanResult
from audit.markets import Markets
from reports.context import RepoInput, build_context, repo_name, unique_anchors
from reports.load import LoadedResult, Prior, PriorFinding, prior_from_result
from reports.sections.breakdown import directory_groups
from reports.sections.labels import FIX_LABELS
from reports.sections.readiness import days_text
from reports.truncate import truncated


def _context(result: ScanResult, catalog: Any, as_of: date = date(2024, 3, 1), **kw: Any) -> Any:
    repo = RepoInput("shop", result, "scan.json", "test", **kw)
    return build_context([repo], catalog, as_of, "test")


def test_the_realistic_repository_is_not_ready(legacy_result: ScanResult, catalog: Any) -> None:
    context = _context(legacy_result, catalog)
    repo = context["repos"][0]
    verdict = repo["verdict"]
    assert verdict["status"] == "not-ready"
    assert verdict["headline"] == "Not ready for the 2024-03-31 Reject Cancellation deadline"
    assert verdict["detail"].startswith("3 places still reject")
    assert verdict["days"] == -30 and not verdict["overdue"]
    assert [r["location"] for r in repo["blocking"]["rows"]] == [
        "tiktok_bridge/cancel_worker.py:5",
        "tiktok_bridge/cancel_worker.py:10",
        "tiktok_bridge/client.py:40",
    ]
    # The client cannot read an order (no Get Order Detail method), so ship-to-reject
    # cannot be written for it: the report says manual, as `fix` would.
    assert {r["fix"] for r in repo["blocking"]["rows"]} == {"manual"}
    assert repo["blocking"]["rows"][0]["fix_label"] == FIX_LABELS["manual"][0]
    assert [r["rule"] for r in repo["risks"]["rows"]] == ["CA401"] * 3
    # The search_cancellations wrapper itself is a definition; only its caller is CA301.
    assert [r["rule"] for r in repo["cleanup"]["rows"]] == ["CA302", "CA201", "CA301"]
    counts = repo["counts"]
    assert (counts["blocking"], counts["risk"], counts["cleanup_total"]) == (3, 3, 3)
    assert (counts["total"], counts["files_scanned"], counts["endpoints"]) == (9, 5, 4)
    # The same facts feed both templates, so the context must be plain data.
    json.dumps(context)


def test_ready_when_nothing_blocks(catalog: Any) -> None:
    result = result_of([finding("CA401"), finding("CA201", line=5)])
    verdict = _context(result, catalog, as_of=date(2024, 4, 30))["repos"][0]["verdict"]
    assert verdict["status"] == "ready"
    assert verdict["label"] == "Ready"
    assert verdict["days_text"] == "30 days after the 2024-03-31 deadline"
    assert not verdict["overdue"]


def test_overdue_after_the_deadline(catalog: Any) -> None:
    result = result_of([finding("CA102", snippet='post("/api/reverse/reverse_request/reject")')])
    verdict = _context(result, catalog, as_of=date(2024, 4, 1))["repos"][0]["verdict"]
    assert verdict["status"] == "not-ready"
    assert verdict["overdue"] is True
    assert verdict["days_text"] == "1 day after the 2024-03-31 deadline"
    assert "(1 CA102)" in verdict["detail"]


def test_deadline_does_not_apply_without_the_us(catalog: Any) -> None:
    result = result_of([finding()], markets=Markets(("UK", "ID")))
    verdict = _context(result, catalog)["repos"][0]["verdict"]
    assert verdict["status"] == "not-applicable"
    assert verdict["headline"] == ("The 2024-03-31 Reject Cancellation deadline does not apply")
    assert "serves UK, ID" in verdict["detail"]
    assert "1 place still reject" in verdict["detail"]


@pytest.mark.parametrize(
    ("as_of", "text"),
    [
        (date(2024, 3, 30), "1 day before the 2024-03-31 deadline"),
        (date(2024, 3, 31), "the day of the 2024-03-31 deadline"),
        (date(2024, 1, 1), "90 days before the 2024-03-31 deadline"),
        (date(2025, 3, 31), "365 days after the 2024-03-31 deadline"),
    ],
)
def test_days_text(as_of: date, text: str) -> None:
    assert days_text(as_of) == text


def test_progress_against_a_baseline(catalog: Any) -> None:
    kept, new = finding(line=1), finding("CA401", line=9, snippet="client.ship_package(p)")
    result = result_of([kept, new])
    kept_fp = next(f.fingerprint for f in result.findings if f.rule == "CA101")
    prior = Prior(
        "baseline b.json",
        (
            PriorFinding(kept_fp, "CA101", "app/cancel.py", "old"),
            PriorFinding("gone1", "CA101", "app/old.py", "Reject Cancellation ..."),
            PriorFinding("gone2", "CA201", "app/errors.py", "Handling of 21011007"),
        ),
    )
    progress = _context(result, catalog, prior=prior)["repos"][0]["progress"]
    assert progress["fixed_count"] == 2
    assert progress["fixed_blocking"] == 1
    assert progress["new_count"] == 1
    assert progress["unchanged"] == 1
    assert [r["location"] for r in progress["fixed"]["rows"]] == ["app/old.py", "app/errors.py"]
    assert [r["rule"] for r in progress["new"]["rows"]] == ["CA401"]
    assert progress["headline"] == (
        "2 findings fixed and 1 new finding since baseline b.json; 1 unchanged."
    )


def test_progress_against_a_previous_scan(catalog: Any) -> None:
    before = result_of([finding(line=1), finding(line=2, snippet="x.reject_cancellation(c)")])
    after = result_of([finding(line=1)])
    prior = prior_from_result(LoadedResult(before, "old.json", "t"))
    progress = _context(after, catalog, prior=prior)["repos"][0]["progress"]
    assert progress["fixed_count"] == 1 and progress["new_count"] == 0
    assert progress["fixed"]["rows"][0]["location"] == "app/cancel.py:2"
    assert progress["label"] == "previous scan old.json"


def test_no_progress_section_without_an_earlier_state(catalog: Any) -> None:
    assert _context(result_of([finding()]), catalog)["repos"][0]["progress"] is None


def test_endpoint_map_groups_and_names_unknown_versions(catalog: Any) -> None:
    inventory = (
        InventoryEntry("ship_package", None, "call", "a.py", 3, 1),
        InventoryEntry("ship_package", None, "call", "b.py", 7, 1),
        InventoryEntry("ship_package", "202309", "call", "c.py", 1, 1),
        InventoryEntry("order_detail", "202507", "call", "d.py", 2, 1),
        InventoryEntry("reject_cancellation", "202309", "definition", "e.py", 9, 1),
    )
    result = ScanResult(inventory=inventory, files_scanned=5)
    rows = _context(result, catalog)["repos"][0]["endpoints"]["rows"]
    assert [(r["title"], r["version"], r["role"], r["uses"]) for r in rows] == [
        ("Reject Cancellation", "202309", "definition", 1),
        ("Ship Package", "202309", "call", 1),
        ("Ship Package", "unknown", "call", 2),
        ("Get Order Detail", "202507", "call", 1),
    ]
    assert rows[0]["status"] == "Retired"
    assert rows[2]["locations"] == ["a.py:3", "b.py:7"]
    assert rows[3]["status"] == "Current"


def test_endpoint_map_lists_production_sites_first_and_counts_the_rest(catalog: Any) -> None:
    inventory = (
        InventoryEntry("order_list", "202309", "call", "app/jobs.py", 3, 1),
        InventoryEntry("order_list", "202309", "call", "tests/test_sync.py", 5, 1),
        InventoryEntry("order_list", "202309", "call", "vendor/sdk/orders.py", 9, 1),
        InventoryEntry("order_list", "202309", "call", "shop/sync.py", 12, 1),
    )
    [row] = _context(ScanResult(inventory=inventory), catalog)["repos"][0]["endpoints"]["rows"]
    assert row["uses"] == 4 and row["outside"] == 2
    assert row["locations"] == [
        "app/jobs.py:3",
        "shop/sync.py:12",
        "tests/test_sync.py:5",
        "vendor/sdk/orders.py:9",
    ]


def test_directory_groups_skip_the_shared_prefix() -> None:
    findings = [
        finding(path="src/shop/cancel.py"),
        finding(path="src/shop/cancel.py", line=4),
        finding(path="src/shop/jobs/ship.py"),
        finding(path="src/legacy/orders.py"),
    ]
    shared, groups = directory_groups(findings)
    assert shared == "src/"
    assert [(name, sum(c.values())) for name, c in groups] == [("shop/", 3), ("legacy/", 1)]
    shared, groups = directory_groups([finding(path="a/b/x.py"), finding(path="a/b/y.py")])
    assert (shared, [name for name, _ in groups]) == ("a/b/", ["x.py", "y.py"])
    shared, groups = directory_groups([finding(path="x.py"), finding(path="lib/y.py")])
    assert (shared, [name for name, _ in groups]) == ("", ["lib/", "x.py"])


def test_directory_groups_fold_the_long_tail() -> None:
    findings = [finding(path=f"d{i}/x.py", line=j) for i in range(12) for j in range(i + 1)]
    _, groups = directory_groups(findings)
    assert len(groups) == 8
    assert groups[0][0] == "d11/"
    assert groups[-1][0] == "5 other places"
    assert sum(sum(c.values()) for _, c in groups) == len(findings)


def test_portfolio_sorts_worst_first_and_totals(catalog: Any) -> None:
    repos = [
        RepoInput("ready-one", result_of([finding("CA401")]), "a.json", "t"),
        RepoInput("blocked-two", result_of([finding(line=i) for i in (1, 2)]), "b.json", "t"),
        RepoInput("uk-only", result_of([finding()], markets=Markets(("UK",))), "c.json", "t"),
        RepoInput("blocked-five", result_of([finding(line=i) for i in range(5)]), "d.json", "t"),
    ]
    context = build_context(repos, catalog, date(2024, 3, 1), "t")
    portfolio = context["portfolio"]
    assert [r["name"] for r in portfolio["rows"]] == [
        "blocked-five",
        "blocked-two",
        "uk-only",
        "ready-one",
    ]
    totals = portfolio["totals"]
    assert (totals["blocking"], totals["risk"], totals["total"]) == (8, 1, 9)
    assert (totals["ready"], totals["not_ready"], totals["not_applicable"]) == (1, 2, 1)
    assert portfolio["headline"] == (
        "1 of 3 repositories ready for the 2024-03-31 deadline; "
        "it does not apply to 1 (no US market)"
    )
    assert portfolio["status"] == "not-ready"
    assert [row["total"] for row in portfolio["chart"]["rows"]] == [5, 2, 1, 1]
    assert context["title"] == "Reject Cancellation readiness: 4 repositories"


def test_anchors_are_unique() -> None:
    assert unique_anchors(["shop", "Shop", "a b"], "repo-") == [
        "repo-shop",
        "repo-shop-2",
        "repo-a-b",
    ]


def test_repo_name() -> None:
    assert repo_name(["/srv/legacy_oms"], "scan") == "legacy_oms"
    assert repo_name(["."], "scan") == "scan"
    assert repo_name([], "scan") == "scan"
    assert repo_name(["/a/x", "/b/y"], "scan") == "x + y"


def test_truncated_limits_rows_and_counts_what_it_left_out(catalog: Any) -> None:
    result = result_of([finding(line=i) for i in range(1, 31)])
    context = _context(result, catalog)
    short = truncated(context, 10)
    assert len(short["repos"][0]["blocking"]["rows"]) == 10
    assert short["repos"][0]["blocking"]["omitted"] == 20
    assert short["repos"][0]["blocking"]["total"] == 30
    assert short["truncated"]["omitted"] >= 20
    assert len(context["repos"][0]["blocking"]["rows"]) == 30  # the original is untouched


def test_a_report_needs_a_repository(catalog: Any) -> None:
    with pytest.raises(ValueError):
        build_context([], catalog, date(2024, 3, 1), "t")


def test_same_named_repositories_are_told_apart(catalog: Any) -> None:
    repos = [RepoInput("oms", result_of([finding()]), f"{n}.json", "t") for n in ("a", "b")]
    context = build_context(repos, catalog, date(2024, 3, 1), "t")
    assert [r["name"] for r in context["repos"]] == ["oms (a.json)", "oms (b.json)"]
    assert [r["anchor"] for r in context["repos"]] == ["repo-oms-a-json", "repo-oms-b-json"]


def test_findings_outside_production_code_are_counted_and_grouped(catalog: Any) -> None:
    result = result_of(
        [
            finding(path="app/cancel.py"),
            finding(path="tests/test_cancel.py", origin="test"),
            finding("CA201", path="vendor/sdk/errors.py", origin="vendored"),
            finding("CA201", path="app/errors.py", line=4),
        ]
    )
    repo = _context(result, catalog)["repos"][0]
    assert (repo["counts"]["production"], repo["counts"]["outside_production"]) == (2, 2)
    assert (repo["verdict"]["blocking"], repo["verdict"]["production_blocking"]) == (2, 1)
    assert repo["verdict"]["status"] == "not-ready"  # a test's call still counts
    assert [r["path"] for r in repo["blocking"]["rows"]] == ["app/cancel.py"]
    assert (repo["blocking"]["total"], repo["blocking"]["outside"]) == (1, 1)
    assert [r["count"] for r in repo["cleanup_rules"]] == [1]  # the production site only
    outside = repo["outside"]
    assert [(r["path"], r["origin"], r["in_production"]) for r in outside["rows"]] == [
        ("tests/test_cancel.py", "test", False),
        ("vendor/sdk/errors.py", "vendored", False),
    ]
    assert outside["by_origin"] == "1 in tests, 1 in vendored SDK copies"
    assert truncated(_context(result, catalog), 1)["repos"][0]["outside"]["omitted"] == 1


def test_an_all_production_result_has_an_empty_outside_group(catalog: Any) -> None:
    repo = _context(result_of([finding(), finding("CA401")]), catalog)["repos"][0]
    assert repo["outside"]["total"] == 0 and repo["outside"]["summary"] is None
    assert repo["blocking"]["outside_note"] is None
    assert repo["counts"]["outside_production"] == 0
