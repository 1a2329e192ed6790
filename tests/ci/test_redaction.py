"""Credentials on a finding's line never reach an output, a report or a fix summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.redact import redact
from cancel_audit_cli.cli import cli
from cancel_audit_cli.commands.formats import FORMATS

SECRETS = {
    "app_secret": "s3cr3t-app-secret-4f1e",
    "access_token": "TTP_access_9f8e7d6c",
    "sign": "deadbeefsign1234",
    "x-tts-access-token": "hdr-token-77aa88bb",
    "bearer": "bearer-tok-55cc66dd",
    "client_secret": "client-secret-0a0b",
    "php_secret": "php-secret-9z8y",
    "query_token": "plainword42",  # a bare word in a URL is a value all the same
}

PYTHON = f'''\
import requests

BASE = "https://open-api.tiktokglobalshop.com"


def reject(client, cancel_id):
    client.reject_cancellation(cancel_id, app_secret="{SECRETS["app_secret"]}", access_token="{SECRETS["access_token"]}")
    requests.post(f"{{BASE}}/return_refund/202309/cancellations/{{cancel_id}}/reject?app_key=k&sign={SECRETS["sign"]}&access_token={SECRETS["query_token"]}", headers={{"x-tts-access-token": "{SECRETS["x-tts-access-token"]}"}})
    requests.post(BASE + "/return_refund/202309/cancellations/1/reject", headers={{"Authorization": "Bearer {SECRETS["bearer"]}"}}, data={{"client_secret": "{SECRETS["client_secret"]}"}})
'''  # noqa: E501

PHP = f"""<?php
class TikTokShop {{
    public function reject($id) {{
        return $this->post('/return_refund/202309/cancellations/' . $id . '/reject', ['app_secret' => '{SECRETS["php_secret"]}']);
    }}
}}
"""  # noqa: E501


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(PYTHON, encoding="utf-8")
    (tmp_path / "shop.php").write_text(PHP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def leaked(text: str) -> list[str]:
    return [name for name, value in SECRETS.items() if value in text]


def test_every_format_report_and_fix_summary_masks_the_values(project: Path) -> None:
    runner = CliRunner()
    outputs: dict[str, str] = {}
    for name in FORMATS:
        outputs[name] = runner.invoke(cli, ["scan", ".", "--format", name]).output
    extra = [f"--output={name}:out.{name}" for name in FORMATS]
    runner.invoke(cli, ["scan", ".", "-o", "main.json", "--format", "json", *extra])
    for path in project.glob("*.*"):
        if path.suffix not in (".py", ".php") and path.name != "old-baseline.json":
            outputs[path.name] = path.read_text(encoding="utf-8")
    for report in ("report.html", "report.md"):
        runner.invoke(cli, ["report", ".", "-o", report])
        outputs[report] = (project / report).read_text(encoding="utf-8")
    runner.invoke(cli, ["report", "--from", "main.json", "-o", "from.md"])
    outputs["report --from"] = (project / "from.md").read_text(encoding="utf-8")
    outputs["fix --check"] = runner.invoke(cli, ["fix", ".", "--check"]).output
    # an old baseline written before masking: its fixed findings are shown masked too
    old = {"fingerprint": "0" * 20, "rule": "CA101", "path": "gone.py"}
    old["message"] = f"Reject Cancellation (/x/reject?sign={SECRETS['sign']}) is retired"
    baseline = {"version": 1, "tool": "cancel-audit", "created": "2024-01-01", "findings": [old]}
    (project / "old-baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    runner.invoke(cli, ["report", ".", "--baseline", "old-baseline.json", "-o", "prior.md"])
    outputs["report --baseline"] = (project / "prior.md").read_text(encoding="utf-8")
    assert "gone.py" in outputs["report --baseline"]
    assert len(outputs) >= 2 * len(FORMATS) + 4
    assert all(len(text) > 100 for text in outputs.values()), outputs
    assert {name: leaked(text) for name, text in outputs.items() if leaked(text)} == {}
    # the findings still point at the lines, and show the keys with masked values
    found = json.loads(outputs["json"])["findings"]
    lines = {(f["path"], f["line"]) for f in found}
    assert {("app.py", 7), ("app.py", 8), ("app.py", 9), ("shop.php", 4)} <= lines
    assert 'app_secret="***"' in outputs["text"] and "&sign=***&" in outputs["text"]
    assert "'app_secret' => '***'" in outputs["text"]


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("f(app_secret=\"abc\", access_token='def')", "f(app_secret=\"***\", access_token='***')"),
        ("GET /x?app_key=k&sign=abc.def&timestamp=1", "GET /x?app_key=k&sign=***&timestamp=1"),
        ('{"x-tts-access-token": "v"}', '{"x-tts-access-token": "***"}'),
        ("x-tts-access-token: abc123", "x-tts-access-token: ***"),
        ('"Authorization": "Bearer abcdef123"', '"Authorization": "***"'),
        ("Authorization = f'Bearer abcdefgh'", "Authorization = f'***'"),
        ("$opts = ['sign' => 'abc'];", "$opts = ['sign' => '***'];"),
        ("appSecret: 'abc'", "appSecret: '***'"),
    ],
)
def test_credential_values_are_masked(line: str, masked: str) -> None:
    assert redact(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        "client.reject_cancellation(cancel_id, access_token=token)",  # a variable
        "sign=compute_sign(params)",  # a call
        'url = f"{BASE}/x?sign={signature}"',  # an f-string hole
        '{"sign": sign, "app_secret": self.app_secret}',
        "design = assign = 1",
        "def f(access_token: str = None): ...",
    ],
)
def test_code_that_holds_no_secret_is_kept(line: str) -> None:
    assert redact(line) == line


def test_a_baseline_file_holds_no_secret(project: Path) -> None:
    result = CliRunner().invoke(cli, ["baseline", "write", "-o", "base.json"])
    assert result.exit_code == 0, result.output
    text = (project / "base.json").read_text(encoding="utf-8")
    assert json.loads(text)["findings"] and leaked(text) == []
