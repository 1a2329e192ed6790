"""A file name that is not valid UTF-8 is shown as ``\\xNN`` and never stops the run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli

pytestmark = pytest.mark.skipif(
    sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8"
)

CALL = b"def run(client, c):\n    client.reject_cancellation(c)\n"
URL = (
    b"import requests\n"
    b'requests.post("https://open-api.tiktokglobalshop.com/return_refund/202309/'
    b'cancellations/1/reject")\n'
)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = os.fsencode(tmp_path)
    with open(os.path.join(root, b"caf\xe9.py"), "wb") as handle:
        handle.write(CALL)
    os.mkdir(os.path.join(root, b"d\xff"))
    with open(os.path.join(root, b"d\xff", b"x.py"), "wb") as handle:
        handle.write(URL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "internal error" not in result.output
    return result.exit_code, result.output


def test_every_format_and_output_file_names_the_files(project: Path) -> None:
    code, text = run("scan", ".")
    assert code == 1
    assert "caf\\xe9.py" in text and "d\\xff/x.py" in text
    code, output = run("scan", ".", "--format", "json")
    paths = sorted(f["path"] for f in json.loads(output)["findings"])
    assert paths == ["caf\\xe9.py", "d\\xff/x.py"]
    assert all(len(f["fingerprint"]) == 20 for f in json.loads(output)["findings"])
    code, _ = run("scan", ".", "--format", "sarif", "-o", "out.sarif", "--output", "json:o.json")
    assert code == 1
    sarif = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 2
    assert len(json.loads((project / "o.json").read_text(encoding="utf-8"))["findings"]) == 2


def test_fix_and_baselines_work_with_them(project: Path) -> None:
    code, output = run("fix", ".", "--check")
    assert "caf\\xe9.py:2:5: CA101 manual" in output
    code, output = run("baseline", "write")
    assert code == 0, output
    code, output = run("scan", ".", "--baseline", ".cancel-audit-baseline.json")
    assert "2 baselined" in output


def test_a_folder_named_on_the_command_line(project: Path) -> None:
    code, output = run("scan", os.fsdecode(b"d\xff"), "--format", "json")
    assert code == 1
    assert [f["path"] for f in json.loads(output)["findings"]] == ["d\\xff/x.py"]
