"""``cancel-audit sandbox``: serve the simulator on loopback until Ctrl-C."""

from __future__ import annotations

import errno
import ipaddress
import threading
from typing import Any, Optional

import click
from click.core import ParameterSource

from audit.markets import REJECT_DEADLINE
from audit.sandbox.harness import Sandbox
from audit.sandbox.rules import CHANGE_DATE
from audit.sandbox.scenario import ScenarioError, builtin_scenarios, parse_date, parse_market

HOST_ENV = "CANCEL_AUDIT_SANDBOX_HOST"


class SandboxUsageError(click.ClickException):
    """Printed as ``Error: <one sentence>``; exits 2 like click's own usage errors."""

    exit_code = 2


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _date_option(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Any:
    if value is None:
        return None
    try:
        return parse_date(value, "date")
    except ScenarioError:
        raise click.BadParameter(f"must be a date like 2024-04-15, got {value!r}.") from None


def _market_option(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Any:
    if value is None:
        return None
    try:
        return parse_market(value)
    except ScenarioError:
        raise click.BadParameter(
            f"must be a two-letter market code such as US or UK, got {value!r}."
        ) from None


HELP = f"""Serve a local TikTok Shop v202309 simulator for the cancellation and shipping flow.

Rehearse the change where, in the US on v202309, shipping a package with a pending buyer
cancel request succeeds and rejects the request, and Reject Cancellation is retired.
SCENARIO is a built-in name ({", ".join(builtin_scenarios())}) or a YAML file path.

By default the sandbox accepts but does NOT verify signatures or auth: app_key, sign,
timestamp, shop_cipher and x-tts-access-token are ignored. With --app-secret it is strict:
every request needs app_key, timestamp and a sign that is TikTok's HMAC-SHA256 request
signature with that secret (and, with --app-key, that app_key), else HTTP 401 code 106001.
Access tokens are never checked. It listens on 127.0.0.1 unless you pass --host yourself;
even strict mode is no real authentication, so do not expose it.
"""


@click.command(name="sandbox", help=HELP)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8089,
    show_default=True,
    help="TCP port; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar=HOST_ENV,
    help="Address to bind; non-loopback addresses are accepted only when given here.",
)
@click.option(
    "--scenario",
    default="pending-cancel",
    show_default=True,
    help="Built-in scenario name or path to a scenario YAML file.",
)
@click.option(
    "--market",
    default=None,
    callback=_market_option,
    help="Two-letter market (US, UK, ID, ...); overrides the scenario's.",
)
@click.option(
    "--as-of",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help="Simulated date; default: the scenario's, else today.",
)
@click.option(
    "--change-date",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help=f"Day the US ship-rejects-cancel behaviour goes live.  [default: {CHANGE_DATE}]",
)
@click.option(
    "--reject-deadline",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help=f"Day Reject Cancellation is retired for the US.  [default: {REJECT_DEADLINE}]",
)
@click.option(
    "--app-secret",
    default=None,
    metavar="SECRET",
    help="Strict mode: verify every request's sign with this app secret.",
)
@click.option(
    "--app-key",
    default=None,
    metavar="KEY",
    help="With --app-secret: also require this app_key.",
)
@click.option(
    "--log-requests/--quiet",
    default=False,
    help="Print one line per request.  [default: quiet]",
)
@click.pass_context
def sandbox(
    ctx: click.Context,
    port: int,
    host: str,
    scenario: str,
    market: Optional[str],
    as_of: Any,
    change_date: Any,
    reject_deadline: Any,
    app_secret: Optional[str],
    app_key: Optional[str],
    log_requests: bool,
) -> None:
    if app_key is not None and app_secret is None:
        raise SandboxUsageError("--app-key is only checked in strict mode; pass --app-secret too.")
    if app_secret == "":
        raise SandboxUsageError("--app-secret must not be empty.")
    host = host.strip().strip("[]")  # accept "[::1]" as well as "::1"
    if not is_loopback(host):
        if ctx.get_parameter_source("host") != ParameterSource.COMMANDLINE:
            raise SandboxUsageError(
                f"refusing to serve on non-loopback address {host} unless you pass --host yourself."
            )
        click.echo(
            f"Warning: serving on {host}; the sandbox has no authentication and anyone who "
            "can reach this address can use it.",
            err=True,
        )
    try:
        sb = Sandbox(
            scenario,
            market,
            as_of,
            change_date=change_date,
            reject_deadline=reject_deadline,
            host=host,
            port=port,
            on_request=_print_request if log_requests else None,
            poll_interval=0.5,
            app_secret=app_secret,
            app_key=app_key,
        )
    except ScenarioError as exc:
        raise SandboxUsageError(str(exc)) from None
    try:
        sb.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SandboxUsageError(
                f"port {port} on {host} is already in use; pick another with --port, or "
                "--port 0 for a free one."
            ) from None
        raise SandboxUsageError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc})."
        ) from None
    try:
        _print_banner(sb)
        stop = threading.Event()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        sb.stop()


def _print_banner(sb: Sandbox) -> None:
    state = sb.state()
    click.echo(f"TikTok Shop sandbox serving on {sb.base_url}")
    click.echo(
        f"scenario {sb.scenario.name}, market {state['market']}, as of {state['as_of']} "
        f"(change live {state['change_date']}, Reject Cancellation deadline "
        f"{state['reject_deadline']})"
    )
    for line in sb.rules.describe():
        click.echo(f"  {line}")
    pending = {
        c["order_id"]: c["cancel_id"]
        for c in state["cancellations"]
        if c["cancel_status"] == "PENDING"
    }
    click.echo(f"{len(state['orders'])} orders:")
    for order in state["orders"]:
        packages = ",".join(p["id"] for p in order["packages"])
        note = f"  pending cancel {pending[order['id']]}" if order["id"] in pending else ""
        click.echo(f"  {order['id']}  {order['status']:<19} packages {packages}{note}")
    if sb.verify_signatures:
        key = f" and app_key {sb.app_key}" if sb.app_key else ""
        click.echo(f"Strict mode: signatures are verified with your app secret{key}.")
        click.echo("Press Ctrl-C to stop.")
    else:
        click.echo("Signatures and auth are not verified. Press Ctrl-C to stop.", nl=True)


def _print_request(entry: dict[str, Any]) -> None:
    click.echo(f"{entry['method']} {entry['path']} -> HTTP {entry['status']} code {entry['code']}")
