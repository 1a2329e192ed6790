"""``cancel-audit fix`` in-process: diff, --write, --check, rule selection, safety net."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import codemods.positions as positions
import codemods.runner as runner
from cancel_audit_cli.cli import cli

WORKER = '''\
"""Cancel worker."""
SHOP_CIPHER = "x"


def run(client, cancellations):
    for cancel in cancellations:
        client.reject_cancellation(cancel["cancel_id"], reason="packed")
'''

CLIENT = """\
class ShopClient:
    def get_order_detail(self, ids):
        return self.transport.request("GET", "/order/202309/orders", params={"ids": ids})

    def ship_package(self, package_id):
        return self.transport.request("POST", f"/fulfillment/202309/packages/{package_id}/ship")
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "bridge"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "worker.py").write_text(WORKER, encoding="utf-8")
    (package / "client.py").write_text(CLIENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["fix", *args])
    return result.exit_code, result.output


def test_diff_mode_prints_a_diff_and_writes_nothing(project: Path) -> None:
    code, output = invoke("bridge")
    assert code == 1
    assert '+        ship_to_reject(client, order_id=cancel["order_id"])' in output
    assert "+++ b/bridge/ship_to_reject.py" in output
    assert (project / "bridge" / "worker.py").read_text(encoding="utf-8") == WORKER
    assert not (project / "bridge" / "ship_to_reject.py").exists()


def test_write_applies_keeps_mode_and_is_idempotent(project: Path) -> None:
    worker = project / "bridge" / "worker.py"
    os.chmod(worker, 0o640)
    code, output = invoke("bridge", "--write")
    assert code == 0, output
    text = worker.read_text(encoding="utf-8")
    assert "from .ship_to_reject import ship_to_reject" in text
    assert "reject_cancellation" not in text
    assert stat.S_IMODE(worker.stat().st_mode) == 0o640
    helper = (project / "bridge" / "ship_to_reject.py").read_text(encoding="utf-8")
    assert "def ship_to_reject(" in helper and "client.get_order_detail(" in helper
    assert invoke("bridge", "--check") == (0, invoke("bridge", "--check")[1])
    assert "Would fix 0 finding(s)" in invoke("bridge", "--check")[1]


@pytest.mark.parametrize(
    "worker_import, expected",
    [
        ("from bridge.client import ShopClient", "from bridge.ship_to_reject import"),
        ("import bridge.client", "from bridge.ship_to_reject import"),
        ("from client import ShopClient", "from ship_to_reject import"),  # run from bridge/
    ],
)
def test_a_namespace_package_imports_the_helper_as_it_imports_its_siblings(
    project: Path, worker_import: str, expected: str
) -> None:
    """No ``__init__.py``: the folder is imported by name (``bridge.client``), so the
    helper beside the file must be too, or the rewritten module fails to import."""
    package = project / "bridge"
    (package / "__init__.py").unlink()
    worker = package / "worker.py"
    worker.write_text(worker_import + "\n" + WORKER, encoding="utf-8")
    code, output = invoke("bridge", "--write")
    assert code == 0, output
    assert expected in worker.read_text(encoding="utf-8")
    if worker_import.startswith(("from bridge", "import bridge")):
        run = subprocess.run(
            [sys.executable, "-c", "import bridge.worker"], cwd=project, capture_output=True
        )
        assert run.returncode == 0, run.stderr.decode()


def test_check_reports_without_a_diff(project: Path) -> None:
    code, output = invoke("bridge", "--check")
    assert code == 1
    assert "---" not in output
    assert "Would fix 1 finding(s) in 2 file(s)" in output


def test_rule_selection_and_unknown_rules(project: Path) -> None:
    code, output = invoke("bridge", "--rule", "CA201", "--check")
    assert code == 0 and "Would fix 0 finding(s)" in output
    code, output = invoke("bridge", "--rule", "CA401")
    assert code == 2 and "no automatic fix for CA401" in output
    code, output = invoke("bridge", "--rule", "CA999")
    assert code == 2 and "unknown rule" in output


def test_mixed_markets_rewrite_is_unsafe_and_keeps_the_reject_fallback(project: Path) -> None:
    code, output = invoke("bridge", "--markets", "US,UK", "--write")
    assert "1 more with --unsafe-fixes" in output  # CA101 is an unsafe fix there
    code, output = invoke("bridge", "--markets", "US,UK", "--write", "--unsafe-fixes")
    assert code == 0, output
    worker = (project / "bridge" / "worker.py").read_text(encoding="utf-8")
    assert "# cancel-audit: ignore[CA101] still how UK rejects" in worker
    assert (
        'reject=lambda: client.reject_cancellation(cancel["cancel_id"], reason="packed")' in worker
    )
    helper = (project / "bridge" / "ship_to_reject.py").read_text(encoding="utf-8")
    assert "def _ship_or_reject(" in helper


def test_a_rewrite_that_is_not_stable_leaves_the_file_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original_apply = runner._apply
    calls = {"n": 0}

    def unstable(module, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        new, manual = original_apply(module, *args, **kwargs)
        if calls["n"] % 2 == 0:  # the second pass "changes" the file again
            new = new.with_changes(body=[*new.body, *runner.cst.parse_module("x = 1\n").body])
        return new, manual

    monkeypatch.setattr(runner, "_apply", unstable)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "a second pass would change the file again; file left untouched" in output
    assert (project / "bridge" / "worker.py").read_text(encoding="utf-8") == WORKER


def test_existing_foreign_helper_is_not_overwritten(project: Path) -> None:
    foreign = project / "bridge" / "ship_to_reject.py"
    foreign.write_text("# ours\n", encoding="utf-8")
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "was not written by cancel-audit; not overwritten" in output
    assert foreign.read_text(encoding="utf-8") == "# ours\n"


def test_bom_and_crlf_are_kept(project: Path) -> None:
    worker = project / "bridge" / "worker.py"
    worker.write_bytes(b"\xef\xbb\xbf" + WORKER.replace("\n", "\r\n").encode("utf-8"))
    code, output = invoke("bridge", "--write")
    assert code == 0, output
    data = worker.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_manual_notes_are_reported_at_the_lines_of_the_file_as_it_was() -> None:
    before = "a = 1\nb = 2\nkeep_me()\n"
    after_first_codemod = "b = 2\nkeep_me()\n"  # an earlier codemod removed line 1
    note = runner.ManualNote("CA301", 2, 1, "left alone")
    assert positions.map_notes([note], after_first_codemod, before)[0].line == 3


def test_a_file_that_cannot_be_written_is_reported_and_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audit.staged

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(audit.staged.tempfile, "mkstemp", refuse)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "bridge/worker.py: not fixed: cannot write: Permission denied" in output
    assert (project / "bridge" / "worker.py").read_text(encoding="utf-8") == WORKER


def test_imports_the_rewrite_freed_go_and_others_stay(project: Path) -> None:
    worker = project / "bridge" / "worker.py"
    worker.write_text(
        "import json\n"
        "import os  # unused before the fix: not ours to remove\n"
        "import uuid\n"
        'SHOP_CIPHER = "x"\n\n\n'
        "def run(client, cancel):\n"
        '    client.reject_cancellation(cancel["cancel_id"], key=uuid.uuid4().hex)\n'
        "    return json.dumps(cancel)\n",
        encoding="utf-8",
    )
    code, output = invoke("bridge", "--write")
    assert code == 0, output
    text = worker.read_text(encoding="utf-8")
    assert "import uuid" not in text
    assert "import json\n" in text and "import os  # unused before the fix" in text
