"""Discovery: which files a scan reads, and what it says about the ones it leaves out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from scan_helpers import CLEAN, REJECT, found, invoke, scan_json, skipped, write

from audit.discovery import DiscoveryOptions, SourceFile, discover

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")


def paths_found(data: dict) -> set[str]:
    return {path for path, _ in found(data)}


def test_nested_gitignore_and_negation(project: Path) -> None:
    write(project, ".gitignore", "generated/\n*_gen.py\n")
    write(project, "app.py", REJECT)
    write(project, "generated/client.py", REJECT)
    write(project, "models_gen.py", REJECT)
    write(project, "pkg/.gitignore", "*.py\n!keep.py\n")
    write(project, "pkg/drop.py", REJECT)
    write(project, "pkg/keep.py", REJECT)

    status, data = scan_json(".")

    assert status == 1
    assert paths_found(data) == {"app.py", "pkg/keep.py"}
    assert skipped(data) == {
        "generated/": "ignored by .gitignore",
        "models_gen.py": "ignored by .gitignore",
        "pkg/drop.py": "ignored by .gitignore",
    }
    assert data["summary"]["files_scanned"] == 2


def test_no_gitignore_scans_everything(project: Path) -> None:
    write(project, ".gitignore", "generated/\n")
    write(project, "generated/client.py", REJECT)
    write(project, "pkg/.gitignore", "*.py\n")
    write(project, "pkg/drop.py", REJECT)

    _, data = scan_json("--no-gitignore", ".")
    assert paths_found(data) == {"generated/client.py", "pkg/drop.py"}

    write(project, ".cancel-audit.yaml", "gitignore: false\n")
    _, from_config = scan_json(".")
    assert paths_found(from_config) == {"generated/client.py", "pkg/drop.py"}


def test_parent_gitignore_applies_when_scanning_a_subfolder(project: Path) -> None:
    write(project, ".gitignore", "src/generated/\n")
    write(project, "src/app.py", REJECT)
    write(project, "src/generated/client.py", REJECT)

    _, data = scan_json("src")

    assert paths_found(data) == {"src/app.py"}
    assert skipped(data) == {"src/generated/": "ignored by .gitignore"}


def test_ignored_folder_named_on_the_command_line_is_scanned(project: Path) -> None:
    write(project, ".gitignore", "generated/\n")
    write(project, "generated/client.py", REJECT)

    _, data = scan_json("generated")

    assert paths_found(data) == {"generated/client.py"}


def test_git_info_exclude_is_respected(project: Path) -> None:
    write(project, ".git/info/exclude", "scratch.py\n")
    write(project, "scratch.py", REJECT)
    write(project, "app.py", REJECT)

    _, data = scan_json(".")

    assert paths_found(data) == {"app.py"}
    assert skipped(data) == {"scratch.py": "ignored by .gitignore"}


def test_tool_dependency_and_build_folders_are_skipped(project: Path) -> None:
    write(project, "app.py", REJECT)
    for folder in ("node_modules/lib", "build", "dist", ".tox/py311", "pkg.egg-info", "venv"):
        write(project, f"{folder}/mod.py", REJECT)
    write(project, "env1/pyvenv.cfg", "home = /usr/bin\n")  # a virtualenv by any name
    write(project, "env1/lib/mod.py", REJECT)
    write(project, ".git/hooks/mod.py", REJECT)
    write(project, "__pycache__/mod.py", REJECT)

    _, data = scan_json(".")

    assert paths_found(data) == {"app.py"}
    reasons = skipped(data)
    assert reasons["env1/"] == "virtualenv"
    for folder in ("node_modules/", "build/", "dist/", ".tox/", "pkg.egg-info/", "venv/"):
        assert reasons[folder] == "tool, dependency or build folder"
    # VCS and cache folders are left out silently.
    assert not any(p.startswith((".git", "__pycache__")) for p in reasons)


def test_a_virtualenv_named_on_the_command_line_is_scanned(project: Path) -> None:
    write(project, "env1/pyvenv.cfg", "home = /usr/bin\n")
    write(project, "env1/tools/mod.py", REJECT)
    write(project, "env1/tools/env2/pyvenv.cfg", "home = /usr/bin\n")  # one inside it is not
    write(project, "env1/tools/env2/mod.py", REJECT)

    _, data = scan_json("env1")

    assert paths_found(data) == {"env1/tools/mod.py"}
    assert skipped(data) == {"env1/tools/env2/": "virtualenv"}


def test_exclude_is_repeatable_and_merges_with_config(project: Path) -> None:
    write(project, "app.py", REJECT)
    write(project, "vendor/sdk.py", REJECT)
    write(project, "proto/orders_pb2.py", REJECT)
    write(project, "legacy/old.py", REJECT)

    _, data = scan_json("--exclude", "vendor/", "--exclude", "*_pb2.py", ".")
    assert paths_found(data) == {"app.py", "legacy/old.py"}
    assert skipped(data) == {
        "proto/orders_pb2.py": "excluded by --exclude/config",
        "vendor/": "excluded by --exclude/config",
    }

    write(project, ".cancel-audit.yaml", "exclude: [legacy/]\n")
    _, merged = scan_json("--exclude", "vendor/", ".")
    assert paths_found(merged) == {"app.py", "proto/orders_pb2.py"}


def test_config_exclude_is_relative_to_the_config_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, ".cancel-audit.yaml", 'exclude: ["legacy/vendor/**"]\n')
    write(project, "legacy/app.py", REJECT)
    write(project, "legacy/vendor/sdk.py", REJECT)

    _, from_root = scan_json("legacy")
    assert paths_found(from_root) == {"legacy/app.py"}

    monkeypatch.chdir(project / "legacy")  # the config is found in the parent folder
    _, from_subfolder = scan_json(".")
    assert paths_found(from_subfolder) == {"app.py"}


def test_size_cap_default_and_configurable(project: Path) -> None:
    padding = "# " + "x" * 98 + "\n"
    write(project, "huge.py", REJECT + padding * 10_001)  # just over 1 MB
    write(project, "mid.py", REJECT + padding * 200)  # about 20 KB
    write(project, "small.py", REJECT)

    _, default = scan_json(".")
    assert paths_found(default) == {"mid.py", "small.py"}
    assert skipped(default)["huge.py"] == "larger than max-file-size (1.0 MB > 1.0 MB)"

    _, capped = scan_json("--max-file-size", "10KB", ".")
    assert paths_found(capped) == {"small.py"}
    assert skipped(capped)["mid.py"] == "larger than max-file-size (20 KB > 10 KB)"

    write(project, ".cancel-audit.yaml", "max-file-size: 10KB\n")
    _, configured = scan_json(".")
    assert paths_found(configured) == {"small.py"}

    _, overridden = scan_json("--max-file-size", "2MB", ".")  # the flag wins over config
    assert paths_found(overridden) == {"huge.py", "mid.py", "small.py"}


def test_binary_files_are_skipped(project: Path) -> None:
    write(project, "blob.py", b"shop_cipher\x00\x01\x02\xff" * 10)
    write(project, "app.py", REJECT)

    status, data = scan_json(".")

    assert status == 1
    assert paths_found(data) == {"app.py"}
    assert skipped(data) == {"blob.py": "binary file"}
    assert data["errors"] == []
    assert data["summary"]["files_scanned"] == 1  # the binary is skipped, not scanned


@needs_symlinks
def test_symlink_loop_does_not_hang_and_is_reported(project: Path) -> None:
    write(project, "pkg/app.py", REJECT)
    os.symlink("..", project / "pkg" / "up")
    os.symlink(".", project / "pkg" / "here")

    # A real process with a timeout: a hang fails the test instead of stalling the suite.
    done = subprocess.run(
        [sys.executable, "-m", "audit", "-v", "scan", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1, done.stderr
    assert "pkg/up: skipped: symlink loop" in done.stdout
    assert "pkg/here: skipped: symlink loop" in done.stdout
    assert done.stdout.count("pkg/app.py") == 1
    assert "1 finding" in done.stdout


@needs_symlinks
def test_symlinks_are_shown_where_they_are_and_skipped_with_a_reason(
    project: Path, tmp_path: Path
) -> None:
    outside = write(tmp_path, "outside/other.py", REJECT)
    write(project, "pkg/app.py", REJECT)
    os.symlink(outside, project / "linked_file.py")
    os.symlink(outside.parent, project / "linked_dir")
    os.symlink(project / "nowhere.py", project / "broken.py")
    os.symlink(project / "pkg", project / "alias")  # the same folder under a second name

    _, data = scan_json(".")

    assert found(data) == [("pkg/app.py", "CA101")]
    assert skipped(data) == {
        "alias": "symlink to a folder in the tree",
        "broken.py": "broken symlink",
        "linked_dir": "symlink points outside the scanned tree",
        "linked_file.py": "symlink points outside the scanned tree",
    }


@needs_symlinks
def test_symlinked_file_inside_the_tree_is_scanned_once(project: Path) -> None:
    write(project, "real.py", REJECT)
    os.symlink("real.py", project / "same.py")

    _, data = scan_json(".")

    assert len(data["findings"]) == 1


def test_explicit_file_paths(project: Path) -> None:
    write(project, ".gitignore", "ignored.py\n")
    write(project, "a.py", REJECT)
    write(project, "b.py", REJECT)
    write(project, "ignored.py", REJECT)
    write(project, "notes.txt", "reject_cancellation shop_cipher\n")

    _, data = scan_json("a.py", "ignored.py", "notes.txt")

    # A file named explicitly is scanned even when .gitignore would skip it (as ruff does).
    assert paths_found(data) == {"a.py", "ignored.py"}
    assert skipped(data) == {"notes.txt": "not a file cancel-audit reads (see README: languages)"}

    status, only_text = scan_json("notes.txt")
    assert status == 0
    assert only_text["findings"] == [] and only_text["summary"]["files_scanned"] == 0


def test_overlapping_paths_report_each_finding_once(project: Path) -> None:
    write(project, "a.py", REJECT)
    _, data = scan_json(".", "a.py", "./a.py")
    assert found(data) == [("a.py", "CA101")]


def test_verbose_lists_skipped_files_with_reasons(project: Path) -> None:
    write(project, ".gitignore", "gen.py\n")
    write(project, "gen.py", REJECT)
    write(project, "node_modules/x.py", REJECT)
    write(project, "app.py", CLEAN)

    quiet = invoke("scan", ".")
    assert "skipped:" not in quiet.output
    assert "2 skipped" in quiet.output

    verbose = invoke("-v", "scan", ".")
    assert verbose.exit_code == 0
    assert "gen.py: skipped: ignored by .gitignore" in verbose.output
    assert "node_modules/: skipped: tool, dependency or build folder" in verbose.output


def test_discover_yields_files_relative_to_the_working_directory(project: Path) -> None:
    write(project, "pkg/a.py", CLEAN)
    write(project, "pkg/b.pyw", CLEAN)
    write(project, "pkg/c.txt", CLEAN)

    items = list(discover([Path("pkg")], DiscoveryOptions()))

    assert [(i.rel, i.size) for i in items if isinstance(i, SourceFile)] == [
        ("pkg/a.py", len(CLEAN)),
        ("pkg/b.pyw", len(CLEAN)),
    ]
    assert len(items) == 2  # other files are neither read nor listed
