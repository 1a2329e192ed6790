"""``fix --write`` loses nothing: edits made meanwhile, all-or-nothing, links, modes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import audit.staged as staged
import cancel_audit_cli.commands.fix
from cancel_audit_cli.cli import cli

WORKER = '''\
"""Cancel worker."""
SHOP_CIPHER = "x"


def run(client, cancellations):
    for cancel in cancellations:
        client.reject_cancellation(cancel["cancel_id"], reason="packed")
'''

OTHER = WORKER.replace("def run(", "def run_other(")

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
    (package / "other.py").write_text(OTHER, encoding="utf-8")
    (package / "client.py").write_text(CLIENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.py")}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["fix", *args])
    return result.exit_code, result.output


def after_planning(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Run ``action`` between reading the files and writing them (another editor)."""
    real = cancel_audit_cli.commands.fix.plan_fixes

    def plan(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        action()
        return result

    monkeypatch.setattr(cancel_audit_cli.commands.fix, "plan_fixes", plan)


def test_an_edit_made_while_fix_runs_is_kept_and_nothing_is_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = project / "bridge" / "worker.py"
    edited = WORKER + "# added by a colleague while fix ran\n"
    after_planning(monkeypatch, lambda: worker.write_text(edited, encoding="utf-8"))
    before = snapshot(project)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "bridge/worker.py: not fixed: changed after it was read; not overwritten" in output
    assert worker.read_text(encoding="utf-8") == edited
    before["bridge/worker.py"] = edited.encode()
    assert snapshot(project) == before  # other.py and the helper are not written either
    assert "Fixed 0 finding(s) in 0 file(s)" in output


def test_a_file_deleted_while_fix_runs_is_not_recreated(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = project / "bridge" / "worker.py"
    after_planning(monkeypatch, worker.unlink)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "bridge/worker.py: not fixed: was deleted after it was read; not recreated" in output
    assert not worker.exists()
    assert not (project / "bridge" / "ship_to_reject.py").exists()


def test_a_full_disk_while_staging_writes_no_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = staged.tempfile.mkstemp
    calls = {"n": 0}

    def mkstemp(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(staged.tempfile, "mkstemp", mkstemp)
    before = snapshot(project)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "no file was written: cannot stage" in output
    assert "No space left on device" in output
    assert snapshot(project) == before
    assert not [p for p in (project / "bridge").iterdir() if p.name.startswith(".")]


def test_a_rename_failing_part_way_puts_the_earlier_files_back(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(staged.os, "replace", replace)
    before = snapshot(project)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "the files already renamed were put back" in output
    assert snapshot(project) == before
    assert not [p for p in (project / "bridge").iterdir() if p.name.startswith(".")]


def test_when_even_the_roll_back_fails_the_changed_files_are_named(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] >= 2:  # the second rename and the roll-back's both fail
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(staged.os, "replace", replace)
    before = snapshot(project)
    code, output = invoke("bridge", "--write")
    assert code == 1
    changed = [name for name, data in snapshot(project).items() if before.get(name) != data]
    assert changed == ["bridge/other.py"]
    assert "partly written" in output
    assert "CHANGED: bridge/other.py; unchanged: bridge/ship_to_reject.py, bridge/worker.py" in (
        output
    )


def test_mode_and_owner_are_kept_and_new_files_follow_the_umask(project: Path) -> None:
    worker = project / "bridge" / "worker.py"
    os.chmod(worker, 0o640)
    if os.geteuid() == 0:
        os.chown(worker, 1234, 4321)
    old = os.umask(0o022)
    try:
        code, output = invoke("bridge", "--write")
    finally:
        os.umask(old)
    assert code == 0, output
    info = worker.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 4321)
    helper = project / "bridge" / "ship_to_reject.py"
    assert stat.S_IMODE(helper.stat().st_mode) == 0o644


def test_a_symlink_in_the_tree_stays_a_link_and_its_target_is_fixed(project: Path) -> None:
    real = project / "bridge" / "impl_worker.py"
    link = project / "bridge" / "worker.py"
    link.rename(real)
    link.symlink_to("impl_worker.py")
    code, output = invoke("bridge", "--write")
    assert code == 0, output
    assert link.is_symlink() and os.readlink(link) == "impl_worker.py"
    assert "reject_cancellation" not in real.read_text(encoding="utf-8")


def test_a_symlink_out_of_the_tree_is_refused(project: Path) -> None:
    outside = project / "outside"
    outside.mkdir()
    link = project / "bridge" / "worker.py"
    (outside / "worker.py").write_text(WORKER, encoding="utf-8")
    link.unlink()
    link.symlink_to(outside / "worker.py")
    before = snapshot(project)
    code, output = invoke("bridge/worker.py", "bridge/client.py", "--write")
    assert code == 1
    assert "outside the scanned tree; not written" in output
    assert snapshot(project) == before


def test_hard_links_keep_seeing_the_fixed_file(project: Path) -> None:
    worker = project / "bridge" / "worker.py"
    twin = project / "worker_twin.txt"
    os.link(worker, twin)
    code, output = invoke("bridge", "--write")
    assert code == 0, output
    assert os.path.samefile(worker, twin)
    assert "reject_cancellation" not in twin.read_text(encoding="utf-8")


def test_read_only_files_are_refused_unless_forced(project: Path) -> None:
    worker = project / "bridge" / "worker.py"
    worker.chmod(0o444)
    before = snapshot(project)
    code, output = invoke("bridge", "--write")
    assert code == 1
    assert "bridge/worker.py: not fixed: is read-only; not written (use --force" in output
    assert snapshot(project) == before
    code, output = invoke("bridge", "--write", "--force")
    assert code == 0, output
    assert "reject_cancellation" not in worker.read_text(encoding="utf-8")
    assert stat.S_IMODE(worker.stat().st_mode) == 0o444


def test_outputs_and_baselines_get_the_usual_mode(project: Path) -> None:
    old = os.umask(0o022)
    try:
        runner = CliRunner()
        runner.invoke(cli, ["scan", "bridge", "--output", "json:out.json"])
        runner.invoke(cli, ["baseline", "write", "bridge"])
    finally:
        os.umask(old)
    written = [p for p in project.iterdir() if p.is_file()]
    assert {p.name for p in written} >= {"out.json", ".cancel-audit-baseline.json"}
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
