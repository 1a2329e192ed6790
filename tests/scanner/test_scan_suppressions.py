"""Inline suppressions: ``# cancel-audit: ignore[ID] reason`` and the unused-suppression rule."""

from __future__ import annotations

from pathlib import Path

from scan_helpers import invoke, scan_json, write

from audit.suppressions import parse_suppression

HEAD = '"""TikTok Shop cancel handling (signed with shop_cipher)."""\n\n\n'

SUPPRESSED = (
    HEAD
    + """\
def same_line(client, cid):
    client.reject_cancellation(cid)  # cancel-audit: ignore[CA101] EU-only path


def line_above(client, cid):
    # cancel-audit: ignore[CA101] handled by the ops team
    client.reject_cancellation(cid)


def bare(client, cid):
    client.reject_cancellation(cid)  # cancel-audit: ignore


def wrong_id(client, cid):
    client.reject_cancellation(cid)  # cancel-audit: ignore[CA201] wrong rule
"""
)


def by_rule_line(data: dict) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for f in data["findings"]]


def test_suppressions_on_the_line_above_bare_and_wrong_id(project: Path) -> None:
    write(project, "cancels.py", SUPPRESSED)

    status, data = scan_json(".")

    assert status == 1  # the finding under the wrong id is still an error
    assert by_rule_line(data) == [("CA101", 18), ("CA001", 18)]
    unused = data["findings"][1]
    assert unused["severity"] == "info"
    assert (
        unused["message"] == "Unused suppression: # cancel-audit: ignore[CA201] matches no finding."
    )
    assert unused["column"] == unused["snippet"].index("#") + 1
    assert data["summary"]["suppressed"] == 3

    text = invoke("scan", ".").output
    assert text.rstrip().endswith("; 3 suppressed.")


def test_a_comment_alone_covers_only_the_next_line(project: Path) -> None:
    write(
        project,
        "cancels.py",
        HEAD + "def f(client, cid):\n    x = 1  # cancel-audit: ignore[CA101]\n"
        "    client.reject_cancellation(cid)\n",
    )

    _, data = scan_json(".")

    # A trailing comment covers its own line only; the call on the next line still counts.
    assert by_rule_line(data) == [("CA001", 5), ("CA101", 6)]
    assert data["summary"]["suppressed"] == 0


def test_several_ids_and_case(project: Path) -> None:
    write(
        project,
        "cancels.py",
        HEAD + "def f(client, cid):\n"
        "    client.reject_cancellation(cid)  # Cancel-Audit: IGNORE[ca201, ca101] both\n",
    )

    _, data = scan_json(".")

    assert data["findings"] == []
    assert data["summary"]["suppressed"] == 1


def test_text_in_a_string_is_not_a_suppression(project: Path) -> None:
    write(
        project,
        "cancels.py",
        HEAD + "def f(client, cid):\n"
        '    client.reject_cancellation(cid, note="# cancel-audit: ignore[CA101]")\n',
    )

    _, data = scan_json(".")

    assert by_rule_line(data) == [("CA101", 5)]


def test_suppressions_for_rules_that_did_not_run_are_not_unused(project: Path) -> None:
    write(project, "cancels.py", SUPPRESSED)

    # CA101 is not selected: its ignores may be needed in a full run, so they are not
    # reported; ignore[CA201] could have matched (CA201 ran) and is.
    _, selected = scan_json("--select", "CA201", ".")
    assert by_rule_line(selected) == [("CA001", 18)]

    # With no US market, CA101 and CA201 cannot fire at all.
    _, uk = scan_json("--markets", "UK", ".")
    assert uk["findings"] == []

    # CA001 itself can be turned off.
    _, quiet = scan_json("--ignore", "CA001", ".")
    assert by_rule_line(quiet) == [("CA101", 18)]


def test_suppressed_findings_do_not_set_the_exit_status(project: Path) -> None:
    write(
        project,
        "cancels.py",
        HEAD + "def f(client, cid):\n"
        "    client.reject_cancellation(cid)  # cancel-audit: ignore[CA101] EU path\n",
    )

    status, data = scan_json(".")

    assert (status, data["findings"], data["summary"]["suppressed"]) == (0, [], 1)


def test_parse_suppression() -> None:
    parsed = parse_suppression("# cancel-audit: ignore[CA101, ca201] kept for UK")
    assert parsed is not None
    assert parsed.rules == frozenset({"CA101", "CA201"})
    assert parsed.reason == "kept for UK"

    bare = parse_suppression("#cancel-audit:ignore")
    assert bare is not None and bare.rules == frozenset()
    assert parse_suppression("# noqa: E501") is None

    placed = parsed.at(line=7, stands_alone=True)
    assert placed.covers("CA101", 7) and placed.covers("CA201", 8)
    assert not placed.covers("CA101", 9) and not placed.covers("CA401", 7)
    assert not parsed.at(line=7, stands_alone=False).covers("CA101", 8)
