"""Hostile or broken config files: one sentence, exit 2, bounded time and memory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(
        "def run(client, c):\n    client.reject_cancellation(c)\n", encoding="utf-8"
    )
    (tmp_path / ".git").mkdir()  # the config search stops here
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(*args: str) -> tuple[int, str]:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["scan", ".", *args])
    assert time.monotonic() - started < 20
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (".cancel-audit.yaml", LAUGHS + "fail-on: *i\n", "anchors (&a) are not allowed"),
        (".cancel-audit.yaml", "fail-on: *nothing\n", "aliases (*nothing) are not allowed"),
        (".cancel-audit.yaml", "exclude: " + "[" * 20_000 + "]" * 20_000, "nested more than"),
        (".cancel-audit.yaml", "markets: [US]\nmarkets: [UK]\n", "key 'markets' appears twice"),
        (".cancel-audit.yaml", "exclude: ['!']\n", "exclude pattern '!' is not a valid"),
        (".cancel-audit.yaml", "fail-on: " + "x" * 100_000 + "\n", "'fail-on' must be one of"),
        ("pyproject.toml", "tool = 5\n", "'tool' must be a table"),
        (
            "pyproject.toml",
            "[tool.cancel-audit]\nexclude = " + "[" * 20_000 + "]" * 20_000 + "\n",
            "nests too deeply",
        ),
    ],
    ids=[
        "billion-laughs",
        "alias",
        "deep-yaml",
        "duplicate",
        "bad-glob",
        "huge-value",
        "tool-5",
        "deep-toml",
    ],
)
def test_refused_with_one_sentence_and_exit_2(
    project: Path, name: str, content: str, expected: str
) -> None:
    (project / name).write_text(content, encoding="utf-8")
    found = name != "pyproject.toml" or "cancel-audit" in content  # else only --config
    for args in ((), ("--config", name)) if found else (("--config", name),):
        code, output = scan(*args)
        assert code == 2, output
        assert expected in output
        error = [line for line in output.splitlines() if line.startswith("Error:")]
        assert len(error) == 1 and len(error[0]) < 300, output
        assert "Traceback" not in output


def test_a_pyproject_with_a_bom_is_found_and_read(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b"\xef\xbb\xbf[tool.cancel-audit]\nmarkets = ['UK']\n")
    for args in ((), ("--config", "pyproject.toml")):
        code, output = scan("--format", "json", *args)
        assert code in (0, 1), output
        assert '"markets": [\n    "UK"\n  ]' in output
