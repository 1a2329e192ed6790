"""Lines are counted as Python counts them: characters str.splitlines() splits on
(form feed, vertical tab, \\x1c-\\x1e, \\x85, \\u2028, \\u2029) end no line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.source import python_lines
from cancel_audit_cli.cli import cli

SEPARATORS = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
URL = "https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{c}/reject"


def source(separator: str) -> str:
    return (
        "import requests\n"
        "\n"
        "\n"
        "def run(c):\n"
        f"    x = 1  # {separator} a page break in a comment\n"
        f'    requests.post(f"{URL}")  # cancel-audit: ignore[CA101] reviewed\n'
        f'    requests.post(f"{URL}", timeout=5)\n'
    )


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
def test_a_separator_shifts_no_line(
    separator: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text(source(separator), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", ".", "--format", "json"])
    data = json.loads(result.output)
    assert [(f["line"], f["snippet"]) for f in data["findings"]] == [
        (7, f'    requests.post(f"{URL}", timeout=5)')
    ]
    assert data["summary"]["suppressed"] == 1


def test_fix_keeps_the_form_feed_and_diffs_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = source("\x0c").replace("  # cancel-audit: ignore[CA101] reviewed", "")
    (tmp_path / "app.py").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    diff = CliRunner().invoke(cli, ["fix", "."]).output
    assert "\\ No newline at end of file" not in diff
    assert f'-    requests.post(f"{URL}", timeout=5)\n' in diff
    assert "\n  a page break in a comment\n" not in diff  # no line cut at the form feed
    code = CliRunner().invoke(cli, ["fix", ".", "--write"]).exit_code
    assert code == 0
    fixed = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert "    x = 1  # \x0c a page break in a comment\n" in fixed
    assert "/reject" not in fixed


def test_python_lines_split_like_the_tokenizer() -> None:
    text = "a\x0cb\r\nc\rd\ne\u2028f"
    assert python_lines(text) == ["a\x0cb", "c", "d", "e\u2028f"]
    assert "".join(python_lines(text, keepends=True)) == text
    assert python_lines("") == [] and python_lines("x\n") == ["x"]
