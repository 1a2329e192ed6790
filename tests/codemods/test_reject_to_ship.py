"""CA101 codemod: before/after sources for each supported call-site shape."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from audit.facts import FunctionFact, ProjectFacts
from audit.markets import Markets
from codemods.base import FixSettings
from codemods.ca101_reject_cancellation import RejectToShip
from codemods.helper_module import HelperImport
from codemods.ship_options import ShipOptions


def apply(source: str, **kwargs: object) -> tuple[str, RejectToShip]:
    settings = kwargs.pop("settings", None) or FixSettings()
    assert isinstance(settings, FixSettings)
    codemod = RejectToShip(
        CodemodContext(filename="m.py"),
        settings,
        helper_import=HelperImport("ship_to_reject", 1),
        **kwargs,
    )
    module = codemod.transform_module(cst.parse_module(textwrap.dedent(source)))
    return module.code, codemod


CASES = {
    "order at hand through a subscript": (
        """
        def run(client, cancel):
            client.reject_cancellation(cancel["cancel_id"], "seller_packed")
        """,
        """
        from .ship_to_reject import ship_to_reject

        def run(client, cancel):
            ship_to_reject(client, order_id=cancel["order_id"])
        """,
    ),
    "order at hand through a local name": (
        """
        def run(self, cancel):
            cancel_id, other = cancel["cancel_id"], 1
            self.client.rejectCancellation(cancel_id, reason="x", comment="y")
        """,
        """
        from .ship_to_reject import ship_to_reject

        def run(self, cancel):
            cancel_id, other = cancel["cancel_id"], 1
            ship_to_reject(self.client, order_id=cancel["order_id"])
        """,
    ),
    "only the cancel id: the helper looks the order up": (
        """
        def run(client, cancel_id):
            return client.reject_cancellation(cancel_id=cancel_id)
        """,
        """
        from .ship_to_reject import ship_to_reject

        def run(client, cancel_id):
            return ship_to_reject(client, cancel_id=cancel_id)
        """,
    ),
    "raw call through the project's transport": (
        """
        def force(transport, cid):
            return transport.request(
                "POST",
                f"https://open-api.tiktokglobalshop.com/return_refund/202309/cancellations/{cid}/reject",
                params={"shop_cipher": "C"},
                body={"reject_reason": "x"},
            )
        """,
        """
        from .ship_to_reject import ship_to_reject_via

        def force(transport, cid):
            return ship_to_reject_via(
                lambda _method, _path, _query, _body: transport.request(
                    _method,
                    "https://open-api.tiktokglobalshop.com" + _path,
                    params=_query,
                    body=_body,
                ),
                cancel_id=cid,
            )
        """,
    ),
    "requests session.post with json": (
        """
        def force(session, cid, version):
            session.post("/return_refund/" + version + "/cancellations/" + cid + "/reject", json={})
        """,
        """
        from .ship_to_reject import ship_to_reject_via

        def force(session, cid, version):
            ship_to_reject_via(
                lambda _method, _path, _query, _body: session.request(
                    _method, _path, params=_query, json=_body
                ),
                cancel_id=cid,
                api_version=version,
            )
        """,
    ),
    "raw call with the project's version constant": (
        """
        from .config import API_VERSION

        def force(transport, cid):
            return transport.request(
                "POST", f"/return_refund/{API_VERSION}/cancellations/{cid}/reject", params={}
            )
        """,
        """
        from .config import API_VERSION
        from .ship_to_reject import ship_to_reject_via

        def force(transport, cid):
            return ship_to_reject_via(
                lambda _method, _path, _query, _body: transport.request(
                    _method, _path, params=_query, body=_body
                ),
                cancel_id=cid,
                api_version=API_VERSION,
            )
        """,
    ),
    "route-table entry nothing looks up any more": (
        """
        ROUTES = {
            "approve": "/return_refund/{version}/cancellations/{cancel_id}/approve",
            "reject": "/return_refund/{version}/cancellations/{cancel_id}/reject",
        }
        """,
        """
        ROUTES = {
            "approve": "/return_refund/{version}/cancellations/{cancel_id}/approve",
        }
        """,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rewrites(name: str) -> None:
    before, after = CASES[name]
    code, codemod = apply(before)
    assert code == textwrap.dedent(after)
    assert codemod.manual == []
    again, second = apply(code)
    assert again == code  # a second run changes nothing
    assert second.changes == 0


LEFT_ALONE = {
    "approve is still supported": (
        "def run(client, cid):\n    client.approve_cancellation(cid)\n",
        0,
    ),
    "a bare function: no client to ship through": (
        "from sdk import reject_cancellation as rc\n\ndef run(c, cid):\n    rc(c, cid)\n",
        1,
    ),
    "a route key that is still looked up": (
        'R = {"reject": "/return_refund/{v}/cancellations/{c}/reject"}\nx = R["reject"]\n',
        1,
    ),
    "a wrapper method: only fix, which sees its callers, may remove it": (
        "class ShopClient:\n"
        "    def reject_cancellation(self, cancel_id, reason):\n"
        '        path = "/return_refund/202309/cancellations/" + cancel_id + "/reject"\n'
        '        return self.http.request("POST", path, params={}, body={"reason": reason})\n',
        1,
    ),
    "a transport call with no query argument to carry the order id": (
        "def run(t, cid):\n"
        "    t.request('POST', f'/return_refund/202309/cancellations/{cid}/reject', body={})\n",
        1,
    ),
    "a URL whose cancel id cannot be located": (
        "def run(t, url):\n    t.request('POST', url + '/cancellations/x/reject')\n",
        1,
    ),
}


@pytest.mark.parametrize("name", list(LEFT_ALONE))
def test_leaves_undecidable_sites_alone_with_a_note(name: str) -> None:
    source, notes = LEFT_ALONE[name]
    code, codemod = apply(source)
    assert code == textwrap.dedent(source)
    assert len(codemod.manual) == notes
    assert all(note.rule == "CA101" for note in codemod.manual)


def test_without_cancel_id_search_the_lookup_needs_a_person() -> None:
    source = "def run(client, cid):\n    client.reject_cancellation(cid)\n"
    client = [
        FunctionFact(name, endpoint, "client.py", 1, "Client", ("self", *params), False)
        for name, endpoint, params in (
            ("get_order_detail", "order_detail", ("ids",)),
            ("ship_package", "ship_package", ("package_id",)),
            ("search_cancellations", "search_cancellations", ("order_ids",)),
        )
    ]
    settings = FixSettings(facts=ProjectFacts(tuple(client)))
    code, codemod = apply(source, settings=settings)
    assert code == source
    assert "order_id=" in codemod.manual[0].message


def test_mixed_markets_keep_reject_cancellation_as_the_fallback() -> None:
    source = 'def run(client, c):\n    client.reject_cancellation(c["cancel_id"])\n'
    code, codemod = apply(source, settings=FixSettings(markets=Markets(("US", "UK"))))
    assert code == (
        "from .ship_to_reject import ship_to_reject\n\n"
        "def run(client, c):\n"
        "    ship_to_reject(\n"
        "        client,\n"
        '        order_id=c["order_id"],\n'
        "        # cancel-audit: ignore[CA101] still how UK rejects\n"
        '        reject=lambda: client.reject_cancellation(c["cancel_id"]),\n'
        "    )\n"
    )
    assert codemod.manual == []
    again, second = apply(code, settings=FixSettings(markets=Markets(("US", "UK"))))
    assert again == code and second.changes == 0


def test_mixed_markets_leave_transport_calls_to_a_person() -> None:
    url = "f'/return_refund/202309/cancellations/{cid}/reject'"
    source = f"def f(t, cid):\n    t.request('POST', {url})\n"
    code, codemod = apply(source, settings=FixSettings(markets=Markets(("US", "UK"))))
    assert code == source
    assert "keep Reject Cancellation for UK" in codemod.manual[0].message


def test_comments_and_formatting_outside_the_call_are_kept() -> None:
    source = (
        "# header comment\n"
        "def run(client, cancel):  # trailing\n"
        "    x = 1   # odd   spacing kept\n"
        '    client.reject_cancellation(cancel["cancel_id"])  # why we reject\n'
    )
    code, _ = apply(source)
    assert "# header comment\n" in code
    assert "x = 1   # odd   spacing kept\n" in code
    assert 'ship_to_reject(client, order_id=cancel["order_id"])  # why we reject\n' in code


def test_runs_under_libcst_tool(tmp_path: Path) -> None:
    (tmp_path / ".libcst.codemod.yaml").write_text("modules:\n- codemods\nrepo_root: .\n")
    target = tmp_path / "worker.py"
    target.write_text(
        'def run(client, cancel):\n    client.reject_cancellation(cancel["cancel_id"])\n'
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "libcst.tool", "codemod", "--no-format"]
    command += ["ca101_reject_cancellation.RejectToShip", str(target)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Failed to codemod 0 files" in done.stderr
    assert target.read_text() == (
        "from ship_to_reject import ship_to_reject\n\n"
        "def run(client, cancel):\n"
        '    ship_to_reject(client, order_id=cancel["order_id"])\n'
    )


def test_mixed_markets_fallback_wraps_a_long_call_like_a_formatter() -> None:
    source = (
        "def run(self, cancel):\n"
        '    self.client.reject_cancellation(cancel["cancel_id"], REJECT_REASON_PACKED_LONG)\n'
    )
    code, _ = apply(source, settings=FixSettings(markets=Markets(("US", "UK"))))
    assert code.endswith(
        "    ship_to_reject(\n"
        "        self.client,\n"
        '        order_id=cancel["order_id"],\n'
        "        # cancel-audit: ignore[CA101] still how UK rejects\n"
        "        reject=lambda: self.client.reject_cancellation(\n"
        '            cancel["cancel_id"], REJECT_REASON_PACKED_LONG\n'
        "        ),\n"
        "    )\n"
    )
    assert max(len(line) for line in code.splitlines()) <= 100
    again, second = apply(code, settings=FixSettings(markets=Markets(("US", "UK"))))
    assert again == code and second.changes == 0


def _client(ship_required: tuple[str, ...]) -> ProjectFacts:
    """A client with Get Order Detail and a Ship Package that requires ``ship_required``
    (besides the package, order or whatever it takes first)."""
    return ProjectFacts(
        (
            FunctionFact(
                "get_order_detail", "order_detail", "c.py", 1, "Client", ("self", "ids"), False,
                ("ids",),
            ),
            FunctionFact(
                "ship_package", "ship_package", "c.py", 5, "Client",
                ("self", "order", *(name.lstrip("*") for name in ship_required)), False,
                ("order", *ship_required),
            ),
        )
    )  # fmt: skip


SHIP_CALL = 'def run(client, c):\n    client.reject_cancellation(c["cancel_id"])\n'


def test_a_ship_method_needing_more_than_the_package_is_left_to_a_person() -> None:
    # seen in real code: ship_package(order, *, shipping_provider, tracking_number); the
    # helper's ship_package(package_id) would raise TypeError at run time
    settings = FixSettings(facts=_client(("*shipping_provider", "*tracking_number")))
    code, codemod = apply(SHIP_CALL, settings=settings)
    assert code == SHIP_CALL
    [note] = codemod.manual
    assert "ship_package() also needs shipping_provider and tracking_number" in note.message


def test_a_required_ship_option_the_project_always_passes_is_passed_too() -> None:
    settings = FixSettings(
        facts=_client(("*handover_method",)),
        ship_options=ShipOptions(keywords={"handover_method": '"DROP_OFF"'}),
    )
    code, codemod = apply(SHIP_CALL, settings=settings)
    assert code.endswith(
        '    ship_to_reject(\n        client,\n        order_id=c["order_id"],\n'
        '        handover_method="DROP_OFF",\n    )\n'
    )
    assert codemod.manual == []


def test_unbound_parameters() -> None:
    fact = FunctionFact("f", "ship_package", "c.py", 1, None, (), False, ("a", "b", "*k"))
    assert fact.unbound(1) == ("b", "k")
    assert fact.unbound(2, {"k"}) == ()
    assert fact.unbound(1, {"b", "k"}) == ()
    assert FunctionFact("f", "ship_package", "c.py", 1, None, (), False).unbound(1) == ()


def test_a_search_that_needs_more_than_the_cancel_ids_is_left_to_a_person() -> None:
    # no order at hand: the helper looks the order up with search_cancellations(cancel_ids=)
    source = "def run(client, cid):\n    client.reject_cancellation(cid)\n"
    facts = _client(())
    search = FunctionFact(
        "search_cancellations", "search_cancellations", "c.py", 9, "Client",
        ("self", "cancel_ids", "shop_cipher"), False, ("cancel_ids", "shop_cipher"),
    )  # fmt: skip
    settings = FixSettings(facts=ProjectFacts((*facts.functions, search)))
    code, codemod = apply(source, settings=settings)
    assert code == source
    [note] = codemod.manual
    assert "search_cancellations() also needs shop_cipher" in note.message
    # the same client with the shop cipher optional: rewritten through the search
    optional = dataclasses.replace(search, required=("cancel_ids",))
    settings = FixSettings(facts=ProjectFacts((*facts.functions, optional)))
    code, codemod = apply(source, settings=settings)
    assert "ship_to_reject(client, cancel_id=cid)" in code and codemod.manual == []
