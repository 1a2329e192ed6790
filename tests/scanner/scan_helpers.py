"""Helpers for the scanner-pipeline tests: source snippets, a tree writer and the CLI.

A plain module (not conftest) so test modules can import it: ``from scan_helpers import ...``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Union

from click.testing import CliRunner, Result

from cancel_audit_cli.cli import cli

# A strong Reject Cancellation call: the versioned path alone identifies TikTok Shop, so
# the finding is CA101 with high confidence wherever the file sits.
REJECT = '''\
"""Refuse a buyer's cancel request."""

import requests

BASE = "https://open-api.tiktokglobalshop.com"


def refuse(cancel_id):
    return requests.post(BASE + f"/return_refund/202309/cancellations/{cancel_id}/reject")
'''
REJECT_LINE = 9  # the line of the requests.post call in REJECT

# Only a warning (CA201) and an info (CA301): no error-severity finding.
WARN_AND_INFO = '''\
"""Retry logic for TikTok Shop shipping (signed with shop_cipher)."""

from tiktok_shop import Client


def pending(client):
    return client.search_cancellations(cancel_status=["BUYER_CANCEL_REQUEST_PENDING"])


def after_sale(exc):
    return exc.code == 21011007
'''

# Only an info finding (CA301).
INFO_ONLY = '''\
"""Cancel requests, via the TikTok Shop client (shop_cipher signed)."""


def pending(client):
    return client.search_cancellations(cancel_status=["BUYER_CANCEL_REQUEST_PENDING"])
'''

# Nothing to report, and no catalog fragment: never parsed.
CLEAN = """\
def add(a, b):
    return a + b
"""


def write(root: Path, rel: str, content: Union[str, bytes]) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def invoke(*args: str, env: Optional[dict[str, Optional[str]]] = None) -> Result:
    """Run ``cancel-audit ARGS`` in-process; a crash (not a clean exit) fails the test."""
    result = CliRunner().invoke(cli, list(args), env=env, prog_name="cancel-audit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"cancel-audit crashed: {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output
    return result


def scan_json(*args: str) -> tuple[int, dict[str, Any]]:
    """``cancel-audit scan --format json ARGS``: the exit status and the parsed document."""
    result = invoke("scan", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def found(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, rule) of every finding, in output order."""
    return [(f["path"], f["rule"]) for f in data["findings"]]


def skipped(data: dict[str, Any]) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in data["skipped"]}


def errors(data: dict[str, Any]) -> dict[str, str]:
    return {e["path"]: e["message"] for e in data["errors"]}
