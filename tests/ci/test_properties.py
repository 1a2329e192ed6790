"""Generated programs with TikTok Shop call shapes spliced in: scan never crashes, and
fix output compiles, is stable under a second run and leaves other files byte-identical.

hypothesmith writes the programs from Python's grammar. CI runs a bounded number of
examples; a longer run: ``CANCEL_AUDIT_PROPERTY_EXAMPLES=2000 pytest tests/ci/test_properties.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import hypothesmith
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cancel_audit_cli.cli import cli

EXAMPLES = int(os.environ.get("CANCEL_AUDIT_PROPERTY_EXAMPLES", "30"))

# What integrations do, as whole top-level definitions that fit after any module.
CLIENT = (
    'class ShopClient:\n    BASE = "https://open-api.tiktokglobalshop.com"\n\n'
    "    def get_order_detail(self, ids):\n        return self.get(ids)\n\n"
    "    def ship_package(self, package_id):\n        return self.post(package_id)\n\n\n"
)
SPLICES = (
    CLIENT
    + 'def reject(client, cancel):\n    client.reject_cancellation(cancel["cancel_id"], "x")\n',
    "AFTER_SALE = 21011007\n\n\ndef ship(client, order, pid, report):\n"
    "    try:\n        client.ship_package(pid)\n    except ApiError as exc:\n"
    "        if exc.code == AFTER_SALE:\n            report.held.append(order['id'])\n"
    "            return\n        raise\n",
    "# shop_cipher\ndef pending(client):\n"
    "    for c in client.search_cancellations(cancel_status=['CANCELLATION_REQUEST_PENDING']):\n"
    "        print(c['order_id'])\n",
    'def force(t, cid):\n    return t.request("POST", f"/return_refund/202309/cancellations/'
    '{cid}/reject", params={}, body={})\n',
)
UNTOUCHED = "# shop_cipher\nVALUE = 1\n"


def _compiles(source: str) -> bool:
    try:
        compile(source, "<generated>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(program=hypothesmith.from_grammar(), splice=st.sampled_from(SPLICES))
def test_generated_programs(
    tmp_path_factory: pytest.TempPathFactory, program: str, splice: str
) -> None:
    source = program.rstrip("\n") + "\n\n\n" + splice if program.strip() else splice
    assume(_compiles(source))
    root: Path = tmp_path_factory.mktemp("generated")
    (root / "mod.py").write_text(source, encoding="utf-8")
    (root / "untouched.py").write_text(UNTOUCHED, encoding="utf-8")
    runner = CliRunner()

    scan = runner.invoke(cli, ["scan", str(root), "--format", "json", "--fail-on", "never"])
    assert scan.exit_code == 0, scan.output
    assert "internal error" not in scan.output

    fixed = runner.invoke(cli, ["fix", str(root), "--write", "--unsafe-fixes"])
    assert fixed.exit_code in (0, 1), fixed.output
    assert "internal error" not in fixed.output and "Traceback" not in fixed.output
    for path in root.glob("*.py"):
        assert _compiles(path.read_text(encoding="utf-8")), path.name
    assert (root / "untouched.py").read_text(encoding="utf-8") == UNTOUCHED

    after = {p.name: p.read_bytes() for p in root.glob("*.py")}
    again = runner.invoke(cli, ["fix", str(root), "--write", "--unsafe-fixes"])
    assert again.exit_code in (0, 1), again.output
    assert {p.name: p.read_bytes() for p in root.glob("*.py")} == after
