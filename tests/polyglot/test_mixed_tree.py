"""A tree with Python and non-Python integrators gives one result, in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli
from cancel_audit_cli.commands.formats import FORMATS

PYTHON = """\
import requests


def refuse(cancel_id):
    return requests.post(f"https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{cancel_id}/reject")
"""
TYPESCRIPT = """\
const V = '202309';
export const refuse = (http: any, id: string) =>
  http.post(`/return_refund/${V}/cancellations/${id}/reject`);
"""
PHP = """<?php
class Refuser {
    const API_VERSION = '202309';
    public function refuse($http, $id) {
        return $http->post("/return_refund/" . self::API_VERSION . "/cancellations/{$id}/reject");
    }
}
"""
FILES = {"py/app.py": PYTHON, "web/refuse.ts": TYPESCRIPT, "php/Refuser.php": PHP}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    (root / ".git").mkdir(parents=True)
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["scan", *args], catch_exceptions=False)
    assert result.exit_code == 1, result.output  # CA101 errors
    return result.output


def test_json_has_python_and_other_languages_in_one_result(tree: Path) -> None:
    data = json.loads(run("--format", "json", "."))
    languages = {(f["path"], f["language"], f["rule"]) for f in data["findings"]}
    assert languages == {
        ("py/app.py", "python", "CA101"),
        ("web/refuse.ts", "typescript", "CA101"),
        ("php/Refuser.php", "php", "CA101"),
    }
    by_language = {f["language"]: f for f in data["findings"]}
    assert by_language["python"]["hint"] == ""
    assert by_language["typescript"]["fix"] == by_language["php"]["fix"] == "manual"
    assert "sdk.fulfillment.shipPackage" in by_language["typescript"]["hint"]
    assert "$client->Fulfillment->shipPackage" in by_language["php"]["hint"]
    assert data["summary"]["files_parsed"] == 3
    assert {i["path"] for i in data["inventory"]} == set(FILES)


def test_sarif_results_carry_language_and_hint(tree: Path) -> None:
    log = json.loads(run("--format", "sarif", "."))
    results = log["runs"][0]["results"]
    languages = {r["properties"]["language"] for r in results}
    assert languages == {"python", "typescript", "php"}
    php = next(r for r in results if r["properties"]["language"] == "php")
    assert "shipPackage" in php["properties"]["hint"]
    assert "fixes" not in php  # nothing outside Python is rewritten


@pytest.mark.parametrize("name", sorted(set(FORMATS) - {"json", "sarif"}))
def test_every_other_format_lists_both_kinds(tree: Path, name: str) -> None:
    output = run("--format", name, ".")
    for rel in FILES:
        assert rel in output, (name, rel)
    if name == "junit":
        ET.fromstring(output)  # still well-formed with the longer messages
    if name != "junit":
        assert "By hand (TypeScript)" in output or "(typescript)" in output, name


def test_explain_shows_php_typescript_and_go_for_the_three_rules() -> None:
    for rule in ("CA101", "CA201", "CA401"):
        result = CliRunner().invoke(cli, ["explain", rule])
        assert result.exit_code == 0
        section = result.output.split("In other languages", 1)[1]
        assert [
            line.split(":")[0].strip()
            for line in section.splitlines()[1:]
            if line.startswith("    ") and not line.startswith("     ")
        ] == ["PHP", "TypeScript", "Go"]
    assert "In other languages" not in CliRunner().invoke(cli, ["explain", "CA302"]).output
