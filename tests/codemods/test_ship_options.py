"""Ship-to-reject ships the way the project's own shipping does."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from audit.catalog import load_catalog
from cancel_audit_cli.cli import cli
from codemods.ship_options import ship_options

CATALOG = load_catalog()


def options(*sources: str, constants: dict[str, str | int] | None = None) -> tuple[dict, dict]:
    found = ship_options(((None, textwrap.dedent(s)) for s in sources), CATALOG, constants or {})
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


def test_a_name_imported_from_a_project_module_is_its_literal(tmp_path: Path) -> None:
    package = tmp_path / "oms"
    (package / "jobs").mkdir(parents=True)
    for init in (package / "__init__.py", package / "jobs" / "__init__.py"):
        init.write_text("", encoding="utf-8")
    (package / "config.py").write_text(
        '#: every package goes by carrier pickup\nHANDOVER_METHOD = "PICKUP"\nSLOT = 3\n',
        encoding="utf-8",
    )
    shipping = package / "jobs" / "shipping.py"
    shipping.write_text(
        textwrap.dedent(
            """\
            from ..config import HANDOVER_METHOD as HANDOVER
            from oms.config import SLOT

            def ship(client, pid):
                client.ship_package(pid, handover_method=HANDOVER, slot=SLOT)
            """
        ),
        encoding="utf-8",
    )
    found = ship_options([(shipping, shipping.read_text(encoding="utf-8"))], CATALOG, {})
    assert found.keywords == {"handover_method": '"PICKUP"', "slot": "3"}


def test_a_name_bound_twice_or_not_found_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text('MODE = pick()\nMODE = "DROP_OFF"\n', encoding="utf-8")
    job = tmp_path / "job.py"
    job.write_text(
        "from .config import MODE\nfrom .missing import SLOT\n\n"
        "def ship(client, pid):\n    client.ship_package(pid, handover_method=MODE, slot=SLOT)\n",
        encoding="utf-8",
    )
    found = ship_options([(job, job.read_text(encoding="utf-8"))], CATALOG, {})
    assert found.keywords == {}


def test_tests_do_not_say_how_the_project_ships(tmp_path: Path) -> None:
    """A test calling ship_package("P1") with the defaults does not outvote the job."""
    package = tmp_path / "bridge"
    (package / "tests").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "worker.py").write_text(
        "def run(client, cancel):\n"
        '    client.reject_cancellation(cancel["cancel_id"], reason="packed")\n',
        encoding="utf-8",
    )
    (package / "client.py").write_text(
        "class ShopClient:\n"
        "    def get_order_detail(self, ids):\n"
        '        return self.t.request("GET", "/order/202309/orders", params={"ids": ids})\n\n'
        '    def ship_package(self, package_id, handover_method="PICKUP"):\n'
        '        path = f"/fulfillment/202309/packages/{package_id}/ship"\n'
        '        return self.t.request("POST", path, json={"handover_method": handover_method})\n',
        encoding="utf-8",
    )
    (package / "shipping.py").write_text(
        "def ship_all(client, ids):\n    for pid in ids:\n"
        '        client.ship_package(pid, handover_method="DROP_OFF")\n',
        encoding="utf-8",
    )
    (package / "tests" / "test_client.py").write_text(
        'def test_ship(client):\n    client.ship_package("P1")\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["fix", str(package)])
    assert result.exit_code == 1, result.output
    assert 'handover_method="DROP_OFF"' in result.output
