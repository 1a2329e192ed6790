"""Helpers for the report tests: a small but realistic TikTok Shop integration, and
builders for findings and scan results. (Kept out of conftest.py so test modules can
import them by a name no other test directory uses.)"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from audit.catalog import load_catalog
from audit.findings import Finding, InventoryEntry, ScanResult, with_fingerprints

ROOT = Path(__file__).resolve().parents[2]

LEGACY_SHOP: dict[str, str] = {
    "tiktok_bridge/__init__.py": "",
    "tiktok_bridge/client.py": '''
        """Thin TikTok Shop Open API client used by the OMS."""
        import hashlib
        import hmac
        import time

        import requests

        BASE_URL = "https://open-api.tiktokglobalshop.com"


        class TikTokShopError(Exception):
            def __init__(self, code, message):
                super().__init__(message)
                self.code = code


        class TikTokShopClient:
            def __init__(self, app_key, app_secret, access_token, shop_cipher):
                self.app_key = app_key
                self.app_secret = app_secret
                self.access_token = access_token
                self.shop_cipher = shop_cipher

            def _sign(self, path, params):
                raw = path + "".join(f"{k}{v}" for k, v in sorted(params.items()))
                return hmac.new(self.app_secret.encode(), raw.encode(), hashlib.sha256).hexdigest()

            def post(self, path, body=None):
                params = {"app_key": self.app_key, "timestamp": int(time.time()),
                          "shop_cipher": self.shop_cipher}
                params["sign"] = self._sign(path, params)
                response = requests.post(BASE_URL + path, params=params, json=body or {},
                                         headers={"x-tts-access-token": self.access_token})
                envelope = response.json()
                if envelope["code"] != 0:
                    raise TikTokShopError(envelope["code"], envelope["message"])
                return envelope["data"]

            def reject_cancellation(self, cancel_id, reason="seller_packed"):
                return self.post(
                    "/return_refund/202309/cancellations/" + cancel_id + "/reject",
                    {"reject_reason": reason},
                )

            def ship_package(self, package_id):
                return self.post(f"/fulfillment/202309/packages/{package_id}/ship",
                                 {"handover_method": "DROP_OFF"})

            def search_cancellations(self, **filters):
                return self.post("/return_refund/202309/cancellations/search", filters)
        ''',
    "tiktok_bridge/cancel_worker.py": """
        from tiktok_bridge.client import TikTokShopError


        def handle_cancel_request(client, cancel_id, package_id):
            client.reject_cancellation(cancel_id)
            try:
                client.ship_package(package_id)
            except TikTokShopError as exc:
                if exc.code == 21011007:
                    client.reject_cancellation(cancel_id)
                    client.ship_package(package_id)
                else:
                    raise


        def pending_requests(client):
            return client.search_cancellations()
        """,
    "jobs/ship_ready.py": """
        def ship_ready_orders(client, package_ids):
            for pid in package_ids:
                client.ship_package(pid)
        """,
    "legacy/orders.py": """
        def list_orders(client):
            return client.post("/api/orders/search", {"order_status": 111})
        """,
    "README.md": "# Acme OMS bridge\n",
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def finding(
    rule: str = "CA101",
    path: str = "app/cancel.py",
    line: int = 1,
    snippet: str = "client.reject_cancellation(cid)",
    **overrides: Any,
) -> Finding:
    rules = load_catalog().rules
    spec = rules[rule]
    data: dict[str, Any] = {
        "rule": rule,
        "severity": spec.severity,
        "category": spec.category,
        "path": path,
        "line": line,
        "column": 1,
        "end_line": line,
        "end_column": len(snippet) + 1,
        "message": spec.message.format(what=snippet[:30]),
        "snippet": snippet,
        "confidence": "high",
        "fix": spec.fix.kind,
        "matched": f"{rule}:{path}:{line}:{snippet}",
        "endpoint": spec.endpoints[0] if spec.endpoints else None,
    }
    data.update(overrides)
    return Finding(**data)


def result_of(findings: list[Finding], **overrides: Any) -> ScanResult:
    inventory = tuple(
        InventoryEntry(f.endpoint, "202309", "call", f.path, f.line, 1)
        for f in findings
        if f.endpoint
    )
    data: dict[str, Any] = {
        "findings": tuple(with_fingerprints(findings)),
        "inventory": inventory,
        "files_scanned": len({f.path for f in findings}) + 3,
        "files_parsed": len({f.path for f in findings}),
        "roots": ("repo",),
    }
    data.update(overrides)
    return ScanResult(**data)
