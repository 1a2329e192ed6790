"""Ship-to-reject ships the way the project's own shipping does."""

from __future__ import annotations

import textwrap

from audit.catalog import load_catalog
from codemods.ship_options import ship_options

CATALOG = load_catalog()


def options(*sources: str, constants: dict[str, str | int] | None = None) -> tuple[dict, dict]:
    found = ship_options((textwrap.dedent(s) for s in sources), CATALOG, constants or {})
    return found.keywords, found.body


def test_keywords_every_ship_call_passes_the_same_way() -> None:
    job = """
        HANDOVER = "DROP_OFF"

        class Job:
            def __init__(self, client, handover_method="PICKUP", slot=None):
                self.client = client
                self.handover_method = handover_method
                self.slot = slot

            def ship(self, pid):
                self.client.ship_package(pid, handover_method=self.handover_method, slot=self.slot)

        def ship_again(client, pid):
            client.ship_package(pid, handover_method="PICKUP")
    """
    keywords, body = options(job)
    # slot has no known value (None is not a literal the helper can pass on) and is
    # missing from the second call: only what every call says for sure is kept
    assert keywords == {"handover_method": '"PICKUP"'}
    assert body == {}


def test_calls_that_disagree_keep_the_client_default() -> None:
    first = "def a(c, p):\n    c.ship_package(p, handover_method='PICKUP')\n"
    second = "def b(c, p):\n    c.ship_package(p, handover_method='DROP_OFF')\n"
    assert options(first, second) == ({}, {})


def test_module_and_project_constants_resolve() -> None:
    job = """
        from .config import HANDOVER

        def ship(client, pid):
            client.ship_package(pid, handover_method=HANDOVER)
    """
    assert options(job, constants={"HANDOVER": "DROP_OFF"})[0] == {"handover_method": '"DROP_OFF"'}


def test_a_transport_body_is_what_ship_to_reject_via_sends() -> None:
    job = """
        def ship(transport, pid):
            transport.request(
                "POST",
                f"/fulfillment/202309/packages/{pid}/ship",
                body={"handover_method": "DROP_OFF", "pickup_slot": slot()},
            )
    """
    assert options(job) == ({}, {"handover_method": '"DROP_OFF"'})


def test_the_client_method_itself_is_not_a_call() -> None:
    client = """
        class Client:
            def ship_package(self, pid, handover_method="PICKUP"):
                return self.post(f"/fulfillment/202309/packages/{pid}/ship",
                                 json={"handover_method": handover_method})
    """
    assert options(client) == ({}, {})
