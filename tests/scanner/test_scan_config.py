"""Configuration: where it is found, what each key does, and how mistakes are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_helpers import REJECT, found, invoke, scan_json, write

from audit.catalog import load_catalog
from audit.config import ConfigError, find_config_file, parse_config
from audit.markets import Markets

# A wrapper only the user knows is Reject Cancellation: no TikTok Shop context anywhere.
WRAPPER = """\
def purge(api, cid):
    api.nuke_cancel_request(cid)
"""

# CA101, CA201 and CA401 (all US-only), plus CA102 (legacy, every market).
ALL_MARKETS = '''\
"""TikTok Shop order jobs (signed with shop_cipher)."""


def refuse(client, cid):
    client.reject_cancellation(cid)


def ship(client, package_id):
    try:
        client.ship_package(package_id)
    except ApiError as exc:
        if exc.code == 21011007:
            return None
        raise


def legacy_refuse(transport, rid):
    transport.post("/api/reverse/reverse_request/reject", {"reverse_order_id": rid})
'''


def rules_of(data: dict) -> list[str]:
    return sorted({rule for _, rule in found(data)})


def usage_error(*args: str) -> str:
    """Run a scan that must stop with exit status 2; return what it printed."""
    result = invoke("scan", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""  # nothing on stdout: a formatter reading it gets nothing
    return result.output


def test_yaml_config_at_the_scan_root_is_used(project: Path) -> None:
    write(project, "app.py", REJECT)
    assert rules_of(scan_json(".")[1]) == ["CA101"]

    write(project, ".cancel-audit.yaml", "markets: [UK]\n")
    status, data = scan_json(".")
    assert (status, data["findings"], data["markets"]) == (0, [], ["UK"])


def test_pyproject_table_is_used(project: Path) -> None:
    write(project, "app.py", WRAPPER)
    write(
        project,
        "pyproject.toml",
        '[project]\nname = "shop"\n\n[tool.cancel-audit]\n'
        'patterns = {CA101 = {methods = ["nuke_cancel_request"]}}\n',
    )

    _, data = scan_json(".")

    assert found(data) == [("app.py", "CA101")]


def test_config_in_a_parent_folder_is_found_up_to_the_repository_root(
    project: Path, tmp_path: Path
) -> None:
    write(tmp_path, ".cancel-audit.yaml", "markets: [UK]\n")  # above the repository: not used
    write(project, "src/app.py", REJECT)
    assert find_config_file(project / "src") is None
    assert rules_of(scan_json("src")[1]) == ["CA101"]

    write(project, ".cancel-audit.yaml", "markets: [UK]\n")
    assert find_config_file(project / "src") == project / ".cancel-audit.yaml"
    assert scan_json("src")[1]["findings"] == []


def test_pyproject_that_only_names_the_tool_does_not_hide_the_real_config(project: Path) -> None:
    write(project, ".cancel-audit.yaml", "markets: [UK]\n")
    write(
        project,
        "service/pyproject.toml",
        '[project]\nname = "svc"\ndependencies = ["cancel-audit>=0.1"]\n\n'
        '[project.scripts]\ncancel-audit = "audit.cli:main"\n',
    )
    write(project, "service/app.py", REJECT)

    assert find_config_file(project / "service") == project / ".cancel-audit.yaml"
    assert scan_json("service")[1]["findings"] == []


def test_config_flag_overrides_the_discovered_file(project: Path, tmp_path: Path) -> None:
    write(project, ".cancel-audit.yaml", "markets: [UK]\n")
    write(project, "app.py", REJECT)
    other = write(tmp_path, "ci.yaml", "markets: [US]\nrules: {severity: {CA101: warning}}\n")

    status, data = scan_json("--config", str(other), ".")

    assert status == 0  # a warning is below the default --fail-on error
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("CA101", "warning")]


def test_unknown_key_names_it_and_suggests_the_closest(project: Path) -> None:
    write(project, ".cancel-audit.yaml", "market: [US]\n")
    write(project, "app.py", REJECT)

    output = usage_error(".")

    message = output.strip().splitlines()[-1]
    assert message == (
        f"Error: {project / '.cancel-audit.yaml'}: unknown key 'market'; did you mean 'markets'?"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("markets: [USA]\n", "market 'USA' is not a two-letter code"),
        ("markets: []\n", "'markets' must name at least one market"),
        ("max-file-size: -1\n", "'max-file-size' must be a positive size"),
        ("max-file-size: lots\n", "'max-file-size' must be a positive size"),
        ("rules: {select: [CA999]}\n", "rules.select: unknown rule 'CA999'"),
        ("rules: {selec: [CA101]}\n", "unknown key 'rules.selec'; did you mean 'rules.select'?"),
        ("rules: {severity: {CA401: fatal}}\n", "rules.severity.CA401 must be one of"),
        ("fail-on: bogus\n", "'fail-on' must be one of error, warning, info, never, not 'bogus'"),
        ("min-confidence: sure\n", "'min-confidence' must be one of high, medium, low"),
        ("exclude: 3\n", "'exclude' must be a list of non-empty strings"),
        ("gitignore: maybe\n", "'gitignore' must be true or false"),
        ("patterns: {CA101: {method: [x]}}\n", "unknown key 'method'; did you mean 'methods'?"),
        ("patterns: {CA201: {codes: [abc]}}\n", "patterns.CA201.codes must be a list of integers"),
        ("markets: [US\n", "is not valid YAML (line 2)"),
        ("- markets\n- exclude\n", "must hold a mapping of settings, not list"),
    ],
)
def test_bad_values_stop_with_one_sentence(project: Path, content: str, expected: str) -> None:
    write(project, ".cancel-audit.yaml", content)
    write(project, "app.py", REJECT)

    output = usage_error(".")

    assert expected in output
    assert ".cancel-audit.yaml" in output  # says which file


def test_bad_pyproject_table_is_a_usage_error(project: Path) -> None:
    write(project, "pyproject.toml", '[tool.cancel-audit]\nmarkets = "U S"\n')
    assert "market 'U S' is not a two-letter code" in usage_error(".")

    write(project, "pyproject.toml", "[tool.cancel-audit]\nmarkets = [\n")
    assert "is not valid TOML" in usage_error(".")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--max-file-size", "ten"], "--max-file-size: 'max-file-size' must be a positive size"),
        (["--markets", "US,USA"], "--markets: market 'USA' is not a two-letter code"),
        (["--select", "CA101,CA777"], "unknown rule 'CA777'"),
        (["--fail-on", "bogus"], "Invalid value for '--fail-on'"),
        (["--min-confidence", "certain"], "Invalid value for '--min-confidence'"),
    ],
)
def test_bad_flags_are_usage_errors(project: Path, args: list[str], expected: str) -> None:
    write(project, "app.py", REJECT)
    assert expected in usage_error(*args, ".")


def test_user_wrapper_pattern_is_a_finding_without_tiktok_context(project: Path) -> None:
    write(project, "jobs.py", WRAPPER)
    assert scan_json(".")[1]["findings"] == []  # nothing says this is TikTok Shop code

    write(project, ".cancel-audit.yaml", "patterns: {CA101: {methods: [nuke_cancel_request]}}\n")
    status, data = scan_json(".")

    assert status == 1
    [finding] = data["findings"]
    assert (finding["rule"], finding["line"], finding["confidence"]) == ("CA101", 2, "high")
    assert finding["endpoint"] == "reject_cancellation"


def test_user_url_pattern(project: Path) -> None:
    write(project, "proxy.py", 'def deny(http, cid):\n    http.post(f"/proxy/{cid}/deny")\n')
    write(project, ".cancel-audit.yaml", 'patterns: {CA101: {urls: ["/proxy/{id}/deny"]}}\n')

    assert found(scan_json(".")[1]) == [("proxy.py", "CA101")]


def test_severity_override_changes_the_finding_and_the_exit_status(project: Path) -> None:
    write(
        project,
        "ship.py",
        '"""TikTok Shop (shop_cipher)."""\n\n\ndef ship(client, pid):\n'
        "    client.ship_package(pid)\n",
    )
    status, data = scan_json(".")
    assert (status, [(f["rule"], f["severity"]) for f in data["findings"]]) == (
        0,
        [("CA401", "warning")],
    )

    write(project, ".cancel-audit.yaml", "rules: {severity: {CA401: error}}\n")
    status, data = scan_json(".")
    assert (status, [(f["rule"], f["severity"]) for f in data["findings"]]) == (
        1,
        [("CA401", "error")],
    )
    assert data["summary"]["by_severity"]["error"] == 1


SDK_CLIENT = """\
BASE = "https://open-api.tiktokglobalshop.com"


class Client:
    def get_order_detail(self, ids):
        return self.get(BASE + "/order/202309/orders", params={"ids": ",".join(ids)})

    def ship_package(self, package_id):
        return self.post(BASE + f"/fulfillment/202309/packages/{package_id}/ship", json={})
"""


def test_us_and_uk_markets_make_ca101_unsafe_and_say_so(project: Path) -> None:
    write(project, "app.py", REJECT)
    [default] = scan_json(".")[1]["findings"]
    assert default["fix"] == "safe" and "UK" not in default["message"]

    write(project, ".cancel-audit.yaml", "markets: [US, UK]\n")
    _, data = scan_json(".")

    [finding] = data["findings"]
    # A raw transport call has no fallback fix for mixed markets: a person decides.
    assert finding["fix"] == "manual"
    assert "UK" in finding["message"]
    assert data["markets"] == ["US", "UK"]

    write(project, "client.py", SDK_CLIENT)
    write(
        project,
        "worker.py",
        'def refuse(client, cancel):\n    client.reject_cancellation(cancel["cancel_id"])\n',
    )
    _, data = scan_json(".")
    by_path = {f["path"]: f["fix"] for f in data["findings"] if f["rule"] == "CA101"}
    assert by_path["worker.py"] == "unsafe"  # shipping, with Reject Cancellation kept for UK


def test_uk_only_silences_the_us_only_rules(project: Path) -> None:
    write(project, "jobs.py", ALL_MARKETS)
    assert rules_of(scan_json(".")[1]) == ["CA101", "CA102", "CA201", "CA401"]

    write(project, ".cancel-audit.yaml", "markets: [UK]\n")
    assert rules_of(scan_json(".")[1]) == ["CA102"]  # the legacy API is going for everyone
    assert rules_of(scan_json("--markets", "us", ".")[1]) == [  # the flag wins; case-blind
        "CA101",
        "CA102",
        "CA201",
        "CA401",
    ]


def test_select_and_ignore(project: Path) -> None:
    write(project, "jobs.py", ALL_MARKETS)

    assert rules_of(scan_json("--select", "CA201,ca401", ".")[1]) == ["CA201", "CA401"]
    assert rules_of(scan_json("--ignore", "CA401", ".")[1]) == ["CA101", "CA102", "CA201"]

    write(project, ".cancel-audit.yaml", "rules: {select: [CA102], ignore: [CA102]}\n")
    assert scan_json(".")[1]["findings"] == []  # ignore wins over select


def test_fail_on_from_config_and_flag(project: Path) -> None:
    write(project, "jobs.py", ALL_MARKETS)
    assert invoke("scan", ".").exit_code == 1

    write(project, ".cancel-audit.yaml", "fail-on: never\n")
    assert invoke("scan", ".").exit_code == 0
    assert invoke("scan", "--fail-on", "error", ".").exit_code == 1  # the flag wins


def test_parse_config_accepts_every_documented_key() -> None:
    raw = {
        "markets": ["us", "GB"],
        "exclude": ["vendor/**"],
        "max-file-size": "2MB",
        "min-confidence": "low",
        "fail-on": "warning",
        "gitignore": False,
        "rules": {"select": ["CA101"], "ignore": ["CA302"], "severity": {"ca401": "error"}},
        "patterns": {
            "CA101": {"methods": ["nuke_cancel_request"], "urls": ["/proxy/{id}/deny"]},
            "ship_package": {"methods": ["push_parcel"]},
            "CA201": {"codes": [21011099], "messages": ["after-sale lock"]},
        },
        "context": ["acme_tts_client"],
    }

    config = parse_config(raw, load_catalog(), source="test")

    assert config.markets == Markets(("US", "UK"))  # GB is the UK
    assert config.max_file_size == 2_000_000
    assert (config.min_confidence, config.fail_on, config.gitignore) == ("low", "warning", False)
    assert config.select == frozenset({"CA101"}) and config.ignore == frozenset({"CA302"})
    assert config.severity == {"CA401": "error"}
    assert config.methods == {
        "reject_cancellation": ["nuke_cancel_request"],
        "ship_package": ["push_parcel"],
    }
    assert config.urls == {"reject_cancellation": ["/proxy/{id}/deny"]}
    assert (config.codes, config.messages) == ([21011099], ["after-sale lock"])
    assert config.context_markers == ["acme_tts_client"]

    with pytest.raises(ConfigError, match="unknown key 'exclud'; did you mean 'exclude'"):
        parse_config({"exclud": []}, load_catalog(), source="test")


def test_a_bad_exclude_glob_on_the_command_line_is_a_usage_error(project: Path) -> None:
    write(project, "app.py", REJECT)
    result = invoke("scan", ".", "--exclude", "!")
    assert result.exit_code == 2
    assert "--exclude: exclude pattern '!' is not a valid gitignore glob" in result.output
