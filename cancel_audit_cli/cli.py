"""The ``cancel-audit`` command line: the top layer, the one place that names every verb.

Exit status: see ``audit.exit_codes``.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Optional

import click

from audit import __version__
from audit.exit_codes import EPILOG

# Verbs that live in their own modules, imported only when used (start-up time matters).
LAZY_COMMANDS: dict[str, str] = {
    "scan": "cancel_audit_cli.commands.scan:scan",
    "rules": "cancel_audit_cli.commands.rules:rules",
    "explain": "cancel_audit_cli.commands.rules:explain",
    "sandbox": "audit.sandbox.command:sandbox",
    "fix": "cancel_audit_cli.commands.fix:fix",
    "report": "cancel_audit_cli.commands.report:report",
    "baseline": "cancel_audit_cli.commands.baseline:baseline",
    "cache": "cancel_audit_cli.commands.cache:cache",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        if cmd_name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[cmd_name].split(":")
            try:
                module = importlib.import_module(module_name)
            except ImportError:  # a verb whose module is not installed
                return None
            command: click.Command = getattr(module, attribute)
            return command
        return super().get_command(ctx, cmd_name)


def use_color(no_color_flag: bool) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if no_color_flag or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cancel-audit")
@click.option("-v", "--verbose", count=True, help="Show skipped files and more detail.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--no-color", is_flag=True, help="Never colour output (NO_COLOR is honoured too).")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, no_color: bool) -> None:
    """Find and retire TikTok Shop Reject Cancellation calls.

    Scans code for Reject Cancellation calls (every version, SDK spellings, raw URLs,
    the project's own wrappers), handling of error 21011007, and order/fulfillment calls
    that should use the v202309 is_buyer_request_cancel filter: Python, JavaScript and
    TypeScript, PHP, Go, Java, C#, Ruby, OpenAPI and Postman files.
    """
    ctx.obj = {"verbose": verbose, "quiet": quiet, "color": use_color(no_color)}


def main(argv: Optional[list[str]] = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="cancel-audit")
    except KeyboardInterrupt:
        click.echo("cancel-audit: interrupted", err=True)
        sys.exit(130)
