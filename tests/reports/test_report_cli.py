"""``cancel-audit report`` through click: formats, inputs, errors, atomic output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result
from report_helpers import finding, result_of, write_tree

import audit.atomic
from audit.findings import ScanResult
from audit.markets import Markets
from cancel_audit_cli.cli import cli
from reports.load import LoadError, load_result, parse_result

WriteJson = Callable[[str, ScanResult], Path]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


def test_scan_and_render_html_from_the_output_suffix(
    legacy_shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[Path] = []
    real = audit.atomic.write_text_atomic

    def spy(path: Path, text: str, encoding: str = "utf-8") -> None:
        writes.append(path)
        real(path, text, encoding)

    monkeypatch.setattr(audit.atomic, "write_text_atomic", spy)
    out = tmp_path / "out" / "readiness.html"
    out.parent.mkdir()
    result = run(str(legacy_shop), "-o", str(out), "--as-of", "2024-03-01")
    assert result.exit_code == 0, result.output
    assert writes == [out]
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Not ready for the 2024-03-31 Reject Cancellation deadline" in html
    assert "30 days before the 2024-03-31 deadline" in html
    assert sorted(p.name for p in out.parent.iterdir()) == ["readiness.html"]  # no temp left
    assert "wrote" in result.stderr and "legacy_shop: Not ready" in result.stderr


def test_markdown_from_suffix_and_flag(legacy_shop: Path, tmp_path: Path) -> None:
    md = tmp_path / "READINESS.md"
    assert run(str(legacy_shop), "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("## ❌ Not ready")
    txt = tmp_path / "readiness.txt"
    assert run(str(legacy_shop), "--format", "md", "-o", str(txt)).exit_code == 0
    assert txt.read_text(encoding="utf-8").startswith("## ❌ Not ready")
    html = tmp_path / "x.md"
    assert run(str(legacy_shop), "--format", "html", "-o", str(html)).exit_code == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_stdout_defaults_to_markdown(legacy_shop: Path) -> None:
    result = run(str(legacy_shop), "--as-of", "2024-04-10")
    assert result.exit_code == 0
    assert result.stdout.startswith("## ❌ Not ready")
    assert "10 days after the 2024-03-31 deadline (overdue)" in result.stdout


def test_unknown_output_suffix_is_a_usage_error(legacy_shop: Path, tmp_path: Path) -> None:
    result = run(str(legacy_shop), "-o", str(tmp_path / "report.txt"))
    assert result.exit_code == 2
    assert "cannot tell the format from 'report.txt'" in result.output
    assert not (tmp_path / "report.txt").exists()


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "01/03/2024", ""])
def test_bad_as_of_is_a_usage_error(legacy_shop: Path, value: str) -> None:
    result = run(str(legacy_shop), "--as-of", value)
    assert result.exit_code == 2
    assert "--as-of" in result.output and "YYYY-MM-DD" in result.output


def test_unknown_schema_version_exits_2_with_one_sentence(
    tmp_path: Path, write_json: WriteJson
) -> None:
    path = write_json("future.json", result_of([finding()]))
    raw = json.loads(path.read_text())
    raw["schema_version"] = 99
    path.write_text(json.dumps(raw))
    out = tmp_path / "r.html"
    result = run("--from", str(path), "-o", str(out))
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.count("\n") == 0
    assert "schema_version 99" in message and "reads only schema_version 1" in message
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ('{"findings": []}', "is not a cancel-audit scan result"),
        ('{"schema_version": 1, "findings": [{"rule": "CA101"}]}', "finding 1 lacks"),
        ("[]", "is not a cancel-audit scan result"),
    ],
)
def test_broken_inputs_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "scan.json"
    path.write_text(content)
    result = run("--from", str(path))
    assert result.exit_code == 2
    assert expected in result.stderr


def test_portfolio_of_json_results(tmp_path: Path, write_json: WriteJson) -> None:
    files = [
        write_json("a.json", result_of([finding(line=i) for i in (1, 2)], roots=("/x/alpha",))),
        write_json("b.json", result_of([finding("CA401")], roots=("/x/bravo",))),
        write_json("c.json", result_of([finding(line=i) for i in range(6)], roots=("/charlie",))),
        write_json("d.json", result_of([finding()], markets=Markets(("UK",)), roots=("delta",))),
    ]
    out = tmp_path / "portfolio.html"
    args = [a for f in files for a in ("--from", str(f))]
    result = run(*args, "-o", str(out), "--as-of", "2024-03-01")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    table = html.split('id="portfolio-table"')[1].split("</table>")[0]
    names = [n for n in _cells(table, "a") if n in {"alpha", "bravo", "charlie", "delta"}]
    assert names == ["charlie", "alpha", "delta", "bravo"]
    assert "Total (4)" in table and "1 ready" in table
    assert '<td class="n">9</td>' in table.split("<tfoot>")[1]  # blocking total
    assert "1 of 3 repositories ready for the 2024-03-31 deadline" in html
    for name in ("alpha", "bravo", "charlie", "delta"):
        assert f'<article class="repo" id="repo-{name}">' in html


def _cells(html: str, tag: str) -> list[str]:
    import re

    return re.findall(rf"<{tag}[^>]*>([^<]*)</{tag}>", html)


def test_previous_scan_shows_progress(
    tmp_path: Path, legacy_shop: Path, write_json: WriteJson
) -> None:
    before = runner_scan(legacy_shop, tmp_path / "before.json")
    worker = legacy_shop / "tiktok_bridge" / "cancel_worker.py"
    source = worker.read_text().replace(
        "    client.reject_cancellation(cancel_id)\n    try", "    try"
    )
    worker.write_text(source)
    result = run(str(legacy_shop), "--previous", str(before), "--format", "md")
    assert result.exit_code == 0, result.output
    assert "<b>Progress</b>: 1 fixed, 0 new" in result.stdout
    assert "since previous scan " in result.stdout and "before.json" in result.stdout


def runner_scan(path: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    return out


def test_baseline_file_shows_progress(tmp_path: Path, write_json: WriteJson) -> None:
    current = result_of([finding(line=1)])
    scan = write_json("scan.json", current)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        json.dumps(
            {
                "version": 1,
                "findings": [
                    {
                        "fingerprint": current.findings[0].fingerprint,
                        "rule": "CA101",
                        "path": "app/cancel.py",
                        "message": "m",
                    },
                    {
                        "fingerprint": "f" * 20,
                        "rule": "CA102",
                        "path": "app/legacy.py",
                        "message": "Legacy reverse-request reject",
                    },
                ],
            }
        )
    )
    out = tmp_path / "r.html"
    result = run("--from", str(scan), "--baseline", str(baseline), "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "1 finding fixed and 0 new findings since baseline" in html
    assert "app/<wbr><b>legacy.py</b>" in html


def test_baseline_of_an_unknown_version_exits_2(tmp_path: Path, write_json: WriteJson) -> None:
    scan = write_json("scan.json", result_of([finding()]))
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 7, "findings": []}')
    result = run("--from", str(scan), "--baseline", str(baseline))
    assert result.exit_code == 2
    assert "version 7 baseline" in result.stderr


def test_progress_needs_a_single_repository(tmp_path: Path, write_json: WriteJson) -> None:
    a = write_json("a.json", result_of([finding()]))
    b = write_json("b.json", result_of([finding()]))
    result = run("--from", str(a), "--from", str(b), "--previous", str(a))
    assert result.exit_code == 2
    assert "compare one repository" in result.output


def test_markets_option_and_title(legacy_shop: Path) -> None:
    result = run(str(legacy_shop), "--markets", "UK,ID", "--title", "Acme <OMS>")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "## ⚪ The 2024-03-31 Reject Cancellation deadline does not apply"
    )
    html = run(str(legacy_shop), "--title", "Acme <OMS>", "--format", "html").stdout
    assert "<title>Acme &lt;OMS&gt;</title>" in html


def test_scan_format_html_and_markdown(legacy_shop: Path) -> None:
    runner = CliRunner()
    html = runner.invoke(cli, ["scan", str(legacy_shop), "--format", "html"])
    assert html.exit_code == 1  # findings at error severity: the scan's own contract
    assert html.stdout.startswith("<!DOCTYPE html>")
    assert "Reject Cancellation readiness: legacy_shop" in html.stdout
    md = runner.invoke(cli, ["scan", str(legacy_shop), "--format", "markdown"])
    assert md.stdout.startswith("## ❌ Not ready")


def test_result_json_round_trips(legacy_result: ScanResult) -> None:
    raw: dict[str, Any] = json.loads(json.dumps(legacy_result.to_dict("1.2.3")))
    loaded = parse_result(raw, "scan.json")
    assert loaded.tool_version == "1.2.3"
    assert loaded.result.to_dict("1.2.3") == raw


def test_load_result_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read scan result"):
        load_result(tmp_path / "missing.json")


def test_a_live_report_reads_the_same_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    root = Path(__file__).resolve().parents[2]
    repo = tmp_path / "repo" / "legacy_oms"
    shutil.copytree(root / "examples" / "legacy_oms", repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    reports = []
    for cwd, target in [(repo, "."), (elsewhere, "../repo/legacy_oms"), (tmp_path, str(repo))]:
        monkeypatch.chdir(cwd)
        out = tmp_path / f"report{len(reports)}.md"
        result = run(target, "-o", str(out), "--as-of", "2024-03-01")
        assert result.exit_code == 0, result.output
        # the source line names the path as given, and paths are shown from the working
        # directory when the project is inside it; everything else is the same
        text = out.read_text().replace("repo/legacy&#95;oms/", "")
        reports.append([line for line in text.splitlines() if "live scan" not in line])
    assert reports[0] == reports[1] == reports[2]
    assert any("Automatic" in line or "automatic" in line for line in reports[0])


def test_origin_is_read_back_and_defaults_to_production(
    tmp_path: Path, write_json: WriteJson
) -> None:
    found = [finding(), finding(path="tests/test_cancel.py", line=2, origin="test")]
    raw = json.loads(write_json("scan.json", result_of(found)).read_text())
    loaded = parse_result(raw, "scan.json").result
    assert [f.origin for f in loaded.findings] == ["production", "test"]
    for item in raw["findings"]:  # a result written before findings carried their origin
        del item["origin"]
    assert {f.origin for f in parse_result(raw, "old.json").result.findings} == {"production"}


def test_a_scan_of_tests_and_vendored_code_reports_them_apart(
    legacy_shop: Path, tmp_path: Path
) -> None:
    write_tree(
        legacy_shop,
        {
            "tests/test_cancel_worker.py": """
                def test_rejects(client):
                    client.reject_cancellation("c1")
                """,
            "vendor/tiktok_sdk/cancellations.py": """
                def reject(client, cancel_id):
                    return client.post(
                        "/return_refund/202309/cancellations/" + cancel_id + "/reject", {}
                    )
                """,
        },
    )
    scan_json = tmp_path / "scan.json"
    CliRunner().invoke(cli, ["scan", str(legacy_shop), "--format", "json", "-o", str(scan_json)])
    origins = {f["path"]: f["origin"] for f in json.loads(scan_json.read_text())["findings"]}
    assert origins["tests/test_cancel_worker.py"] == "test"
    assert origins["vendor/tiktok_sdk/cancellations.py"] == "vendored"
    result = run("--from", str(scan_json), "--format", "md")
    assert result.exit_code == 0, result.output
    text = result.stdout
    group = text.split("Outside production code: tests, fixtures, vendored SDK copies (")[1]
    assert "<code>tests/test&#95;cancel&#95;worker.py:2</code> (test)" in group
    assert "cancellations.py:" in group and "(vendored SDK copy)" in group
    blocking = text.split("What blocks the deadline (3)</b>")[1].split("</details>")[0]
    assert "tests/" not in blocking and "vendor/" not in blocking
