"""The command line: verbs, help, exit statuses, output files, colour and the JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
from click.testing import CliRunner
from scan_helpers import (
    CLEAN,
    INFO_ONLY,
    REJECT,
    REJECT_LINE,
    WARN_AND_INFO,
    found,
    invoke,
    scan_json,
    write,
)

from audit import __version__
from cancel_audit_cli.cli import cli, use_color

ANSI = "\x1b["
RULE_IDS = ["CA001", "CA101", "CA102", "CA201", "CA301", "CA302", "CA401"]
FINDING_KEYS = {
    "rule",
    "severity",
    "category",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "snippet",
    "confidence",
    "fix",
    "endpoint",
    "origin",
    "fingerprint",
    "status",
    "language",
    "hint",
}
SUMMARY_KEYS = {
    "findings",
    "by_severity",
    "by_rule",
    "new",
    "baselined",
    "fixed",
    "suppressed",
    "hidden_low_confidence",
    "files_scanned",
    "files_parsed",
    "files_skipped",
    "files_failed",
}


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"cancel-audit, version {__version__}\n"


@pytest.mark.parametrize("verb", [[], ["scan"], ["rules"], ["explain"]])
def test_help_on_every_verb(verb: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = invoke(*verb, flag)
        assert result.exit_code == 0
        assert result.output.startswith(f"Usage: cancel-audit {' '.join(verb)}".rstrip())
    if verb in ([], ["scan"]):
        assert "Exit status: 0" in invoke(*verb, "--help").output


def test_group_help_lists_the_verbs() -> None:
    output = invoke("--help").output
    for verb in ("scan", "rules", "explain"):
        assert f"\n  {verb} " in output


def test_rules_json_lists_every_rule() -> None:
    result = invoke("rules", "--format", "json")
    assert result.exit_code == 0

    rules = json.loads(result.output)

    assert [r["id"] for r in rules] == RULE_IDS
    for rule in rules:
        assert rule["severity"] in ("error", "warning", "info")
        assert rule["fix"]["kind"] in ("safe", "unsafe", "manual", "none")
        assert rule["summary"] and rule["why"] and rule["example"] and rule["instead"]
    ca101 = next(r for r in rules if r["id"] == "CA101")
    assert (ca101["name"], ca101["us_only"]) == ("reject-cancellation-call", True)


def test_rules_text_has_one_line_per_rule() -> None:
    lines = invoke("rules").output.splitlines()
    assert [line.split()[0] for line in lines] == RULE_IDS
    assert "fix:safe" in lines[1] and "error" in lines[1]


def test_explain_has_every_section() -> None:
    result = invoke("explain", "CA101")
    assert result.exit_code == 0

    text = result.output

    assert text.startswith("CA101 reject-cancellation-call (blocking, default severity error)")
    positions = [
        text.index(heading)
        for heading in ("\nWhat it finds\n", "\nWhy\n", "\nExample\n", "\nUse instead\n", "\nFix:")
    ]
    assert positions == sorted(positions)
    assert "    client.reject_cancellation(cancel_id" in text  # the example, indented
    assert "client.ship_package(" in text  # what to use instead
    assert "Applies when the US market is configured" in text


def test_explain_by_lowercase_id_and_by_name() -> None:
    expected = invoke("explain", "CA201").output
    assert invoke("explain", "ca201").output == expected
    assert invoke("explain", "after-sale-error-handling").output == expected


def test_explain_unknown_rule_exits_2() -> None:
    result = invoke("explain", "NOPE")
    assert result.exit_code == 2
    assert "unknown rule 'NOPE'" in result.output
    assert "CA101" in result.output  # lists the valid ids


@pytest.mark.parametrize(
    ("content", "fail_on", "status"),
    [
        (REJECT, None, 1),  # default: error
        (REJECT, "never", 0),
        (WARN_AND_INFO, None, 0),
        (WARN_AND_INFO, "error", 0),
        (WARN_AND_INFO, "warning", 1),
        (WARN_AND_INFO, "info", 1),
        (INFO_ONLY, "warning", 0),
        (INFO_ONLY, "info", 1),
        (CLEAN, "info", 0),
    ],
)
def test_exit_status_follows_fail_on(
    project: Path, content: str, fail_on: Optional[str], status: int
) -> None:
    write(project, "module.py", content)
    args = ["scan", *(["--fail-on", fail_on] if fail_on else []), "."]
    assert invoke(*args).exit_code == status


def test_nonexistent_path_exits_2(project: Path) -> None:
    result = invoke("scan", "missing_dir")
    assert result.exit_code == 2
    assert "'missing_dir' does not exist" in result.output


def test_unknown_option_exits_2(project: Path) -> None:
    assert invoke("scan", "--frobnicate", ".").exit_code == 2


def test_output_file(project: Path) -> None:
    write(project, "app.py", REJECT)

    (project / "out").mkdir()
    result = invoke("scan", "--format", "json", "-o", "out/report.json", ".")
    assert result.exit_code == 1  # -o does not change the exit status
    assert result.stdout == ""  # ... nor print anything

    data = json.loads((project / "out").joinpath("report.json").read_text(encoding="utf-8"))
    assert found(data) == [("app.py", "CA101")]

    text = invoke("scan", "-o", "report.txt", ".")
    assert text.stdout == ""
    assert (project / "report.txt").read_text(encoding="utf-8").startswith("app.py\n")


@pytest.mark.parametrize("option", ["-o", "--output"])
def test_output_into_a_missing_folder_is_a_usage_error(project: Path, option: str) -> None:
    write(project, "app.py", REJECT)
    target = "missing/report.json" if option == "-o" else "json:missing/report.json"

    result = CliRunner().invoke(cli, ["scan", option, target, "."], prog_name="cancel-audit")

    assert result.exit_code == 2
    assert "missing/report.json" in result.output and "Traceback" not in result.output


def test_extra_outputs(project: Path) -> None:
    write(project, "app.py", REJECT)

    result = invoke("scan", "--output", "json:scan.json", "--output", "text:scan.txt", ".")

    assert result.stdout.startswith("app.py\n")  # stdout keeps the main format
    assert found(json.loads((project / "scan.json").read_text(encoding="utf-8"))) == [
        ("app.py", "CA101")
    ]
    assert ANSI not in (project / "scan.txt").read_text(encoding="utf-8")
    assert invoke("scan", "--output", "scan.json", ".").exit_code == 2  # FORMAT: missing


def test_json_matches_the_documented_schema(project: Path) -> None:
    write(project, "app.py", REJECT)
    write(project, "broken.py", "shop_cipher = 1\ndef f(:\n")
    write(project, "blob.py", b"shop_cipher\x00")

    _, data = scan_json(".")

    assert set(data) == {
        "schema_version",
        "tool",
        "roots",
        "markets",
        "findings",
        "inventory",
        "errors",
        "skipped",
        "fixed",
        "summary",
    }
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "cancel-audit", "version": __version__}
    assert (data["roots"], data["markets"], data["fixed"]) == (["."], ["US"], [])
    [finding] = data["findings"]
    assert set(finding) == FINDING_KEYS
    assert (finding["path"], finding["line"], finding["column"]) == ("app.py", REJECT_LINE, 12)
    assert finding["end_line"] == REJECT_LINE and finding["end_column"] > finding["column"]
    assert finding["snippet"].lstrip().startswith("return requests.post(")
    assert (finding["status"], finding["endpoint"]) == ("new", "reject_cancellation")
    assert len(finding["fingerprint"]) == 20
    [use] = data["inventory"]
    assert use == {
        "endpoint": "reject_cancellation",
        "version": "202309",
        "role": "call",
        "path": "app.py",
        "line": REJECT_LINE,
        "column": 12,
        "origin": "production",
    }
    assert data["errors"] == [{"path": "broken.py", "message": data["errors"][0]["message"]}]
    assert data["skipped"] == [{"path": "blob.py", "reason": "binary file"}]
    summary = data["summary"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["by_severity"] == {"error": 1, "warning": 0, "info": 0}
    assert summary["by_rule"] == {"CA101": 1}
    assert (summary["files_scanned"], summary["files_skipped"], summary["files_failed"]) == (
        2,
        1,
        1,
    )


def test_text_output_shape(project: Path) -> None:
    write(project, "app.py", REJECT)
    write(
        project,
        "tabs.py",
        '"""TikTok Shop (shop_cipher)."""\nif ready:\n\tclient.reject_cancellation(cid)\n',
    )

    lines = invoke("scan", ".").output.splitlines()

    assert lines[0] == "app.py"
    assert lines[1].startswith(f"  {REJECT_LINE}:12     error   CA101  Reject Cancellation")
    assert lines[1].endswith("[high confidence, fix: safe]")
    assert lines[2] == f"{REJECT_LINE:>6} | " + REJECT.splitlines()[REJECT_LINE - 1]
    assert lines[3].startswith("       |            ^^^^")
    # Tabs are shown as four spaces and the caret stays under the call.
    tab_code, tab_marker = lines[lines.index("tabs.py") + 2 : lines.index("tabs.py") + 4]
    assert tab_code == "     3 |     client.reject_cancellation(cid)"
    assert tab_marker == "       |     " + "^" * len("client.reject_cancellation(cid)")
    assert lines[-1] == (
        "Found 2 findings (2 errors, 0 warnings, 0 info) in 2 files; "
        "files: 2 scanned, 2 parsed, 0 skipped, 0 failed."
    )


def test_quiet_prints_findings_only(project: Path) -> None:
    write(project, "app.py", REJECT)
    output = invoke("-q", "scan", ".").output
    assert output.startswith("app.py\n")
    assert "Found" not in output

    write(project, "app.py", CLEAN)
    assert invoke("-q", "scan", ".").output == ""


@pytest.mark.parametrize("verb", ["scan", "fix", "report", "baseline write"])
def test_verbosity_after_the_verb_means_what_it_means_before(project: Path, verb: str) -> None:
    write(project, "app.py", REJECT)
    words = verb.split()
    extra = {"report": ["-o", "out.html"], "baseline write": ["--force"]}.get(verb, [])
    for flag in ("-q", "-v", "-vv"):
        before = invoke(flag, *words, ".", *extra)
        after = invoke(*words, flag, ".", *extra)
        assert "No such option" not in after.output, after.output
        assert (after.exit_code, after.output) == (before.exit_code, before.output), flag
    assert invoke("scan", "-q", ".").output.startswith("app.py\n")
    assert "Found" not in invoke("scan", "-q", ".").output


def test_verbose_after_the_verb_shows_skipped_files(project: Path) -> None:
    write(project, "app.py", REJECT)
    (project / "blob.py").write_bytes(b"x = 1\n\x00\x01")
    skipped = "blob.py: skipped: binary file"
    assert skipped not in invoke("scan", ".").output
    for words in (("scan", "-v", "."), ("scan", "--verbose", "."), ("-v", "scan", ".")):
        assert skipped in invoke(*words).output, words
    assert skipped not in invoke("scan", "-v", "-q", ".").output  # -q prints findings only


def test_no_colour_when_not_a_terminal(project: Path) -> None:
    write(project, "app.py", REJECT)
    assert ANSI not in invoke("scan", ".").output  # CliRunner's stdout is not a tty


def test_use_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert use_color(no_color_flag=False) is True
    assert use_color(no_color_flag=True) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(no_color_flag=False) is False
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    monkeypatch.delenv("NO_COLOR")
    assert use_color(no_color_flag=False) is False


def _run_on(
    cwd: Path, args: list[str], stream: str, terminal: bool, env: Optional[dict[str, str]] = None
) -> str:
    """What ``cancel-audit ARGS`` writes to ``stream`` ("stdout" or "stderr") when that
    stream is a pseudo-terminal (or a pipe); the other stream is discarded."""
    import pty

    leader, follower = pty.openpty() if terminal else os.pipe()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: follower}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "audit", *args], cwd=cwd, env=env, timeout=120, **streams
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO once the terminal is drained and closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 1
    return b"".join(chunks).decode("utf-8")


def _scan_on_a_terminal(cwd: Path, env: dict[str, str]) -> str:
    return _run_on(cwd, ["scan", "."], "stdout", terminal=True, env=env)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(project: Path) -> None:
    write(project, "app.py", REJECT)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}

    assert ANSI in _scan_on_a_terminal(project, env)
    plain = _scan_on_a_terminal(project, {**env, "NO_COLOR": "1"})
    assert ANSI not in plain
    assert "CA101" in plain


def _stderr_of_scan(cwd: Path, *args: str, terminal: bool) -> str:
    """What a scan writes to stderr when stderr is a pseudo-terminal (or a pipe)."""
    return _run_on(cwd, list(args), "stderr", terminal=terminal)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_only_on_a_terminal_and_not_when_quiet(project: Path) -> None:
    write(project, "app.py", REJECT)
    write(project, "jobs/worker.py", REJECT)
    shown = _stderr_of_scan(project, "scan", "--no-cache", ".", terminal=True)
    line = "parsing 2/2 candidate files"
    assert "parsing 1/2 candidate files" in shown and line in shown
    # the last count is wiped, so the terminal's line is clean for what follows
    assert shown.endswith("\r" + " " * len(line) + "\r"), repr(shown)
    assert "\n" not in shown
    for quiet in (["-q", "scan"], ["scan", "-q"], ["--quiet", "scan"], ["scan", "--quiet"]):
        assert _stderr_of_scan(project, *quiet, "--no-cache", ".", terminal=True) == ""
    assert _stderr_of_scan(project, "scan", "--no-cache", ".", terminal=False) == ""


def test_console_script_in_a_real_process(project: Path) -> None:
    write(project, "app.py", REJECT)
    write(project, "broken.py", "shop_cipher = 1\ndef f(:\n")
    script = Path(sys.executable).with_name("cancel-audit")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "audit"]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}

    done = subprocess.run(
        [*command, "scan", "--format", "json", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )

    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert found(data) == [("app.py", "CA101")]
    assert [e["path"] for e in data["errors"]] == ["broken.py"]
    assert ANSI not in done.stdout

    version = subprocess.run(
        [sys.executable, "-m", "audit", "--version"], capture_output=True, text=True, timeout=60
    )
    assert (version.returncode, version.stdout) == (0, f"cancel-audit, version {__version__}\n")
