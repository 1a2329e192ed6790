"""Inventory of adoption outside Python (as in Python): reads and filters of the new
order fields, handlers of webhook type 11; CA301 only for hunts for pending requests;
findings in tests say so."""

from __future__ import annotations

from pathlib import Path

from tests.polyglot.conftest import scan_paths

HEAD = "// TikTok Shop integration (x-tts-access-token)\n"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def entries(root: Path, endpoint: str) -> list[tuple[str, str, int]]:
    result = scan_paths(root)
    return [(i.path, i.role, i.line) for i in result.inventory if i.endpoint == endpoint]


WEBHOOK_TS = (
    HEAD
    + """\
export function onEvent(event: any) {
  if (event.type === 11) { return handleCancel(event.data); }
}
"""
)
WEBHOOK_PHP = (
    "<?php\n"
    + HEAD
    + """\
class WebhookController {
  public function handle($payload) {
    switch ($payload['type']) {
      case 11: return $this->cancel($payload);
    }
  }
}
"""
)
WEBHOOK_GO = (
    "package hooks\n"
    + HEAD
    + """\
func HandleNotification(e Event) {
\tswitch e.Type {
\tcase 11:
\t\tcancel(e)
\t}
}
"""
)
ORDERS_TS = (
    HEAD
    + """\
export async function pending(sdk: any) {
  const orders = await sdk.order.getOrderList({ body: { is_buyer_request_cancel: true } });
  return orders.filter((o: any) => o.is_buyer_request_cancel && o.request_cancel_time);
}
"""
)
SYNC_TS = (
    HEAD
    + """\
export async function syncCancellations(sdk: any, since: number) {
  return sdk.return_refund.searchCancellations({ body: { update_time_ge: since } });
}
export async function pendingOnes(sdk: any) {
  const body = { cancel_status: ['BUYER_CANCEL_REQUEST_PENDING'] };
  return sdk.return_refund.searchCancellations({ body });
}
"""
)


def test_webhook_type_11_handlers_in_three_languages(tmp_path: Path) -> None:
    write(tmp_path, "src/webhooks.ts", WEBHOOK_TS)
    write(tmp_path, "app/WebhookController.php", WEBHOOK_PHP)
    write(tmp_path, "hooks/notify.go", WEBHOOK_GO)
    write(
        tmp_path, "src/catalog.ts", HEAD + "export const big = (item: any) => item.type === 11;\n"
    )
    assert entries(tmp_path, "cancellation_webhook") == [
        ("app/WebhookController.php", "handler", 5),
        ("hooks/notify.go", "handler", 4),
        ("src/webhooks.ts", "handler", 3),
    ]


def test_reads_and_filters_of_the_new_fields(tmp_path: Path) -> None:
    write(tmp_path, "src/orders.ts", ORDERS_TS)
    assert entries(tmp_path, "buyer_request_cancel") == [
        ("src/orders.ts", "filter", 3),
        ("src/orders.ts", "read", 4),
        ("src/orders.ts", "read", 4),
    ]


def test_search_cancellations_by_time_in_a_sync_is_a_listing_not_a_hunt(tmp_path: Path) -> None:
    write(tmp_path, "src/sync.ts", SYNC_TS)
    result = scan_paths(tmp_path)
    assert [(f.rule, f.line) for f in result.findings] == [("CA301", 7)]


def test_findings_in_tests_are_marked_as_test_code(tmp_path: Path) -> None:
    reject = "h.post(`/return_refund/202309/cancellations/${id}/reject`);\n"
    write(tmp_path, "src/refuse.ts", reject)
    write(tmp_path, "src/__tests__/refuse.test.ts", reject)
    by_path = {f.path: f for f in scan_paths(tmp_path).findings}
    assert by_path["src/refuse.ts"].origin == "production"
    assert not by_path["src/refuse.ts"].message.endswith("[test code]")
    assert by_path["src/__tests__/refuse.test.ts"].origin == "test"
    assert by_path["src/__tests__/refuse.test.ts"].message.endswith("[test code]")


def test_test_files_are_known_by_their_names_in_every_language() -> None:
    from audit.origin import origin_of

    names = ["order_test.go", "client_spec.rb", "api.test.ts", "api.spec.js", "OrderTest.php"]
    names += ["ClientTest.java", "ClientTests.cs"]
    assert {origin_of(f"src/{name}") for name in names} == {"test"}
    assert {origin_of(f"src/{n}") for n in ("latest.go", "contest.ts", "Attest.cs")} == {
        "production"
    }
