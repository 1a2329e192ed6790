"""Control characters in file names and source lines are shown escaped in text output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.output.escape import terminal_safe
from cancel_audit_cli.cli import cli

NAME = "evil\x1b]0;pwned\x07.py"
URL = "https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{c}/reject"
SOURCE = (
    "import requests\n\n\n"
    "def run(c):\n"
    f'    requests.post(f"{URL}", data="\x1b[2J\x1b[31mhidden\x9b")  # \u202e txet\n'
)
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / NAME).write_text(SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("no_color", ["1", ""])
def test_scan_text_shows_escapes_not_controls(
    project: Path, no_color: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", no_color)
    output = CliRunner().invoke(cli, ["-v", "scan", "."]).output
    assert not [c for c in RAW if c in output]
    assert "evil\\x1b]0;pwned\\x07.py" in output
    assert 'data="\\x1b[2J\\x1b[31mhidden\\x9b")  # \\u202e txet' in output
    lines = output.splitlines()
    code = next(line for line in lines if "requests.post(" in line and " | " in line)
    caret = lines[lines.index(code) + 1]
    assert code[caret.index("^") :].startswith("requests.post(")
    assert code[len(caret) - 1] == ")"  # the caret ends under the call's end


def test_fix_diff_quotes_the_name_as_git_does(project: Path) -> None:
    output = CliRunner().invoke(cli, ["fix", "."]).output
    assert '--- "a/evil\\033]0;pwned\\007.py"\n+++ "b/evil\\033]0;pwned\\007.py"\n' in output
    headers = [line for line in output.splitlines() if line.startswith(("---", "+++"))]
    assert not [c for c in RAW for line in headers if c in line]


def test_tabs_stay_and_text_is_kept_otherwise() -> None:
    assert terminal_safe("a\tb é 中") == "a\tb é 中"
    assert terminal_safe("\x00\x7f\u2066") == "\\x00\\x7f\\u2066"
