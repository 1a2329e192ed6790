"""Read-only gateway in front of TikTok Shop: writes are refused before they are signed."""

import requests

API = "https://open-api.tiktokglobalshop.com"

DENIED_ROUTES = frozenset(
    {
        ("POST", "/return_refund/202309/cancellations/{cancel_id}/reject"),
        ("POST", "/return_refund/202309/cancellations/{cancel_id}/approve"),
    }
)

# the same list as another integrator wrote it: annotated, and in Spanish
RUTAS_PROHIBIDAS: tuple[tuple[str, str], ...] = (
    ("POST", "/return_refund/202309/cancellations/{cancel_id}/reject"),
)


def forward(session: requests.Session, method: str, template: str, path: str, **kw):
    if (method, template) in DENIED_ROUTES or (method, template) in RUTAS_PROHIBIDAS:
        raise PermissionError(f"{method} {template} is a write; this gateway only reads")
    return session.request(method, API + path, **kw)
