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

from audit.cli import cli

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


LEFT_TO_A_PERSON = {
    "batch errors decided per package": """\
        class Job:
            def ship(self, order, package_ids, report):
                data = self.client.batch_ship_packages(order["package_ids"])
                for err in data["errors"]:
                    if err["code"] == AFTER_SALE:
                        report.held.append(err["package_id"])
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

    from codemods.after_sale_cleanup import RemoveAfterSaleHandling

    source = HEADER.replace("from .client import ApiError\n", "") + HOLD
    codemod = RemoveAfterSaleHandling(CodemodContext(filename="jobs.py"))
    code = codemod.transform_module(cst.parse_module(source)).code
    assert code == source
    assert any("decide there as this branch did" in n.message for n in codemod.manual)
