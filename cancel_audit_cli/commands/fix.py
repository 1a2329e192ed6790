"""``cancel-audit fix PATH...``: rewrite findings with libcst codemods.

Prints a unified diff by default and writes nothing; ``--write`` applies the safe fixes,
``--unsafe-fixes`` also the ones that change behaviour on purpose. Exit status: 1 when
something would change (or a file could not be fixed safely), 0 otherwise, 2 on usage or
configuration errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import click

from audit.catalog import load_catalog
from audit.config import ConfigError, parse_rule_ids
from audit.exit_codes import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from audit.output.escape import terminal_safe
from audit.redact import redact
from audit.scanner import scan
from audit.staged import CommitError, commit, tree_roots
from cancel_audit_cli.commands.options import ScanSettings, scan_options, warn
from codemods.runner import CODEMODS, FixPlan, plan_fixes, planned_write


def _write(plan: FixPlan, paths: tuple[Path, ...], force: bool) -> Optional[str]:
    """Write every changed file or none; what went wrong, if anything."""
    changed = plan.changed
    try:
        commit([planned_write(f) for f in changed], tree_roots(paths), force=force)
    except CommitError as exc:
        reasons = dict(exc.refused)
        for file in changed:
            file.failure = reasons.get(file.rel) or (
                "not written: the fix is all or nothing and another file was refused"
            )
        return str(exc)
    return None


def _summary(plan: FixPlan, write: bool) -> list[str]:
    lines = []
    for file in plan.files:
        if file.failure:
            lines.append(f"{file.rel}: not fixed: {file.failure}")
        for note in sorted(file.manual, key=lambda n: (n.line, n.column, n.rule)):
            lines.append(
                f"{file.rel}:{note.line}:{note.column}: {note.rule} manual: {note.message}"
            )
    changed = plan.changed
    verb = "Fixed" if write else "Would fix"
    lines.append(
        f"{verb} {plan.fix_count()} finding(s) in {len(changed)} file(s)"
        + (f"; {plan.skipped_unsafe} more with --unsafe-fixes" if plan.skipped_unsafe else "")
        + f"; {sum(len(f.manual) for f in plan.files)} need a manual change."
    )
    return lines


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--write", is_flag=True, help="Apply the fixes (default: print a diff).")
@click.option("--check", is_flag=True, help="Print only the summary; exit 1 if a fix applies.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change behaviour.")
@click.option("--force", is_flag=True, help="With --write, also rewrite read-only files.")
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="ID",
    help=f"Only these rules (repeatable): {', '.join(CODEMODS)}.",
)
@scan_options(rules=False)
@click.pass_context
def fix(
    ctx: click.Context,
    paths: tuple[Path, ...],
    write: bool,
    check: bool,
    unsafe_fixes: bool,
    force: bool,
    rules: tuple[str, ...],
    settings: ScanSettings,
) -> None:
    """Rewrite findings under PATHS (default: .) into ship-to-reject flows.

    CA101 Reject Cancellation -> ship_to_reject() through the project's own client or
    transport; CA201 dead 21011007 handling removed (US-only config); CA301 Search
    Cancellations -> Get Order List with is_buyer_request_cancel (unsafe). Every
    rewritten file must re-parse, re-scan clean and be stable under a second run, or it
    is left untouched and reported. --write changes every file or none: a file edited,
    deleted or made read-only since it was read stops the whole write (exit 1).
    """
    options: dict[str, Any] = ctx.obj or {}
    paths = paths or (Path("."),)
    config = settings.config(paths)
    try:
        selected = parse_rule_ids(list(rules), "rule", load_catalog(), "--rule") if rules else None
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    unknown = set(selected or ()) - set(CODEMODS)
    if unknown:
        raise click.UsageError(
            f"no automatic fix for {', '.join(sorted(unknown))}; fixable rules: "
            f"{', '.join(CODEMODS)}"
        )
    try:
        result = scan(settings.scan_request(paths, config), warn=warn)
        plan = plan_fixes(result, config, selected, unsafe_fixes)
    except Exception as exc:
        click.echo(f"cancel-audit: internal error: {type(exc).__name__}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)
    problem = None
    if write:
        problem = _write(plan, paths, force)
    elif not check:
        for file in plan.changed:
            click.echo(file.diff(), nl=False)
    if not options.get("quiet") or check:
        for line in _summary(plan, write):
            click.echo(terminal_safe(redact(line)), err=not check and not write)
    if problem is not None:
        click.echo(terminal_safe(f"cancel-audit: fix --write: {problem}."), err=True)
    failed = any(f.failure for f in plan.files)
    if failed or (plan.changed and not write):
        ctx.exit(EXIT_FINDINGS)
    ctx.exit(EXIT_OK)
