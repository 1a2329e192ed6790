"""String shapes in each grammar evaluate to the path they build (and its version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.polyglot.conftest import scan_paths

CASES = {
    "raw.go": "package a\nconst P = `/return_refund/202309/cancellations/%s/reject`\n",
    "replace.go": (
        "package a\nvar p = "
        'strings.Replace("/return_refund/V/cancellations/x/reject", "V", '
        '"202309", 1)\n'
    ),
    "TextBlock.java": (
        'class A { String p = """\n    /return_refund/202309/cancellations/{id}/reject"""; }\n'
    ),
    "Formatted.java": (
        "class A { String p = "
        '"/return_refund/%s/cancellations/%s/reject".formatted("202309", id); '
        "}\n"
    ),
    "Verbatim.cs": ('class A { string p = @"/return_refund/202309/cancellations/{0}/reject"; }\n'),
    "Format.cs": (
        'class A { const string V = "202309"; string p = '
        'string.Format("/return_refund/{0}/cancellations/{1}/reject", V, id); '
        "}\n"
    ),
    "InterpolatedVerbatim.cs": (
        'class A { const string V = "202309"; string q = '
        '$@"/return_refund/{V}/cancellations/{id}/reject"; }\n'
    ),
    "escaped.php": "<?php\n$a = 'it\\'s /return_refund/202309/cancellations/1/reject';\n",
    "heredoc.php": ("<?php\n$b = <<<EOT\n/return_refund/202309/cancellations/{$id}/reject\nEOT;\n"),
    "sprintf.php": (
        "<?php\nclass A { const V = '202309'; function f($id) { return "
        "sprintf('/return_refund/%s/cancellations/%s/reject', self::V, $id); } "
        "}\n"
    ),
    "str_replace.php": (
        "<?php\n$p = str_replace('{cancel_id}', $id, "
        "'/return_refund/202309/cancellations/{cancel_id}/reject');\n"
    ),
    "percent_q.rb": "P = %Q{/return_refund/202309/cancellations/#{id}/reject}\n",
    "concat.rb": 'V = "202309"\nQ = "/return_refund/" + V + "/cancellations/x/reject"\n',
    "join.js": (
        "const p = path.join('/return_refund', '202309', 'cancellations', id, 'reject');\n"
    ),
    "concat.ts": (
        "const V = '2023' + '09';\nconst p = '/return_refund/' + V + "
        "'/cancellations/' + id + '/reject';\n"
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_string_shape_is_the_reject_path_at_202309(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(CASES[name], encoding="utf-8")
    result = scan_paths(tmp_path)
    assert result.errors == ()
    assert [(i.endpoint, i.version) for i in result.inventory] == [
        ("reject_cancellation", "202309")
    ]
    assert [f.rule for f in result.findings] == ["CA101"]


def test_comments_and_docblocks_are_never_findings(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text(
        "/** POST /return_refund/202309/cancellations/{id}/reject */\n"
        "// client.rejectCancellation(id) 21011007\n"
        "export const x = 1;\n",
        encoding="utf-8",
    )
    (tmp_path / "b.rb").write_text(
        "# post('/return_refund/202309/cancellations/1/reject')\n=begin\n"
        "/return_refund/202309/cancellations/1/reject\n=end\n",
        encoding="utf-8",
    )
    result = scan_paths(tmp_path)
    assert (result.findings, result.inventory, result.errors) == ((), (), ())
