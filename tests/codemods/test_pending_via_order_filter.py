"""CA301 codemod: Search Cancellations for pending requests -> Get Order List's flag.

Before/after source strings per supported shape, negative shapes left alone with their
manual note, idempotency, comments, and the codemod run through libcst's own machinery.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, TransformSuccess, transform_module

from codemods.base import FixSettings
from codemods.ca301_search_cancellations import PendingViaOrderFilter

ROOT = Path(__file__).resolve().parents[2]
BRIDGE = ROOT / "examples" / "legacy_oms" / "tiktok_bridge"

CLIENT = """
class ShopClient:
    def get_order_list(self, **filters): ...
    def getOrderList(self, body): ...
    def search_cancellations(self, **filters): ...
"""
SETTINGS = FixSettings(project_text=CLIENT)


def apply(
    source: str, settings: FixSettings | None = None, dedent: bool = True
) -> tuple[str, PendingViaOrderFilter]:
    codemod = PendingViaOrderFilter(CodemodContext(filename="m.py"), settings or SETTINGS)
    text = textwrap.dedent(source) if dedent else source
    return codemod.transform_module(cst.parse_module(text)).code, codemod


CASES = {
    "iterated directly; order_id and create_time renamed": (
        """
        def pending(client):
            for cancel in client.search_cancellations(cancel_status=["REQUEST_PENDING"]):
                notify(cancel["order_id"], cancel.get("create_time"))
        """,
        """
        def pending(client):
            for cancel in client.get_order_list(is_buyer_request_cancel=True):
                notify(cancel["id"], cancel.get("request_cancel_time"))
        """,
    ),
    "assigned, tested for emptiness, counted, then iterated": (
        """
        PENDING = "CANCELLATION_REQUEST_PENDING"


        def run(self):
            pending = self.client.search_cancellations(cancel_status=[PENDING], page_size=50)
            if not pending:
                return 0
            log.info("%d pending", len(pending))
            for cancel in pending:
                self.queue.put(cancel['order_id'])
            return len(pending)
        """,
        """
        PENDING = "CANCELLATION_REQUEST_PENDING"


        def run(self):
            pending = self.client.get_order_list(is_buyer_request_cancel=True, page_size=50)
            if not pending:
                return 0
            log.info("%d pending", len(pending))
            for cancel in pending:
                self.queue.put(cancel['id'])
            return len(pending)
        """,
    ),
    "camelCase SDK with a body dict; order filters kept, buyer-only type dropped": (
        """
        def run(sdk):
            for c in sdk.searchCancellations({"cancel_status": "PENDING", "page_size": 20}):
                show(c["order_id"])
        """,
        """
        def run(sdk):
            for c in sdk.getOrderList({"is_buyer_request_cancel": True, "page_size": 20}):
                show(c["id"])
        """,
    ),
    "a multi-line call keeps its layout and comments; cancel_types=BUYER_CANCEL goes": (
        """
        def run(client):
            for cancel in client.search_cancellations(
                cancel_status=[STATUS_PENDING],  # from settings
                order_status="AWAITING_SHIPMENT",
                cancel_types=["BUYER_CANCEL"],
            ):
                # newest first
                hold(cancel["order_id"])  # keep the parcel
        """,
        """
        def run(client):
            for cancel in client.get_order_list(
                is_buyer_request_cancel=True,  # from settings
                order_status="AWAITING_SHIPMENT",
            ):
                # newest first
                hold(cancel["id"])  # keep the parcel
        """,
    ),
}


@pytest.mark.parametrize("before, after", CASES.values(), ids=list(CASES))
def test_rewrites(before: str, after: str) -> None:
    code, codemod = apply(before)
    assert code == textwrap.dedent(after)
    assert codemod.changes == 1
    assert codemod.manual == []
    again, second = apply(code, dedent=False)
    assert again == code
    assert second.changes == 0 and second.manual == []


def test_order_list_spelling_follows_the_project() -> None:
    source = """
    def run(client):
        for cancel in client.search_cancellations(cancel_status=["REQUEST_PENDING"]):
            hold(cancel["order_id"])
    """
    only_camel = FixSettings(project_text="def getOrderList(self, **kw): ...")
    code, _ = apply(source, only_camel)
    assert "client.getOrderList(is_buyer_request_cancel=True)" in code
    code, _ = apply(source.replace("search_cancellations", "searchCancellations"))
    assert "client.getOrderList(is_buyer_request_cancel=True)" in code
    defined_here = "def get_order_list(**kw): ...\n" + textwrap.dedent(source)
    code, _ = apply(defined_here, FixSettings(), dedent=False)
    assert "client.get_order_list(is_buyer_request_cancel=True)" in code


NEGATIVES = {
    "another status than pending": (
        """
        def run(client):
            for cancel in client.search_cancellations(cancel_status=["REQUEST_SUCCESS"]):
                hold(cancel["order_id"])
        """,
        ["it searches for REQUEST_SUCCESS requests, not pending ones"],
    ),
    "no status filter": (
        """
        def run(client):
            for cancel in client.search_cancellations(page_size=10):
                hold(cancel["order_id"])
        """,
        ["without `cancel_status=` it finds cancel requests in every status"],
    ),
    "a filter orders do not have": (
        """
        def run(client, since):
            for cancel in client.search_cancellations(
                cancel_status=["CANCELLATION_REQUEST_PENDING"], create_time_ge=since
            ):
                hold(cancel["order_id"])
        """,
        ["`create_time_ge` has no Get Order List equivalent"],
    ),
    "filters passed by position": (
        """
        def run(client, ids):
            for cancel in client.search_cancellations(ids, ["CANCELLATION_REQUEST_PENDING"]):
                hold(cancel["order_id"])
        """,
        ["it passes filters by position"],
    ),
    "the result is not iterated": (
        """
        def run(client):
            return client.search_cancellations(cancel_status=["CANCELLATION_REQUEST_PENDING"])
        """,
        ["its result is not iterated by a `for` loop"],
    ),
    "the result leaves the function too": (
        """
        def run(client):
            pending = client.search_cancellations(cancel_status=["CANCELLATION_REQUEST_PENDING"])
            for cancel in pending:
                hold(cancel["order_id"])
            return pending
        """,
        ["`pending` is also used in `return pending`"],
    ),
    "the loop passes the whole cancellation on": (
        """
        def run(client):
            for cancel in client.search_cancellations(cancel_status=["REQUEST_PENDING"]):
                hold(cancel)
        """,
        ["the loop uses the whole cancellation (`hold(cancel)`)"],
    ),
    "the loop writes a key": (
        """
        def run(client):
            for cancel in client.search_cancellations(cancel_status=["REQUEST_PENDING"]):
                cancel["order_id"] = None
        """,
        ["the loop uses the whole cancellation"],
    ),
    "a comprehension reads the result": (
        """
        def run(client):
            pending = client.search_cancellations(cancel_status=["CANCELLATION_REQUEST_PENDING"])
            return {c["order_id"] for c in pending}
        """,
        ['a comprehension reads the cancellations (`{c["order_id"] for c in pending}`)'],
    ),
    "the result is kept on an attribute": (
        """
        def run(self):
            self.pending = self.client.search_cancellations(cancel_status=["REQUEST_PENDING"])
        """,
        ["its result is stored in `self.pending`, not iterated by a `for` loop"],
    ),
    "called as a plain function": (
        """
        from sdk import search_cancellations


        def run(client):
            for cancel in search_cancellations(client, cancel_status=["REQUEST_PENDING"]):
                hold(cancel["order_id"])
        """,
        [
            "Search Cancellations called as a function (search_cancellations())",
            "call the client's `get_order_list(is_buyer_request_cancel=True)` instead",
        ],
    ),
    "a raw URL": (
        """
        def run(transport):
            return transport.request("POST", "/return_refund/202309/cancellations/search", body={})
        """,
        [
            "Search Cancellations called by path (/return_refund/202309/cancellations/search)",
            'POST /order/202309/orders/search with body {"is_buyer_request_cancel": true}',
        ],
    ),
}


# Not CA301 at all, so neither rewritten nor noted: the scanner decides what a site is.
NOT_FINDINGS = {
    "the function approves: it needs the cancel ids": """
        def run(client):
            for cancel in client.search_cancellations(cancel_status=["REQUEST_PENDING"]):
                client.approve_cancellation(cancel["cancel_id"])
        """,
    "order_ids: a lookup of given orders": """
        def run(client, order_id):
            for cancel in client.search_cancellations(
                order_ids=[order_id], cancel_status=["CANCELLATION_REQUEST_PENDING"]
            ):
                hold(cancel["order_id"])
        """,
    "cancel_ids: a lookup of given requests": """
        def run(client, ids):
            for cancel in client.search_cancellations(cancel_ids=ids, cancel_status=["X_PENDING"]):
                hold(cancel["order_id"])
        """,
}


@pytest.mark.parametrize("source", NOT_FINDINGS.values(), ids=list(NOT_FINDINGS))
def test_searches_the_scanner_does_not_report_are_left_alone(source: str) -> None:
    code, codemod = apply(source)
    assert code == textwrap.dedent(source)
    assert codemod.changes == 0
    assert codemod.manual == []


@pytest.mark.parametrize("source, expected", NEGATIVES.values(), ids=list(NEGATIVES))
def test_undecidable_shapes_are_left_with_a_note(source: str, expected: list[str]) -> None:
    code, codemod = apply(source)
    assert code == textwrap.dedent(source)
    assert codemod.changes == 0
    [note] = codemod.manual
    assert note.rule == "CA301"
    for text in expected:
        assert text in note.message


def test_no_order_list_method_in_the_project() -> None:
    source = """
    def run(client):
        for cancel in client.search_cancellations(cancel_status=["REQUEST_PENDING"]):
            hold(cancel["order_id"])
    """
    code, codemod = apply(source, FixSettings())
    assert code == textwrap.dedent(source)
    [note] = codemod.manual
    assert (note.line, note.column) == (3, 19)
    assert "no Get Order List method (getOrderList, get_order_list, GetOrderList" in note.message
    assert "call `client.get_order_list(is_buyer_request_cancel=True)`" in note.message


def test_runs_through_libcst_transform_module() -> None:
    before, after = CASES["iterated directly; order_id and create_time renamed"]
    codemod = PendingViaOrderFilter(CodemodContext(), SETTINGS)
    result = transform_module(codemod, textwrap.dedent(before))
    assert isinstance(result, TransformSuccess)
    assert result.code == textwrap.dedent(after)


def test_runs_under_libcst_tool(tmp_path: Path) -> None:
    (tmp_path / ".libcst.codemod.yaml").write_text("modules:\n- codemods\nrepo_root: .\n")
    target = tmp_path / "job.py"
    target.write_text(
        "def get_order_list(**filters): ...\n\n\n"
        "def run(client):\n"
        '    for cancel in client.search_cancellations(cancel_status=["X_PENDING"]):\n'
        '        hold(cancel["order_id"])\n'
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "libcst.tool", "codemod", "--no-format"]
    command += ["ca301_search_cancellations.PendingViaOrderFilter", str(target)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Failed to codemod 0 files" in done.stderr
    assert target.read_text().endswith(
        "    for cancel in client.get_order_list(is_buyer_request_cancel=True):\n"
        '        hold(cancel["id"])\n'
    )


# -- the example integrator ------------------------------------------------------------------


def fix_example(name: str) -> tuple[str, str, PendingViaOrderFilter]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in BRIDGE.glob("*.py")}
    others = "\n".join(text for other, text in texts.items() if other != name)
    codemod = PendingViaOrderFilter(CodemodContext(filename=name), FixSettings(project_text=others))
    before = texts[name]
    return before, codemod.transform_module(cst.parse_module(before)).code, codemod


def test_example_digest_moves_to_the_order_filter() -> None:
    before, after, codemod = fix_example("cancel_worker.py")
    assert codemod.manual == []  # run() approves requests: it keeps Search Cancellations
    assert "for cancel in client.get_order_list(is_buyer_request_cancel=True):" in after
    assert 'int(cancel["request_cancel_time"])' in after
    assert "{cancel['id']}" in after
    assert after.count("search_cancellations(") == before.count("search_cancellations(") - 1


@pytest.mark.parametrize("name", ["shipping_job.py", "client.py", "routes.py"])
def test_example_lookups_wrappers_and_route_tables_are_not_findings(name: str) -> None:
    before, after, codemod = fix_example(name)
    assert after == before
    assert codemod.manual == []
