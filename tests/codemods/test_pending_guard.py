"""CA201 on branches that decide: scan's fix safety and what fix makes of each shape.

A 21011007 branch that held or skipped a package is moved before the ship call behind
the order's ``is_buyer_request_cancel`` (unsafe); one that only rejected the request and
shipped again is removed (safe); the rest are left to a person, and scan says so.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cancel_audit_cli.cli import cli

CLIENT = """\
BASE = "https://open-api.tiktokglobalshop.com"


class ApiError(Exception):
    def __init__(self, code):
        self.code = code


class ShopClient:
    def get_order_detail(self, ids):
        return self.http.get(BASE + "/order/202309/orders", params={"ids": ids})

    def ship_package(self, package_id):
        return self.http.post(BASE + f"/fulfillment/202309/packages/{package_id}/ship")

    def batch_ship_packages(self, package_ids):
        return self.http.post(BASE + "/fulfillment/202309/packages/ship", json=package_ids)

    def reject_cancellation(self, cancel_id):
        return self.http.post(BASE + f"/return_refund/202309/cancellations/{cancel_id}/reject")

    def search_cancellations(self, order_ids=None):
        return self.http.post(BASE + "/return_refund/202309/cancellations/search")
"""

HEADER = """\
from .client import ApiError

AFTER_SALE = 21011007

"""


def project(tmp_path: Path, jobs: str) -> Path:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "client.py").write_text(CLIENT)
    (package / "jobs.py").write_text(HEADER + textwrap.dedent(jobs))
    return package / "jobs.py"


def scan_fixes(root: Path) -> tuple[str, list[str]]:
    """The fix scan gives the 21011007 constant, and each 21011007 branch."""
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--fail-on", "never"])
    findings = json.loads(result.output)["findings"]
    ours = [f for f in findings if f["rule"] == "CA201" and f["path"] == "shop/jobs.py"]
    constant = [f["fix"] for f in ours if f["line"] == 3]
    return constant[0], [f["fix"] for f in ours if f["line"] > 3]


def fix(root: Path) -> str:
    result = CliRunner().invoke(cli, ["fix", str(root), "--write", "--unsafe-fixes"])
    return result.output


HOLD = """\
class Job:
    def ship(self, order, package_id, report):
        try:
            self.client.ship_package(package_id)
        except ApiError as exc:
            if exc.code == AFTER_SALE:
                # a person decides
                report.held.append(order["id"])
            else:
                report.failed.append(package_id)
            return
        report.shipped.append(package_id)
"""

HOLD_FIXED = """\
class Job:
    def ship(self, order, package_id, report):
        # v202309: shipping no longer fails while a cancel request is pending; decide first.
        if order.get("is_buyer_request_cancel"):
            # a person decides
            report.held.append(order["id"])
            return
        try:
            self.client.ship_package(package_id)
        except ApiError as exc:
            report.failed.append(package_id)
            return
        report.shipped.append(package_id)
"""

SKIP_OR_REJECT = """\
class Job:
    def ship(self, order, package_id, report):
        try:
            self.client.ship_package(package_id)
        except ApiError as exc:
            if exc.code != AFTER_SALE:
                raise
            if not self.packed(order["id"]):
                report.skipped.append(package_id)
                return
            self._reject_pending(order["id"])
            self.client.ship_package(package_id)
        report.shipped.append(package_id)

    def _reject_pending(self, order_id):
        for cancel in self.client.search_cancellations(order_ids=[order_id]):
            self.client.reject_cancellation(cancel["cancel_id"])
"""

SKIP_OR_REJECT_FIXED = """\
class Job:
    def ship(self, order, package_id, report):
        # v202309: shipping no longer fails while a cancel request is pending; decide first.
        if order.get("is_buyer_request_cancel"):
            if not self.packed(order["id"]):
                report.skipped.append(package_id)
                return
        self.client.ship_package(package_id)
        report.shipped.append(package_id)
"""

HOLD_THEN_RAISE = """\
class Job:
    def ship(self, order, package_id, report):
        try:
            self.client.ship_package(package_id)
        except ApiError as exc:
            if exc.code == AFTER_SALE:
                report.held.append(order["id"])
                return
            raise
"""

HOLD_THEN_RAISE_FIXED = """\
class Job:
    def ship(self, order, package_id, report):
        # v202309: shipping no longer fails while a cancel request is pending; decide first.
        if order.get("is_buyer_request_cancel"):
            report.held.append(order["id"])
            return
        self.client.ship_package(package_id)
"""

RETRY_ONLY = """\
class Job:
    def ship(self, order, package_id):
        try:
            self.client.ship_package(package_id)
        except ApiError as exc:
            if exc.code != AFTER_SALE:
                raise
            self._reject_pending(order["id"])
            self.client.ship_package(package_id)

    def _reject_pending(self, order_id):
        for cancel in self.client.search_cancellations(order_ids=[order_id]):
            self.client.reject_cancellation(cancel["cancel_id"])
"""

RETRY_ONLY_FIXED = """\
class Job:
    def ship(self, order, package_id):
        self.client.ship_package(package_id)
"""


@pytest.mark.parametrize(
    ("before", "after", "safety"),
    [
        (HOLD, HOLD_FIXED, "unsafe"),
        (SKIP_OR_REJECT, SKIP_OR_REJECT_FIXED, "unsafe"),
        (HOLD_THEN_RAISE, HOLD_THEN_RAISE_FIXED, "unsafe"),
        (RETRY_ONLY, RETRY_ONLY_FIXED, "safe"),
    ],
    ids=[
        "hold",
        "skip-unpacked-else-reject-and-retry",
        "hold-and-return-else-reraise",
        "reject-and-retry",
    ],
)
def test_the_decision_moves_before_the_ship_call(
    tmp_path: Path, before: str, after: str, safety: str
) -> None:
    jobs = project(tmp_path, before)
    assert scan_fixes(tmp_path) == ("safe", [safety])
    output = fix(tmp_path)
    assert "need a manual change" in output and "CA201 manual" not in output, output
    text = jobs.read_text()
    assert "AFTER_SALE" not in text  # the constant went with its last use
    assert text.endswith(after), text
    assert "def _reject_pending" not in text  # a private helper left unused goes too
    assert "Would fix 0 finding(s)" in CliRunner().invoke(cli, ["fix", str(tmp_path)]).output


BATCH = """\
class Job:
    def ship_all(self, orders, report):
        order_of = {}
        for order in orders:
            for package in order["packages"]:
                order_of[package["id"]] = order["id"]
        queue = list(order_of)
        for start in range(0, len(queue), 20):
            batch = queue[start : start + 20]
            data = self.client.batch_ship_packages(batch)
            failed = set()
            for err in data["errors"]:
                package_id = err["detail"]["package_id"]
                failed.add(package_id)
                if err["code"] == AFTER_SALE:
                    # the cancel job decides these
                    report.held.append((order_of[package_id], package_id))
                    continue
                report.failed.append(package_id)
            report.shipped.extend(p for p in batch if p not in failed)
"""

BATCH_FIXED = """\
class Job:
    def ship_all(self, orders, report):
        order_of = {}
        for order in orders:
            for package in order["packages"]:
                order_of[package["id"]] = order["id"]
        queue = list(order_of)
        for start in range(0, len(queue), 20):
            batch = queue[start : start + 20]
            # v202309: a batch now ships packages with a pending cancel request; decide first.
            pending_orders = orders_with_cancel_request(
                self.client, [order_of.get(p) for p in batch]
            )
            for package_id in [p for p in batch if order_of.get(p) in pending_orders]:
                # the cancel job decides these
                report.held.append((order_of[package_id], package_id))
            batch = [p for p in batch if order_of.get(p) not in pending_orders]
            if not batch:
                continue
            data = self.client.batch_ship_packages(batch)
            failed = set()
            for err in data["errors"]:
                package_id = err["detail"]["package_id"]
                failed.add(package_id)
                report.failed.append(package_id)
            report.shipped.extend(p for p in batch if p not in failed)
"""


def test_a_batch_decision_moves_before_the_batch(tmp_path: Path) -> None:
    jobs = project(tmp_path, BATCH)
    assert scan_fixes(tmp_path) == ("safe", ["unsafe"])
    output = fix(tmp_path)
    assert "CA201 manual" not in output, output
    text = jobs.read_text()
    assert "AFTER_SALE" not in text
    assert text.endswith(BATCH_FIXED), text
    assert "from .ship_to_reject import orders_with_cancel_request\n" in text
    helper = (tmp_path / "shop" / "ship_to_reject.py").read_text()
    assert "def orders_with_cancel_request(client" in helper
    assert 'orders = _items(client.get_order_detail(chunk), "orders")' in helper
    assert "Would fix 0 finding(s)" in CliRunner().invoke(cli, ["fix", str(tmp_path)]).output


def test_the_batch_guard_runs_the_decision_for_pending_orders_only(tmp_path: Path) -> None:
    """The rewritten job, run against a fake client as the API now behaves in the US."""
    jobs = project(tmp_path, BATCH)
    fix(tmp_path)
    namespace: dict[str, object] = {}
    helper = (tmp_path / "shop" / "ship_to_reject.py").read_text()
    exec(compile(helper, "ship_to_reject.py", "exec"), namespace)
    code = jobs.read_text().replace("from .ship_to_reject import orders_with_cancel_request", "")
    code = code.replace("from .client import ApiError", "ApiError = Exception")
    namespace_job: dict[str, object] = {
        "orders_with_cancel_request": namespace["orders_with_cancel_request"]
    }
    exec(compile(code, "jobs.py", "exec"), namespace_job)

    class Client:
        def __init__(self) -> None:
            self.shipped: list[str] = []
            self.detail_calls: list[list[str]] = []

        def get_order_detail(self, ids: list[str]) -> dict[str, object]:
            self.detail_calls.append(ids)
            orders = [{"id": i, "is_buyer_request_cancel": i == "O2"} for i in ids]
            return {"code": 0, "data": {"orders": orders}}

        def batch_ship_packages(self, ids: list[str]) -> dict[str, object]:
            self.shipped.extend(ids)  # v202309 in the US: no 21011007 any more
            return {"errors": []}

    class Report:
        def __init__(self) -> None:
            self.held: list[tuple[str, str]] = []
            self.failed: list[str] = []
            self.shipped: list[str] = []

    job = namespace_job["Job"]()  # type: ignore[operator]
    job.client = Client()
    report = Report()
    orders = [
        {"id": "O1", "packages": [{"id": "P1"}]},
        {"id": "O2", "packages": [{"id": "P2"}, {"id": "P3"}]},
    ]
    job.ship_all(orders, report)
    assert report.held == [("O2", "P2"), ("O2", "P3")]
    assert job.client.shipped == ["P1"] and report.shipped == ["P1"]
    assert job.client.detail_calls == [["O1", "O2"]]
    only_pending = Report()
    job.client = Client()
    job.ship_all([orders[1]], only_pending)
    assert job.client.shipped == [] and only_pending.shipped == []  # no empty batch sent


LEFT_TO_A_PERSON = {
    "batch errors decided per package, no package to order mapping": """\
        class Job:
            def ship(self, order, package_ids, report):
                for chunk in [package_ids]:
                    data = self.client.batch_ship_packages(chunk)
                    for err in data["errors"]:
                        package_id = err["package_id"]
                        if err["code"] == AFTER_SALE:
                            report.held.append(package_id)
        """,
    "batch decision reads the error": """\
        class Job:
            def ship(self, orders, report):
                order_of = {p: o["id"] for o in orders for p in o["packages"]}
                for order in orders:
                    order_of[order["packages"][0]] = order["id"]
                for batch in [list(order_of)]:
                    data = self.client.batch_ship_packages(batch)
                    for err in data["errors"]:
                        package_id = err["package_id"]
                        if err["code"] == AFTER_SALE:
                            report.held.append((package_id, err["message"]))
        """,
    "batch decision returns": """\
        class Job:
            def ship(self, orders, report):
                order_of = {}
                for order in orders:
                    order_of[order["packages"][0]] = order["id"]
                for batch in [list(order_of)]:
                    data = self.client.batch_ship_packages(batch)
                    for err in data["errors"]:
                        package_id = err["package_id"]
                        if err["code"] == AFTER_SALE:
                            report.held.append(package_id)
                            return
        """,
    "batch decision reads what the result set": """\
        class Job:
            def ship(self, orders, report):
                order_of = {}
                for order in orders:
                    order_of[order["packages"][0]] = order["id"]
                for batch in [list(order_of)]:
                    data = self.client.batch_ship_packages(batch)
                    when = data["time"]
                    for err in data["errors"]:
                        package_id = err["package_id"]
                        if err["code"] == AFTER_SALE:
                            report.held.append((package_id, when))
        """,
    "batch in a while loop": """\
        class Job:
            def ship(self, orders, report):
                order_of = {}
                for order in orders:
                    order_of[order["packages"][0]] = order["id"]
                queue = list(order_of)
                while queue:
                    batch, queue = queue[:20], queue[20:]
                    data = self.client.batch_ship_packages(batch)
                    for err in data["errors"]:
                        package_id = err["package_id"]
                        if err["code"] == AFTER_SALE:
                            report.held.append(package_id)
        """,
    "the decision reads the error": """\
        class Job:
            def ship(self, order, package_id, report):
                try:
                    self.client.ship_package(package_id)
                except ApiError as exc:
                    if exc.code == AFTER_SALE:
                        report.held[order["id"]] = str(exc)
                        return
                    raise
        """,
    "no order record at hand": """\
        class Job:
            def ship(self, package_id, report):
                try:
                    self.client.ship_package(package_id)
                except ApiError as exc:
                    if exc.code == AFTER_SALE:
                        report.held.append(package_id)
                        return
                    raise
        """,
    "what follows the try would run for it too": """\
        class Job:
            def ship(self, order, package_id, report):
                try:
                    self.client.ship_package(package_id)
                except ApiError as exc:
                    if exc.code == AFTER_SALE:
                        report.held.append(order["id"])
                report.done.append(package_id)
        """,
}


@pytest.mark.parametrize("name", list(LEFT_TO_A_PERSON))
def test_a_decision_that_cannot_move_exactly_is_left_to_a_person(tmp_path: Path, name: str) -> None:
    jobs = project(tmp_path, LEFT_TO_A_PERSON[name])
    before = jobs.read_text()
    assert scan_fixes(tmp_path) == ("manual", ["manual"])  # the constant stays for it
    output = fix(tmp_path)
    assert jobs.read_text() == before
    assert "decide there as this branch did" in output
    assert "`AFTER_SALE` stays while 21011007 handling left to a person still reads it" in output


def test_on_its_own_the_cleanup_keeps_a_deciding_branch() -> None:
    """Under ``python -m libcst.tool`` no guard runs first: the hold must stay."""
    import libcst as cst
    from libcst.codemod import CodemodContext

    from codemods.ca201_after_sale_handling import RemoveAfterSaleHandling

    source = HEADER.replace("from .client import ApiError\n", "") + HOLD
    codemod = RemoveAfterSaleHandling(CodemodContext(filename="jobs.py"))
    code = codemod.transform_module(cst.parse_module(source)).code
    assert code == source
    assert any("decide there as this branch did" in n.message for n in codemod.manual)


def test_an_older_generated_helper_without_the_batch_lookup_is_not_imported_from(
    tmp_path: Path,
) -> None:
    """Importing a function the existing helper lacks would break the job: nothing is written."""
    jobs = project(tmp_path, BATCH)
    older = tmp_path / "shop" / "ship_to_reject.py"
    older.write_text(
        '"""Generated by cancel-audit fix."""\n\n\ndef ship_to_reject(client):\n    pass\n'
    )
    before = jobs.read_text()
    result = CliRunner().invoke(cli, ["fix", str(tmp_path), "--write", "--unsafe-fixes"])
    assert result.exit_code == 1, result.output
    assert "has no orders_with_cancel_request: delete it and run fix again" in result.output
    assert jobs.read_text() == before
    older.unlink()
    assert (
        CliRunner().invoke(cli, ["fix", str(tmp_path), "--write", "--unsafe-fixes"]).exit_code == 0
    )
    assert "from .ship_to_reject import orders_with_cancel_request" in jobs.read_text()
