"""The project model: wrappers, path builders, imported constants and join templates
stand for TikTok Shop requests, judged at the project's own call sites."""

from __future__ import annotations

from pathlib import Path

from audit.config import Config
from audit.scanner import ScanOptions, scan


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(root: Path):  # type: ignore[no-untyped-def]
    return scan(ScanOptions((root,), Config()))


def found(root: Path) -> list[tuple[str, int, str]]:
    return sorted((f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in run(root).findings)


def uses(root: Path) -> list[tuple[str, str, int, str]]:
    return sorted(
        (i.path.rsplit("/", 1)[-1], i.endpoint, i.line, i.role) for i in run(root).inventory
    )


ODOO_CLIENT = """\
from odoo import models

API = "https://open-api.tiktokglobalshop.com"


class TiktokApi(models.Model):
    _name = "tiktok.api"

    def shiPackage(self, package_id):
        return self._post(f"/fulfillment/202309/packages/{package_id}/ship", {})
"""

ODOO_ORDER = """\
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_ship_tiktok(self):
        for order in self:
            self.env["tiktok.api"].sudo().shiPackage(order.package_id)
"""


def test_odoo_wrapper_call_is_the_ship_call_site(tmp_path: Path) -> None:
    write(tmp_path, "models/api.py", ODOO_CLIENT)
    write(tmp_path, "models/sale.py", ODOO_ORDER)
    assert found(tmp_path) == [("sale.py", 9, "CA401")]
    finding = run(tmp_path).findings[0]
    assert finding.shape == "wrapper-call" and finding.fix == "manual"
    assert ("sale.py", "ship_package", 9, "call") in uses(tmp_path)


def test_wrapper_caller_that_checks_the_flag_is_excused(tmp_path: Path) -> None:
    write(tmp_path, "models/api.py", ODOO_CLIENT)
    write(
        tmp_path,
        "models/sale.py",
        ODOO_ORDER.replace(
            "        for order in self:\n",
            "        for order in self:\n"
            "            if order.is_buyer_request_cancel:\n"
            "                continue\n",
        ),
    )
    assert found(tmp_path) == []


def test_path_builder_is_a_definition_and_its_call_a_site(tmp_path: Path) -> None:
    write(
        tmp_path,
        "paths.py",
        'V = "202309"\n\n\ndef ship_path(package_id):\n'
        '    return f"/fulfillment/{V}/packages/{package_id}/ship"\n',
    )
    write(
        tmp_path,
        "job.py",
        "from .paths import ship_path\n\n\ndef ship_all(session, ids):\n"
        "    for pid in ids:\n        session.post(ship_path(pid), json={})\n",
    )
    assert found(tmp_path) == [("job.py", 6, "CA401")]
    assert ("paths.py", "ship_package", 5, "definition") in uses(tmp_path)


def test_imported_path_constant_and_class_attribute(tmp_path: Path) -> None:
    write(
        tmp_path,
        "constants.py",
        'class Paths:\n    REJECT = "/return_refund/202309/cancellations/{}/reject"\n'
        'ORDER_SEARCH_PATH = "/order/202309/orders/search"\n',
    )
    write(
        tmp_path,
        "client.py",
        "from . import constants\nfrom .constants import Paths\n\n\n"
        "def refuse(t, cid):\n    t.post(Paths.REJECT.format(cid))\n\n\n"
        "def orders(t):\n    return t.post(constants.ORDER_SEARCH_PATH, {})\n",
    )
    assert ("client.py", 6, "CA101") in found(tmp_path)
    assert ("client.py", "order_list", 10, "call") in uses(tmp_path)


def test_client_join_template_takes_the_callers_pieces(tmp_path: Path) -> None:
    write(
        tmp_path,
        "client.py",
        "class TikTokClient:\n"
        '    API_VERSION = "202309"\n'
        '    BASE_URL = "https://open-api.tiktokglobalshop.com"\n\n'
        '    def _make_request(self, api_path, method="GET"):\n'
        '        full_path = f"/order/{self.API_VERSION}/orders{api_path}"\n'
        "        return self.http.request(method, self.BASE_URL + full_path)\n\n"
        "    def get_orders(self):\n"
        '        return self._make_request("/search", method="POST")\n',
    )
    write(
        tmp_path,
        "sync.py",
        "from .client import TikTokClient\n\n\ndef pull():\n"
        "    return TikTokClient().get_orders()\n",
    )
    assert ("client.py", "order_list", 10, "call") in uses(tmp_path)
    assert ("sync.py", "order_list", 5, "call") in uses(tmp_path)
    # the join method itself is no Get Order Detail call
    assert not [u for u in uses(tmp_path) if u[1] == "order_detail"]


def test_url_built_for_signing_then_sent_is_one_finding(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ship.py",
        "import hmac\n\n\ndef ship(session, secret, pid):\n"
        '    text = f"{secret}/fulfillment/202309/packages/{pid}/ship{secret}"\n'
        '    signature = generate_sign(f"/fulfillment/202309/packages/{pid}/ship", secret)\n'
        '    session.post(f"https://open-api.tiktokglobalshop.com/fulfillment/202309/packages/{pid}/ship",'
        ' params={"sign": signature, "text": text})\n',
    )
    assert found(tmp_path) == [("ship.py", 7, "CA401")]


def test_signing_test_vector_is_no_call(tmp_path: Path) -> None:
    write(
        tmp_path,
        "tests/test_sign.py",
        "def test_sign():\n"
        '    assert cal_sign("/api/orders/search", {"app_key": "k"}, "s") == "ab12"\n',
    )
    assert found(tmp_path) == [] and uses(tmp_path) == []


def test_other_marketplace_client_is_not_tiktok(tmp_path: Path) -> None:
    write(tmp_path, "tiktok.py", 'HEADER = "x-tts-access-token"\n')
    write(
        tmp_path,
        "shopee.py",
        "class ShopeeClient:\n"
        '    HOST = "https://partner.shopeemobile.com"\n\n'
        "    def get_order_detail(self, sn):\n"
        '        return self.post("/api/v2/order/get_order_detail", {"order_sn": sn})\n\n\n'
        "def sync(client):\n    return client.get_order_detail('1')\n",
    )
    assert uses(tmp_path) == []


def test_search_for_a_time_range_is_a_listing_not_ca301(tmp_path: Path) -> None:
    write(
        tmp_path,
        "sync.py",
        'MARK = "shop_cipher"\n\n\ndef sync_cancellations(client, since):\n'
        "    for cancel in client.search_cancellations(update_time_ge=since):\n"
        "        save(cancel)\n\n\n"
        "def hold_pending(client):\n"
        '    for cancel in client.search_cancellations(cancel_status=["PENDING"]):\n'
        '        hold(cancel["order_id"])\n',
    )
    assert found(tmp_path) == [("sync.py", 10, "CA301")]


def test_adoption_reads_filters_and_cancellation_webhook(tmp_path: Path) -> None:
    write(
        tmp_path,
        "webhooks.py",
        'HEADER = "x-tts-access-token"\n\n\n'
        "def handle_webhook(payload, client):\n"
        '    if payload["type"] == 11:\n'
        "        orders = client.get_order_list(is_buyer_request_cancel=True)\n"
        '        return [o["request_cancel_time"] for o in orders]\n',
    )
    found_uses = [(u[1], u[2], u[3]) for u in uses(tmp_path)]
    assert ("cancellation_webhook", 5, "handler") in found_uses
    assert ("buyer_request_cancel", 6, "filter") in found_uses
    assert ("buyer_request_cancel", 7, "read") in found_uses


def test_findings_in_tests_and_vendored_copies_are_marked(tmp_path: Path) -> None:
    body = 'def r(t, c):\n    t.post(f"/return_refund/202309/cancellations/{c}/reject")\n'
    write(tmp_path, "app/cancel.py", body)
    write(tmp_path, "tests/test_cancel.py", body)
    write(tmp_path, "vendor/sdk/cancel.py", body)
    origins = sorted((f.path, f.origin) for f in run(tmp_path).findings)
    assert [o for _, o in origins] == ["production", "test", "vendored"]
    marked = [f.message for f in run(tmp_path).findings if f.origin == "test"]
    assert marked[0].endswith("[test code]")
    assert run(tmp_path).findings[0].to_dict()["origin"] == "production"


def test_join_template_through_a_forwarding_method(tmp_path: Path) -> None:
    write(
        tmp_path,
        "client.py",
        "class TikTokShopClient:\n"
        '    base_url = "https://open-api.tiktokglobalshop.com"\n\n'
        "    async def _make_request(self, method, resource, action, body=None):\n"
        "        return await self._do_request(method, resource, action, body)\n\n"
        "    async def _do_request(self, method, resource, action, body, api_version=None):\n"
        "        version = api_version or self.api_version\n"
        '        url_path = f"/{resource}/{version}/{action}"\n'
        "        return await self.http.request(method, self.base_url + url_path, json=body)\n",
    )
    write(
        tmp_path,
        "tools.py",
        "async def list_cancellations(client, since):\n"
        '    return await client._make_request("POST", "return_refund", "cancellations/search",'
        ' body={"update_time_ge": since})\n',
    )
    assert ("tools.py", "search_cancellations", 2, "call") in uses(tmp_path)
    assert found(tmp_path) == []  # a listing by time, not a hunt for pending requests


def test_a_job_that_loops_keeps_its_own_ship_finding(tmp_path: Path) -> None:
    write(
        tmp_path,
        "jobs.py",
        'HEADER = "x-tts-access-token"\n\n\n'
        "class ShippingJob:\n"
        "    def run(self, orders):\n"
        "        for order in orders:\n"
        '            self.client.ship_package(order["package_id"])\n\n\n'
        "def main(job, orders):\n"
        "    job.run(orders)\n",
    )
    # run() iterates: it decides what ships, so the finding stays on its ship call
    assert found(tmp_path) == [("jobs.py", 7, "CA401")]


def test_webhook_type_list_with_eleven(tmp_path: Path) -> None:
    write(
        tmp_path,
        "api/webhooks.py",
        'SIGN_HEADER = "x-tts-access-token"\n\n\n'
        "def receive(event_type, data):\n"
        "    if event_type in [1, 2, 11]:\n"
        '        return data["order_id"]\n'
        "    if event_type == 12:\n"
        "        return None\n",
    )
    assert [u for u in uses(tmp_path) if u[1] == "cancellation_webhook"] == [
        ("webhooks.py", "cancellation_webhook", 5, "handler")
    ]


def test_framework_override_is_reached_only_through_its_own_model(tmp_path: Path) -> None:
    write(
        tmp_path,
        "picking.py",
        'from odoo import models\n\nHEADER = "x-tts-access-token"\n\n\n'
        "class StockPicking(models.Model):\n"
        '    _inherit = "stock.picking"\n\n'
        "    def button_validate(self):\n"
        '        self._post_data_tiktok("/api/fulfillment/rts", {"package_id": self.name})\n'
        "        return super().button_validate()\n",
    )
    write(
        tmp_path,
        "wizard.py",
        "def confirm(picking, env):\n"
        "    picking.button_validate()\n"
        '    env["stock.picking"].button_validate()\n',
    )
    wizard = [u for u in uses(tmp_path) if u[0] == "wizard.py"]
    assert wizard == [("wizard.py", "legacy_ship", 3, "call")]


def test_route_regular_expressions_are_definitions(tmp_path: Path) -> None:
    write(
        tmp_path,
        "routes.py",
        "import re\n\n"
        "REJECT_ROUTE = re.compile("
        'r"^/return_refund/\\d+/cancellations/(?P<cid>[^/]+)/reject$")\n\n\n'
        "def is_ship(path):\n"
        '    return re.match(r"^/fulfillment/\\d{6}/packages/[^/]+/ship$", path) is not None\n',
    )
    result = run(tmp_path)
    assert [(f.line, f.rule, f.shape, f.fix) for f in result.findings] == [
        (3, "CA101", "pattern", "manual")
    ]
    assert uses(tmp_path) == [
        ("routes.py", "reject_cancellation", 3, "definition"),
        ("routes.py", "ship_package", 7, "definition"),
    ]


# A generated SDK with one module per operation (openapi-python-client's layout).
OPERATION = """\
from typing import Any

from ...client import AuthenticatedClient


def _get_kwargs(package_id: str, *, body: dict, shop_cipher: str) -> dict[str, Any]:
    return {
        "method": "post",
        "url": f"/fulfillment/202309/packages/{package_id}/ship",
        "params": {"shop_cipher": shop_cipher},
        "json": body,
    }


def sync_detailed(package_id: str, *, client: AuthenticatedClient, body: dict, shop_cipher: str):
    kwargs = _get_kwargs(package_id, body=body, shop_cipher=shop_cipher)
    return client.get_httpx_client().request(**kwargs)


def sync(package_id: str, *, client: AuthenticatedClient, body: dict, shop_cipher: str):
    return sync_detailed(package_id, client=client, body=body, shop_cipher=shop_cipher).parsed


async def asyncio_detailed(package_id: str, *, client: AuthenticatedClient, body, shop_cipher):
    kwargs = _get_kwargs(package_id, body=body, shop_cipher=shop_cipher)
    return await client.get_async_httpx_client().request(**kwargs)
"""

OPERATION_CALLER = """\
from tts_client import AuthenticatedClient
from tts_client.api.fulfillment import ship_package as ship_op


def ship_all(client: AuthenticatedClient, cipher: str, package_ids: list) -> None:
    for package_id in package_ids:
        ship_op.sync(package_id, client=client, body={}, shop_cipher=cipher)
"""


def test_generated_sdk_operation_module_is_called_through_its_module(tmp_path: Path) -> None:
    write(tmp_path, "tts_client/__init__.py", "")
    write(tmp_path, "tts_client/api/__init__.py", "")
    write(tmp_path, "tts_client/api/fulfillment/__init__.py", "")
    write(tmp_path, "tts_client/api/fulfillment/ship_package.py", OPERATION)
    write(tmp_path, "app/ship.py", OPERATION_CALLER)
    result = run(tmp_path)
    calls = [(i.path, i.line) for i in result.inventory if i.role == "call"]
    assert ("app/ship.py", 7) in calls  # ship_op.sync(...) through ``from ... import ... as``
    # the caller ships without consulting the flag; the operation's own entry points
    # (sync_detailed, asyncio_detailed) define the request and are no call sites
    assert [(f.path, f.line, f.rule) for f in result.findings] == [("app/ship.py", 7, "CA401")]
    message = result.findings[0].message
    assert message.count("sync() -> sync_detailed() -> _get_kwargs()") == 1


def test_a_module_named_like_an_operation_without_entry_points_is_judged_as_code(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "jobs/ship.py",
        "def _get_kwargs(package_id):\n"
        '    return {"url": f"/fulfillment/202309/packages/{package_id}/ship"}\n\n\n'
        "def ship_everything(client, package_ids):\n"
        "    for package_id in package_ids:\n"
        "        client.request(**_get_kwargs(package_id))\n",
    )
    assert ("ship.py", 7, "CA401") in found(tmp_path)


# Shapes seen on real integrations measured this session (code written for the tests).


def test_a_request_helper_named_signed_is_a_request_not_a_signature(tmp_path: Path) -> None:
    write(
        tmp_path,
        "bot/client.py",
        'BASE = "https://open-api.tiktokglobalshop.com"\n\n\n'
        "def _call_signed(method, path, body=None):\n"
        "    return _session().request(method, BASE + path, json=body)\n\n\n"
        "def ship_packages(package_ids):\n"
        '    body = {"packages": [{"id": p} for p in package_ids]}\n'
        '    return _call_signed("POST", "/fulfillment/202309/packages/ship", body=body)\n\n\n'
        "def assign_order(order_id):\n"
        '    return _call_signed("GET", "/order/202309/orders", {"ids": order_id})\n',
    )
    used = uses(tmp_path)
    assert ("client.py", "batch_ship_packages", 10, "call") in used
    assert ("client.py", "order_detail", 14, "call") in used  # "assign" signs nothing


def test_each_script_reads_its_own_path_constant(tmp_path: Path) -> None:
    script = (
        "from tts_client import post_signed_with_shop\n\n"
        'PATH = "{path}"\n\n\n'
        "def fetch(ge, lt):\n"
        "    return post_signed_with_shop(PATH, body={{}})\n\n\n"
        'if __name__ == "__main__":\n'
        "    fetch(1, 2)\n"
    )
    write(tmp_path, "tts_client.py", 'BASE = "https://open-api.tiktokglobalshop.com"\n')
    write(tmp_path, "orders.py", script.format(path="/order/202309/orders/search"))
    write(tmp_path, "products.py", script.format(path="/product/202309/products/search"))
    used = uses(tmp_path)
    assert ("orders.py", "order_list", 11, "call") in used  # the script's call of fetch()
    assert not [u for u in used if u[0] == "products.py" and u[3] == "call"]


def test_an_imported_path_constant_passed_alone_makes_a_wrapper(tmp_path: Path) -> None:
    write(tmp_path, "shop/__init__.py", "")
    write(tmp_path, "shop/paths.py", 'ORDER_SEARCH = "/order/202309/orders/search"\n')
    write(
        tmp_path,
        "shop/client.py",
        "from .paths import ORDER_SEARCH\n\n\ndef fetch_orders(c):\n"
        "    return c.post(ORDER_SEARCH, {})\n",
    )
    write(
        tmp_path,
        "shop/job.py",
        "from .client import fetch_orders\n\n\ndef job(c):\n    return fetch_orders(c)\n",
    )
    used = uses(tmp_path)
    assert ("client.py", "order_list", 5, "call") in used
    assert ("job.py", "order_list", 5, "call") in used


ODOO_LEGACY_ORDER = """\
from odoo import models


class TiktokOrder(models.Model):
    _name = "tiktok.order"

    def get_order(self):
        api = "/api/orders/search"
        return self.env["integrate.tiktok"]._post_data_tiktok(api, "{}")

    def sync_orders(self):
        for order in self.get_order()["order_list"]:
            print(order)
"""


def test_a_legacy_path_in_a_model_without_context_still_makes_a_wrapper(tmp_path: Path) -> None:
    write(tmp_path, "models/integrate.py", 'HOST = "https://open-api.tiktokglobalshop.com"\n')
    write(tmp_path, "models/order.py", ODOO_LEGACY_ORDER)
    assert ("order.py", "legacy_order_list", 12, "call") in uses(tmp_path)


def test_a_local_import_names_the_tiktok_module_and_another_marketplace(tmp_path: Path) -> None:
    write(
        tmp_path,
        "tiktok_shop_api.py",
        'HOST = "https://open-api.tiktokglobalshop.com"\n\n\n'
        "def sync_orders(org):\n"
        '    return _post(HOST + "/order/202309/orders/search", {"org": org})\n',
    )
    write(
        tmp_path,
        "sync_mercadolivre.py",
        "def sync_orders(org, token):\n    return token\n\n\n"
        "def run(org, token):\n    return sync_orders(org, token)  # its own, not TikTok's\n",
    )
    write(
        tmp_path,
        "main.py",
        "def tiktok_view(org):\n"
        "    import tiktok_shop_api as _tt\n"
        "    return _tt.sync_orders(org)\n\n\n"
        "def shopee_view(token, shop):\n"
        "    import shopee_api as _sh\n"
        "    return _sh.get_order_list(token, shop)  # tiktok_shop_api is imported above\n",
    )
    used = uses(tmp_path)
    assert ("main.py", "order_list", 3, "call") in used
    assert not [u for u in used if u[0] == "main.py" and u[2] == 8]
    assert not [u for u in used if u[0] == "sync_mercadolivre.py"]


def test_a_web_route_named_like_an_sdk_method_is_no_definition(tmp_path: Path) -> None:
    write(
        tmp_path,
        "app/orders.py",
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
        'HOST = "https://open-api.tiktokglobalshop.com"\n\n\n'
        '@router.get("/{order_id}")\nasync def get_order_detail(order_id: str):\n'
        "    return {'id': order_id}\n",
    )
    assert uses(tmp_path) == []
