"""Bad inputs are per-file errors or skips, never a crash, and the rest is still scanned."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from scan_helpers import REJECT, WARN_AND_INFO, errors, found, invoke, scan_json, skipped, write

import audit.python.detector
from audit.scan_file import MAX_SYNTAX_DEPTH

as_root = hasattr(os, "geteuid") and os.geteuid() == 0
BROKEN = "shop_cipher = 1\ndef reject_cancellation(:\n    pass\n"


def test_syntax_error_is_listed_and_the_rest_is_scanned(project: Path) -> None:
    write(project, "broken.py", BROKEN)
    write(project, "app.py", REJECT)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert list(errors(data)) == ["broken.py"]
    assert errors(data)["broken.py"].startswith("syntax error on line 2")
    assert data["summary"]["files_failed"] == 1

    text = invoke("scan", ".")
    assert "broken.py: error: syntax error on line 2" in text.output
    assert "1 failed" in text.output


def test_ignore_errors_leaves_the_exit_status_to_findings(project: Path) -> None:
    write(project, "broken.py", BROKEN)
    write(project, "retry.py", WARN_AND_INFO)  # a warning and an info: below --fail-on error

    assert invoke("scan", ".").exit_code == 1  # the failed file alone sets 1
    assert invoke("scan", "--ignore-errors", ".").exit_code == 0
    assert invoke("scan", "--ignore-errors", "--fail-on", "warning", ".").exit_code == 1

    status, data = scan_json("--ignore-errors", ".")
    assert status == 0
    assert list(errors(data)) == ["broken.py"]  # still reported, just not fatal


def test_non_utf8_without_a_coding_cookie(project: Path) -> None:
    write(project, "legacy.py", b"# Caf\xe9 orders\n" + REJECT.encode())
    write(project, "app.py", REJECT)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {
        "legacy.py": "cannot decode as utf-8: byte 0xe9 on line 1; declare the encoding "
        "with a PEP 263 coding cookie or save the file as UTF-8"
    }


def test_latin1_coding_cookie_parses_and_finds(project: Path) -> None:
    write(project, "legacy.py", b"# -*- coding: latin-1 -*-\n# Caf\xe9 orders\n" + REJECT.encode())

    status, data = scan_json(".")

    assert status == 1
    assert data["errors"] == []
    assert [(f["path"], f["rule"], f["line"]) for f in data["findings"]] == [
        ("legacy.py", "CA101", 9 + 2)
    ]


@pytest.mark.parametrize(
    ("cookie", "message"),
    [
        ("klingon", "cannot decode: unknown encoding: klingon"),
        ("rot13", "cannot decode: 'rot13' is not a text encoding"),  # a codec, not text
    ],
)
def test_bad_coding_cookie_is_a_clear_error(project: Path, cookie: str, message: str) -> None:
    write(project, "odd.py", f"# -*- coding: {cookie} -*-\n" + REJECT)
    write(project, "app.py", REJECT)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {"odd.py": message}


def test_utf8_bom(project: Path) -> None:
    write(project, "bom.py", b"\xef\xbb\xbf" + REJECT.encode())

    _, data = scan_json(".")

    assert data["errors"] == []
    [finding] = data["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("CA101", 9, 12)
    assert not finding["snippet"].startswith("\ufeff")


def test_crlf_and_missing_final_newline(project: Path) -> None:
    write(project, "crlf.py", REJECT.replace("\n", "\r\n").encode())
    write(project, "noeol.py", REJECT.rstrip("\n"))

    _, data = scan_json(".")

    assert data["errors"] == []
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("crlf.py", 9), ("noeol.py", 9)]
    assert not any(f["snippet"].endswith("\r") for f in data["findings"])


def test_empty_and_comment_only_files(project: Path) -> None:
    write(project, "empty.py", "")
    write(project, "comment.py", "# shop_cipher")  # a candidate with nothing in it
    write(project, "app.py", REJECT)

    status, data = scan_json(".")

    assert status == 1
    assert data["errors"] == [] and data["skipped"] == []
    assert found(data) == [("app.py", "CA101")]
    assert data["summary"]["files_scanned"] == 3


def test_huge_file_over_the_cap_is_skipped_not_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "huge.py", REJECT + "#" * 2_000_000 + "\n")
    write(project, "app.py", REJECT)
    opened: list[str] = []
    real_read_bytes = Path.read_bytes

    def spy(self: Path) -> bytes:
        opened.append(self.name)
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", spy)

    status, data = scan_json(".")

    assert status == 1
    assert skipped(data) == {"huge.py": "larger than max-file-size (2.0 MB > 1.0 MB)"}
    assert "huge.py" not in opened  # app.py is read by the scan, and again to plan its fix
    assert "app.py" in opened


def _unreadable(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``name`` unreadable even for root, where chmod 000 does not stop a read."""
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_unreadable_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "secret.py", REJECT)
    write(project, "app.py", REJECT)
    _unreadable("secret.py", monkeypatch)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {"secret.py": "cannot read: Permission denied"}
    assert invoke("scan", "--ignore-errors", "--fail-on", "never", ".").exit_code == 0


def test_unreadable_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "locked/inner.py", REJECT)
    write(project, "app.py", REJECT)
    real_scandir, real_stat = os.scandir, os.stat

    # A folder with mode 000, as seen by a user who is not root: it cannot be listed, and
    # nothing inside it can be looked at (Path.is_file raises instead of saying False).
    def scandir(path: Any) -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path).parent.name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {"locked": "cannot read directory: Permission denied"}


_DROP_ROOT = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _can_drop_root() -> bool:
    """As root (CI runs as root), file modes apply only without root's read capabilities."""
    if not as_root:
        return True
    if shutil.which("setpriv") is None:
        return False
    return subprocess.run([*_DROP_ROOT, "true"], capture_output=True, timeout=30).returncode == 0


def _as_an_ordinary_user(command: list[str]) -> list[str]:
    return [*_DROP_ROOT, *command] if as_root else command


@pytest.mark.skipif(
    not _can_drop_root(), reason="running as root and cannot drop root's file capabilities"
)
def test_unreadable_files_and_folders_by_mode(project: Path) -> None:
    write(project, "app.py", REJECT)
    secret = write(project, "secret.py", REJECT)
    locked = write(project, "locked/inner.py", REJECT).parent  # cannot be listed or entered
    listable = write(project, "listable/inner.py", REJECT).parent  # listed, not entered
    command = _as_an_ordinary_user([sys.executable, "-m", "audit", "scan", "--format", "json"])
    secret.chmod(0)
    locked.chmod(0)
    listable.chmod(0o644)
    try:
        whole = subprocess.run(
            [*command, "."], cwd=project, capture_output=True, text=True, timeout=120
        )
        # A folder named explicitly: looking for its config file must not trip over it.
        inside = subprocess.run(
            [*command, "listable"], cwd=project, capture_output=True, text=True, timeout=120
        )
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
        listable.chmod(0o755)

    assert whole.returncode == 1, whole.stderr
    data = json.loads(whole.stdout)
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {
        "listable/inner.py": "cannot read: Permission denied",
        "locked": "cannot read directory: Permission denied",
        "secret.py": "cannot read: Permission denied",
    }
    assert inside.returncode == 1, inside.stderr
    assert errors(json.loads(inside.stdout)) == {
        "listable/inner.py": "cannot read: Permission denied"
    }


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        # CPython refuses more than 200 nested brackets; libcst would take a minute.
        ("nested_list.py", "x = " + "[" * 3000 + "]" * 3000, "more than 200 nested brackets"),
        ("parens.py", "x = " + "(" * 5000 + "1" + ")" * 5000, "more than 200 nested brackets"),
        # One level per operator: libcst's parse time is quadratic in this.
        ("chain.py", "x = " + " + ".join(["a"] * 20_000), "more than 1000 levels of expressions"),
    ],
)
def test_pathologically_nested_code_is_a_per_file_error(
    project: Path, name: str, code: str, reason: str
) -> None:
    write(project, name, "shop_cipher = 'generated'  # passes the prefilter\n" + code + "\n")
    write(project, "app.py", REJECT)

    started = time.perf_counter()
    status, data = scan_json(".")
    elapsed = time.perf_counter() - started

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {name: f"nested too deeply to parse ({reason})"}
    assert elapsed < 20, f"took {elapsed:.1f}s"


def test_deep_but_legal_code_is_parsed_and_scanned(project: Path) -> None:
    # 900 chained operators: past Python's default recursion limit for libcst's visitors,
    # within MAX_SYNTAX_DEPTH, so it is parsed on the deep-stack thread and scanned.
    assert MAX_SYNTAX_DEPTH > 900
    generated = REJECT + "TABLE = " + " + ".join(["1"] * 900) + "\n"
    write(project, "generated.py", generated)

    status, data = scan_json(".")

    assert status == 1
    assert data["errors"] == []
    assert found(data) == [("generated.py", "CA101")]


def test_a_parser_crash_is_a_per_file_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import libcst

    write(project, "odd.py", "# odd\n" + REJECT)
    write(project, "app.py", REJECT)
    real_parse = libcst.parse_module

    def parse_module(source: str, *args: Any, **kwargs: Any) -> Any:
        if source.startswith("# odd"):
            raise TypeError("super(type, obj): obj must be an instance or subtype of type")
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", parse_module)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data)["odd.py"].startswith("cannot parse: libcst failed with TypeError")


def test_a_detector_crash_is_a_per_file_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "odd.py", REJECT)
    write(project, "app.py", REJECT)
    real_detect = audit.python.detector.detect

    def detect(module: Any, lines: Any, catalog: Any, context: Any) -> Any:
        if context.path == "odd.py":
            raise KeyError("boom")
        return real_detect(module, lines, catalog, context)

    monkeypatch.setattr(audit.python.detector, "detect", detect)

    status, data = scan_json(".")

    assert status == 1
    assert found(data) == [("app.py", "CA101")]
    assert errors(data) == {
        "odd.py": "internal error while analysing (please report): KeyError: 'boom'"
    }


def test_valid_python_libcst_cannot_parse_is_not_called_a_syntax_error(project: Path) -> None:
    concatenated = "X = (" + " ".join(['"a"'] * 5000) + ")\n"
    write(project, "long.py", concatenated + REJECT)
    status, data = scan_json(".")
    assert status == 1  # a file that could not be analysed fails the gate
    [error] = data["errors"]
    assert error["path"] == "long.py"
    assert "valid Python that libcst cannot parse" in error["message"]
    assert "syntax error" not in error["message"]
