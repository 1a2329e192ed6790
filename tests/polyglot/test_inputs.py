"""Bad and unusual inputs outside Python: one clear line each, never a crash; what is
not read (docs by default, vendored dependencies); one read per non-matching file; a
grammar imported only for a file that needs it; suppressions in // and # comments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audit import file_reads, source
from audit.markets import Markets
from tests.polyglot.conftest import scan_paths

REJECT_TS = (
    "export const r = (h: any, id: string) =>"
    " h.post(`/return_refund/202309/cancellations/${id}/reject`);\n"
)


def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_binary_file_with_a_source_suffix_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "blob.php", b"\x00\x01cancellations/1/reject\x00")
    result = scan_paths(tmp_path)
    assert [(s.path, s.reason) for s in result.skipped] == [("blob.php", "binary file")]
    assert result.findings == () and result.errors == ()


def test_file_in_another_encoding_is_one_error_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "legacy.php",
        "<?php\n// caf\xe9\n$x = 'cancellations/1/reject';\n".encode("latin-1"),
    )
    [error] = scan_paths(tmp_path).errors
    assert error.message == "cannot decode as UTF-8: byte 0xe9 on line 2; save the file as UTF-8"


def test_syntax_error_is_reported_and_the_rest_of_the_file_still_scanned(tmp_path: Path) -> None:
    write(tmp_path, "broken.ts", REJECT_TS + "function (((( {\n")
    result = scan_paths(tmp_path)
    [error] = result.errors
    assert error.path == "broken.ts"
    assert error.message.startswith("syntax error on line 2 (typescript)")
    assert [(f.rule, f.line) for f in result.findings] == [("CA101", 1)]


def test_huge_file_is_skipped_by_the_size_cap(tmp_path: Path) -> None:
    write(tmp_path, "bundle.js", "// x\n" * 300_000 + REJECT_TS)
    result = scan_paths(tmp_path, max_file_size=1_000_000)
    [skipped] = result.skipped
    assert skipped.path == "bundle.js" and skipped.reason.startswith("larger than max-file-size")


def test_deeply_nested_code_does_not_crash(tmp_path: Path) -> None:
    nested = "[" * 20_000 + "'/return_refund/202309/cancellations/1/reject'" + "]" * 20_000
    write(tmp_path, "deep.js", f"const x = {nested};\n")
    result = scan_paths(tmp_path)
    assert [f.rule for f in result.findings] == ["CA101"]


def test_markdown_is_read_only_with_include_docs(tmp_path: Path) -> None:
    write(
        tmp_path,
        "docs/migration.md",
        "Call `POST /return_refund/202309/cancellations/{id}/reject`.\n",
    )
    assert scan_paths(tmp_path).findings == ()
    [finding] = scan_paths(tmp_path, include_docs=True).findings
    assert (finding.rule, finding.language, finding.path) == (
        "CA101",
        "markdown",
        "docs/migration.md",
    )


def test_vendored_dependencies_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "vendor/autoload.php", "<?php\n")
    write(
        tmp_path,
        "vendor/ecomphp/ReturnRefund.php",
        "<?php\n$a = '/return_refund/202309/cancellations/1/reject';\n",
    )
    write(tmp_path, "node_modules/sdk/index.js", REJECT_TS)
    write(tmp_path, "go/vendor/modules.txt", "# github.com/x/y\n")
    write(
        tmp_path,
        "go/vendor/x/y/reject.go",
        'package y\nconst P = "/return_refund/202309/cancellations/%s/reject"\n',
    )
    result = scan_paths(tmp_path)
    assert result.findings == ()
    assert {s.path for s in result.skipped} == {"vendor/", "node_modules/", "go/vendor/"}


def test_a_non_matching_file_is_read_once_and_never_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "clean.ts", "export const add = (a: number, b: number) => a + b;\n")
    write(tmp_path, "errors.py", "AFTER_SALE = 21011007\n")  # makes the scan look for users
    reads: list[str] = []
    real = source.read_bytes

    def counting(path: Path) -> bytes:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(file_reads, "read_bytes", counting)  # the scan's one reading loop
    result = scan_paths(tmp_path)
    assert reads.count("clean.ts") == 1
    assert result.files_parsed == 1  # errors.py only


def test_grammars_are_imported_only_for_files_that_need_them(tmp_path: Path) -> None:
    write(
        tmp_path, "php/Refuser.php", "<?php\n$a = '/return_refund/202309/cancellations/1/reject';\n"
    )
    write(tmp_path, "go/clean.go", "package clean\n")  # no fragment: never parsed
    code = (
        "import sys; from pathlib import Path; from audit.config import Config; "
        "from audit.scanner import ScanOptions, scan; "
        f"r = scan(ScanOptions((Path({str(tmp_path)!r}),), Config())); "
        "print(len(r.findings), sorted(m for m in sys.modules if m.startswith('tree_sitter') "
        "and '.' not in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(" ", 1) == ["1", "['tree_sitter', 'tree_sitter_php']\n"]
    (tmp_path / "php/Refuser.php").unlink()
    write(tmp_path, "app.py", "P = '/return_refund/202309/cancellations/{}/reject'\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "1 []\n"  # a Python-only scan never imports tree-sitter


def test_suppressions_in_slash_and_hash_comments(tmp_path: Path) -> None:
    write(tmp_path, "a.ts", "// cancel-audit: ignore[CA101] rehearsal only\n" + REJECT_TS)
    write(
        tmp_path,
        "b.rb",
        'post("/return_refund/202309/cancellations/#{id}/reject") # cancel-audit: ignore[CA101]\n'
        "x = 1 # cancel-audit: ignore[CA201]\n",
    )
    result = scan_paths(tmp_path)
    assert result.suppressed == 2
    assert [(f.rule, f.path, f.line) for f in result.findings] == [("CA001", "b.rb", 2)]


def test_us_only_rules_do_not_fire_without_the_us_market(tmp_path: Path) -> None:
    write(tmp_path, "a.ts", REJECT_TS)
    assert scan_paths(tmp_path, markets=Markets(("UK",))).findings == ()
    assert [f.rule for f in scan_paths(tmp_path).findings] == ["CA101"]


def test_json_and_yaml_that_are_not_api_documents_yield_nothing(tmp_path: Path) -> None:
    write(tmp_path, "package.json", '{"name": "x", "scripts": {"t": "/api/orders/search"}}\n')
    write(tmp_path, "broken.json", '{"paths": {"/return_refund/202309/cancellations/1/reject": \n')
    write(
        tmp_path, "ci.yml", "on: push\njobs: {a: {steps: [{run: 'curl /api/fulfillment/rts'}]}}\n"
    )
    write(tmp_path, "bad.yaml", "paths:\n\t- /return_refund/202309/cancellations/1/reject: [\n")
    reject = '"/return_refund/202309/cancellations/1/reject"'
    write(tmp_path, "deep.json", "[" * 100_000 + reject + "]" * 100_000)
    result = scan_paths(tmp_path)
    assert (result.findings, result.inventory, result.errors) == ((), (), ())
