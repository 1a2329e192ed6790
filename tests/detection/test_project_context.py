"""Evidence that spans files: context, constants and versions defined elsewhere."""

from __future__ import annotations

from pathlib import Path

from audit.config import Config
from audit.markets import Markets
from audit.scanner import ScanOptions, scan


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


def test_error_code_constant_used_from_another_module(tmp_path: Path) -> None:
    write(tmp_path, "errors.py", "AFTER_SALE_PENDING = 21011007\nOTHER = 36009003\n")
    write(
        tmp_path,
        "job.py",
        "from .errors import AFTER_SALE_PENDING\n\n"
        "def handle(exc):\n"
        "    return exc.code == AFTER_SALE_PENDING\n",
    )
    result = scan(ScanOptions((tmp_path,), Config()))
    found = sorted((f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in result.findings)
    assert found == [("errors.py", 1, "CA201"), ("job.py", 4, "CA201")]


def test_constant_users_are_found_beside_the_callers_of_project_wrappers(
    tmp_path: Path,
) -> None:
    # one read of the rest of the tree finds both: a module calling the project's
    # wrapper, and one that only compares with the imported constant
    write(tmp_path, "errors.py", "AFTER_SALE_PENDING = 21011007\n")
    write(
        tmp_path,
        "client.py",
        "def refuse(t, cid):\n"
        '    return t.post(f"/return_refund/202309/cancellations/{cid}/reject")\n',
    )
    write(tmp_path, "worker.py", "from .client import refuse\n\ndef run(t, c):\n    refuse(t, c)\n")
    write(
        tmp_path,
        "retry.py",
        "from .errors import AFTER_SALE_PENDING\n\n"
        "def handle(exc):\n"
        "    return exc.code == AFTER_SALE_PENDING\n",
    )
    write(tmp_path, "errors.pyi", "AFTER_SALE_PENDING: int\n")  # a stub: nothing to scan
    write(tmp_path, "other.py", "def unrelated():\n    return 1\n")
    result = scan(ScanOptions((tmp_path,), Config()))
    found = sorted((f.path, f.line, f.rule) for f in result.findings)
    assert found == [("client.py", 2, "CA101"), ("errors.py", 1, "CA201"), ("retry.py", 4, "CA201")]
    calls = [(i.path, i.line) for i in result.inventory if i.role == "call"]
    assert calls == [("client.py", 2), ("worker.py", 4)]  # the wrapper's call site
    assert result.files_parsed == 4  # all but the stub and other.py


def test_weak_method_name_leans_on_project_context(tmp_path: Path) -> None:
    write(tmp_path, "transport.py", 'HEADER = "x-tts-access-token"\n')
    write(tmp_path, "worker.py", "def run(client, cid):\n    client.reject_cancellation(cid)\n")
    result = scan(ScanOptions((tmp_path,), Config()))
    assert [(f.rule, f.confidence) for f in result.findings] == [("CA101", "medium")]


def test_weak_method_name_without_any_context_is_hidden(tmp_path: Path) -> None:
    write(tmp_path, "leave.py", "def run(hr, rid):\n    hr.reject_cancellation(rid)\n")
    result = scan(ScanOptions((tmp_path,), Config()))
    assert result.findings == ()
    assert result.hidden_low_confidence == 1
    shown = scan(ScanOptions((tmp_path,), Config(min_confidence="low")))
    assert [(f.rule, f.confidence) for f in shown.findings] == [("CA101", "low")]


def test_api_version_constant_from_config_module_reaches_the_inventory(tmp_path: Path) -> None:
    write(tmp_path, "config.py", 'API_VERSION = "202507"\n')
    write(
        tmp_path,
        "client.py",
        "from .config import API_VERSION\n\n"
        "def detail(t, ids):\n"
        '    return t.get(f"/order/{API_VERSION}/orders", params={"ids": ids})\n',
    )
    result = scan(ScanOptions((tmp_path,), Config()))
    assert [(i.endpoint, i.version, i.role) for i in result.inventory] == [
        ("order_detail", "202507", "call")
    ]


def test_mixed_markets_keep_findings_but_change_the_fix(tmp_path: Path) -> None:
    write(
        tmp_path,
        "c.py",
        'def r(t, c):\n    t.post(f"/return_refund/202309/cancellations/{c}/reject")\n',
    )
    mixed = scan(ScanOptions((tmp_path,), Config(markets=Markets(("US", "UK")))))
    # A bare transport call has no client to ship through: outside a US-only setup
    # there is no fallback to keep, so a person decides.
    assert [(f.rule, f.fix) for f in mixed.findings] == [("CA101", "manual")]
    assert "UK" in mixed.findings[0].message
    uk_only = scan(ScanOptions((tmp_path,), Config(markets=Markets(("UK",)))))
    assert uk_only.findings == ()
    assert [i.endpoint for i in uk_only.inventory] == ["reject_cancellation"]


def test_fingerprint_survives_lines_inserted_above(tmp_path: Path) -> None:
    body = 'def r(t, c):\n    t.post(f"/return_refund/202309/cancellations/{c}/reject")\n'
    write(tmp_path, "c.py", body)
    before = scan(ScanOptions((tmp_path,), Config())).findings[0]
    write(tmp_path, "c.py", "import os\n" * 10 + "\n\ndef unrelated():\n    pass\n\n" + body)
    after = scan(ScanOptions((tmp_path,), Config())).findings[0]
    assert after.line == before.line + 15
    assert after.fingerprint == before.fingerprint


def test_changed_files_still_see_context_and_constants_of_unchanged_ones(tmp_path: Path) -> None:
    write(tmp_path, "transport.py", 'HEADER = "x-tts-access-token"\n')
    write(tmp_path, "errors.py", "AFTER_SALE_PENDING = 21011007\n")
    write(
        tmp_path,
        "worker.py",
        "from .errors import AFTER_SALE_PENDING\n\n"
        "def run(client, cid, exc):\n"
        "    client.reject_cancellation(cid)\n"
        "    return exc.code == AFTER_SALE_PENDING\n",
    )
    changed = frozenset({(tmp_path / "worker.py").resolve()})
    result = scan(ScanOptions((tmp_path,), Config(), changed_files=changed))
    assert [(f.path.rsplit("/", 1)[-1], f.rule) for f in result.findings] == [
        ("worker.py", "CA101"),
        ("worker.py", "CA201"),
    ]
    assert result.files_scanned == 1


def test_a_client_method_says_what_every_call_of_it_must_pass(tmp_path: Path) -> None:
    write(
        tmp_path,
        "client.py",
        "BASE = 'https://open-api.tiktokglobalshop.com'\n\n"
        "class Client:\n"
        "    def ship_package(self, order, *, shipping_provider, tracking_number, note=''):\n"
        "        return self.post(BASE + '/fulfillment/202309/packages/ship', order)\n\n"
        "    def get_order_detail(self, ids, version='202309'):\n"
        "        return self.get(BASE + f'/order/{version}/orders', ids)\n\n"
        "    @staticmethod\n"
        "    def search_cancellations(shop, body=None):\n"
        "        return shop.post(BASE + '/return_refund/202309/cancellations/search', body)\n",
    )
    facts = scan(ScanOptions((tmp_path,), Config())).facts
    required = {f.name: f.required for f in facts.functions}
    assert required == {
        "ship_package": ("order", "*shipping_provider", "*tracking_number"),
        "get_order_detail": ("ids",),
        "search_cancellations": ("shop",),  # a static method has no self to leave out
    }
