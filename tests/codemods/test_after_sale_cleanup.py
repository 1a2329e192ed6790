"""CA201 codemod: dead 21011007 handling goes; everything it cannot decide gets a note.

Before/after source strings per supported shape (django-upgrade style), negative shapes
left alone with their manual note, markets, comments, idempotency, and the codemod run
through libcst's own machinery.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, TransformSuccess, transform_module

from audit.catalog import load_catalog
from audit.findings import Finding
from audit.markets import Markets
from audit.prefilter import Prefilter
from audit.python.detector import FileContext, detect
from codemods.base import FixSettings, ManualNote
from codemods.ca201_after_sale_handling import RemoveAfterSaleHandling

ROOT = Path(__file__).resolve().parents[2]
BRIDGE = ROOT / "examples" / "legacy_oms" / "tiktok_bridge"


def asked(code: str, settings: FixSettings | None = None) -> list[Finding]:
    """Every CA201 finding of ``code``: what the runner asks the cleanup to remove once
    any decision those branches made stands before the ship call (the guard's job)."""
    constants = dict(settings.project_constants) if settings else {}
    context = FileContext("m.py", Markets(), True, True, constants)
    output = detect(cst.parse_module(code), code.splitlines(), load_catalog(), context)
    return [finding for finding in output.findings if finding.rule == "CA201"]


def cleanup(
    name: str, settings: FixSettings | None, code: str, markets_aware: bool = True
) -> RemoveAfterSaleHandling:
    settings = settings or FixSettings()
    targets = asked(code, settings) if settings.us_only or not markets_aware else None
    return RemoveAfterSaleHandling(CodemodContext(filename=name), settings, targets)


def apply(
    source: str, settings: FixSettings | None = None, dedent: bool = True
) -> tuple[str, RemoveAfterSaleHandling]:
    text = textwrap.dedent(source) if dedent else source
    codemod = cleanup("m.py", settings, text)
    return codemod.transform_module(cst.parse_module(text)).code, codemod


def ca201_left(code: str, settings: FixSettings | None = None) -> int:
    constants = dict(settings.project_constants) if settings else {}
    context = FileContext("m.py", Markets(), True, True, constants)
    output = detect(cst.parse_module(code), code.splitlines(), load_catalog(), context)
    return sum(1 for finding in output.findings if finding.rule == "CA201")


# What the runner passes for ``from .errors import AFTER_SALE``: the project's constants.
SETTINGS = FixSettings(project_constants={"AFTER_SALE": 21011007})

CASES = {
    "always-false test without else: the branch goes, and the constant with it": (
        """
        AFTER_SALE_PENDING = 21011007


        def ship(client, package_id):
            try:
                client.ship_package(package_id)
            except ApiError as exc:
                if exc.code == AFTER_SALE_PENDING:
                    return None
                log.error("ship failed: %s", exc)
            return package_id
        """,
        """
        def ship(client, package_id):
            try:
                client.ship_package(package_id)
            except ApiError as exc:
                log.error("ship failed: %s", exc)
            return package_id
        """,
    ),
    "always-false test with else: the else body takes its place": (
        """
        def mark(client, order, report):
            try:
                client.mark_package_as_shipped(order["id"])
            except ApiError as exc:
                if exc.code == 21011007:
                    report.skipped.append(order["id"])
                else:
                    report.failed[order["id"]] = str(exc)
                return
            report.shipped.append(order["id"])
        """,
        """
        def mark(client, order, report):
            try:
                client.mark_package_as_shipped(order["id"])
            except ApiError as exc:
                report.failed[order["id"]] = str(exc)
                return
            report.shipped.append(order["id"])
        """,
    ),
    "always-false first branch: the elif becomes the if": (
        """
        def classify(err):
            if err["code"] == 21_011_007:
                return "blocked"
            elif err["code"] in RETRYABLE:
                return "retry"
            else:
                return "failed"
        """,
        """
        def classify(err):
            if err["code"] in RETRYABLE:
                return "retry"
            else:
                return "failed"
        """,
    ),
    "always-false elif in the middle of a chain": (
        """
        def classify(err):
            if err["code"] in RETRYABLE:
                return "retry"
            elif err.get("message") == "Package item has after-sale request":
                return "blocked"
            else:
                return "failed"
        """,
        """
        def classify(err):
            if err["code"] in RETRYABLE:
                return "retry"
            else:
                return "failed"
        """,
    ),
    "always-true elif becomes the else": (
        """
        def classify(err):
            if err["code"] in RETRYABLE:
                return "retry"
            elif err["code"] != "21011007":
                return "failed"
            else:
                return "blocked"
        """,
        """
        def classify(err):
            if err["code"] in RETRYABLE:
                return "retry"
            else:
                return "failed"
        """,
    ),
    "always-true test: body inlined, what follows its return is dead": (
        """
        def ship_one(self, order, package_id, report):
            try:
                self.client.ship_package(package_id)
            except ApiError as exc:
                if exc.code != 21011007:
                    report.failed[package_id] = str(exc)
                    return
                self.reject_pending(order["id"])
                self.client.ship_package(package_id)
            report.shipped.append(package_id)
        """,
        """
        def ship_one(self, order, package_id, report):
            try:
                self.client.ship_package(package_id)
            except ApiError as exc:
                report.failed[package_id] = str(exc)
                return
            report.shipped.append(package_id)
        """,
    ),
    "membership in a tuple of the code and its string, `not in`": (
        """
        def check(err):
            if err["code"] not in (21011007, str(21011007)):
                raise ShipError(err)
            return "blocked"
        """,
        """
        def check(err):
            raise ShipError(err)
        """,
    ),
    "substring test on the message, legacy string fail_code": (
        """
        def scan(failures, skipped):
            for fail in failures:
                if fail["fail_code"] == "21011007":
                    skipped.append(fail)
                    continue
                if "Package item has after-sale request" in fail["fail_reason"]:
                    continue
                log.error("failed: %s", fail)
        """,
        """
        def scan(failures, skipped):
            for fail in failures:
                log.error("failed: %s", fail)
        """,
    ),
    "`or` of code tests, and a continue that makes the rest of the loop dead": (
        """
        def scan(errors):
            for err in errors:
                if err["code"] == 21011007 or err["msg"] == "Package item has after-sale request":
                    continue
                handle(err)
        """,
        """
        def scan(errors):
            for err in errors:
                handle(err)
        """,
    ),
    "one-line suites": (
        """
        def check(exc):
            if exc.code == 21011007: return None
            if exc.code != 21011007: raise exc  # not ours
            return exc
        """,
        """
        def check(exc):
            raise exc  # not ours
        """,
    ),
    "a local flag only used in if tests": (
        """
        def run_batch(errors, report):
            for err in errors:
                package_id = err["detail"]["package_id"]
                # gateways send the code as a string or only the message
                blocked = err["code"] in (21011007, str(21011007)) or (
                    "Package item has after-sale request" in err.get("message", "")
                )
                if blocked:
                    # the cancel worker decides these
                    report.skipped.append(package_id)
                elif err["code"] in RETRYABLE:
                    report.skipped.append(package_id)
                else:
                    report.failed[package_id] = err["message"]
        """,
        """
        def run_batch(errors, report):
            for err in errors:
                package_id = err["detail"]["package_id"]
                if err["code"] in RETRYABLE:
                    report.skipped.append(package_id)
                else:
                    report.failed[package_id] = err["message"]
        """,
    ),
    "a flag sharing its line with another statement": (
        """
        def f(exc):
            count = 1; blocked = exc.code == 21011007
            if blocked:
                return count
            return 2
        """,
        """
        def f(exc):
            count = 1
            return 2
        """,
    ),
    "an except clause left with only `raise` goes, and the try with it": (
        """
        from .errors import AFTER_SALE, TikTokAPIError


        def ship(client, package_id):
            try:
                client.ship_package(package_id)
            except TikTokAPIError as exc:
                if exc.code == AFTER_SALE:
                    client.reject_cancellation(package_id)
                    return ship(client, package_id)
                raise
            return package_id
        """,
        """
        def ship(client, package_id):
            client.ship_package(package_id)
            return package_id
        """,
    ),
    "a try with finally keeps the finally; its else joins the body": (
        """
        def ship(client, package_id):
            try:
                client.ship_package(package_id)
            except TikTokAPIError as exc:
                if exc.code == 21011007:
                    return None
                raise
            else:
                log.info("shipped")
            finally:
                client.close()
        """,
        """
        def ship(client, package_id):
            try:
                client.ship_package(package_id)
                log.info("shipped")
            finally:
                client.close()
        """,
    ),
    "only the last except clause goes": (
        """
        def ship(client, package_id):
            try:
                client.ship_package(package_id)
            except TimeoutError:
                return "retry"
            except TikTokAPIError as exc:
                if exc.code == 21011007:
                    return "blocked"
                raise
            return "shipped"
        """,
        """
        def ship(client, package_id):
            try:
                client.ship_package(package_id)
            except TimeoutError:
                return "retry"
            return "shipped"
        """,
    ),
    "a branch whose body empties its block leaves `pass`": (
        """
        def scan(errors):
            for err in errors:
                if err["code"] == 21011007:
                    skip(err)
        """,
        """
        def scan(errors):
            for err in errors:
                pass
        """,
    ),
}


@pytest.mark.parametrize("before, after", CASES.values(), ids=list(CASES))
def test_rewrites(before: str, after: str) -> None:
    code, codemod = apply(before, SETTINGS)
    assert code == textwrap.dedent(after)
    assert codemod.changes >= 1
    assert [n for n in codemod.manual if n.rule == "CA201"] == []
    assert ca201_left(code, SETTINGS) == 0
    again, second = apply(code, SETTINGS, dedent=False)
    assert again == code
    assert second.changes == 0


NEGATIVES = {
    "a retry table keyed by the code": (
        """
        RETRY = {21011007: "wait", 36009003: "retry"}
        """,
        ['delete the entry `21011007: "wait"`'],
    ),
    "a code among other codes": (
        """
        def check(exc):
            if exc.code in (21011007, 21011008):
                return None
            return exc
        """,
        ["remove `21011007` from this collection"],
    ),
    "a comprehension filter": (
        """
        def real_errors(errors):
            return [e for e in errors if e["code"] != 21011007]
        """,
        ['`e["code"] != 21011007` is always True now: drop the filter'],
    ),
    "an `and` combination": (
        """
        def check(exc, packed):
            if exc.code == 21011007 and packed:
                return None
            return exc
        """,
        ["`exc.code == 21011007 and packed` is always False now: delete this if/elif branch"],
    ),
    "an `or` with an operand that is not a code test": (
        """
        def check(fail):
            if fail["fail_code"] == "21011007" or "after-sale" in fail["reason"]:
                return None
            return fail
        """,
        ['replace the condition with `"after-sale" in fail["reason"]`'],
    ),
    "an `and` that leaves the other operand": (
        """
        def check(exc, packed):
            if exc.code != 21011007 and packed:
                return None
            return exc
        """,
        ["replace the condition with `packed`"],
    ),
    "a flag used outside if tests": (
        """
        def blocked(exc):
            is_blocked = exc.code == 21011007
            log.info("blocked=%s", is_blocked)
            if is_blocked:
                return None
            return exc
        """,
        ["replace each use of `is_blocked` with `False` and delete this assignment"],
    ),
    "a predicate function": (
        """
        def is_after_sale(exc):
            return exc.code == 21011007
        """,
        ["`is_after_sale()` now always returns False; replace its calls with False"],
    ),
    "a conditional expression": (
        """
        def status(exc):
            return "blocked" if exc.code == 21011007 else "failed"
        """,
        ['replace `"blocked" if exc.code == 21011007 else "failed"` with `"failed"`'],
    ),
    "a constant still used by a site left alone": (
        """
        AFTER_SALE = 21011007
        RETRY = {AFTER_SALE: "wait"}
        """,
        ["`AFTER_SALE` is still used in this module (line 3)", "delete the entry"],
    ),
    "a handler that only re-raises but is not the last one": (
        """
        def ship(client):
            try:
                client.ship_package("1")
            except ApiError as exc:
                if exc.code == 21011007:
                    return None
                raise
            except Exception:
                return "failed"
        """,
        ["this except clause now only re-raises"],
    ),
}


@pytest.mark.parametrize("source, expected", NEGATIVES.values(), ids=list(NEGATIVES))
def test_undecidable_shapes_get_a_note(source: str, expected: list[str]) -> None:
    before = textwrap.dedent(source)
    code, codemod = apply(source)
    messages = " | ".join(note.message for note in codemod.manual)
    for text in expected:
        assert text in messages
    assert all(note.rule == "CA201" for note in codemod.manual)
    # every finding the scanner still reports has a note at its own position
    left = ca201_left(code)
    assert left <= len(codemod.manual)
    if "handler" not in source and "re-raises" not in messages:
        assert code == before


def test_notes_point_at_each_remaining_finding() -> None:
    source = """
    def check(exc):
        if exc.code in (21011007, 21011008):
            return None
        return [e for e in exc.errors if e != "21011007"]
    """
    _, codemod = apply(source)
    assert sorted((n.line, n.column) for n in codemod.manual) == [(3, 21), (5, 43)]


def test_class_constants_are_read_but_left_with_a_note() -> None:
    code, codemod = apply(
        """
        class Job:
            AFTER_SALE = 21011007

            def ship(self, exc):
                if exc.code == self.AFTER_SALE:
                    return None
                return exc
        """
    )
    assert code == textwrap.dedent(
        """
        class Job:
            AFTER_SALE = 21011007

            def ship(self, exc):
                return exc
        """
    )
    [note] = codemod.manual
    assert (note.line, note.column) == (3, 18)
    assert "`AFTER_SALE` holds 21011007" in note.message


def test_mixed_markets_change_nothing_and_name_the_markets() -> None:
    source = CASES["a local flag only used in if tests"][0]
    settings = FixSettings(markets=Markets(("US", "UK", "ID")))
    code, codemod = apply(source, settings)
    assert code == textwrap.dedent(source)
    assert codemod.changes == 0
    assert len(codemod.manual) == 3  # the code twice and the message
    assert all("markets UK, ID still fail with 21011007" in n.message for n in codemod.manual)


def test_mixed_markets_note_every_site() -> None:
    source = """
    AFTER_SALE = 21011007


    def check(exc):
        if exc.code == 21011007 or "Package item has after-sale request" in exc.message:
            return None
        return exc
    """
    code, codemod = apply(source, FixSettings(markets=Markets(("US", "MY"))))
    assert code == textwrap.dedent(source)
    assert [(n.line, n.column) for n in codemod.manual] == [(2, 14), (6, 20), (6, 32)]
    assert all("markets MY" in n.message for n in codemod.manual)


def test_a_module_on_the_legacy_api_keeps_its_handling() -> None:
    source = """
    def sync(transport, package_id):
        data = transport.request("POST", "/api/fulfillment/rts", body={"package_id": package_id})
        for fail in data.get("fail_packages") or []:
            if fail["fail_code"] == "21011007":
                continue
            log.error("failed: %s", fail)
    """
    code, codemod = apply(source)
    assert code == textwrap.dedent(source)
    assert codemod.changes == 0
    assert codemod.manual == []  # live handling is not a CA201 finding; CA302 covers the move


def test_comments_outside_the_rewrite_stay_byte_for_byte() -> None:
    source = """\
    # header comment
    import logging  # trailing on import

    log = logging.getLogger(__name__)  # logger


    def ship(client, package_id):  # entry point
        # before the try
        try:
            client.ship_package(package_id)  # the call
        except ApiError as exc:
            # comment about the blocked case: 21011007 means a cancel is pending
            if exc.code == 21011007:
                # inside the dead branch
                return None
            # real failures
            log.error("failed: %s", exc)  # keep me
            # end of handler
        # after the try
        return package_id  # done
    """
    code, _ = apply(source)
    assert code == textwrap.dedent(
        """\
        # header comment
        import logging  # trailing on import

        log = logging.getLogger(__name__)  # logger


        def ship(client, package_id):  # entry point
            # before the try
            try:
                client.ship_package(package_id)  # the call
            except ApiError as exc:
                # real failures
                log.error("failed: %s", exc)  # keep me
                # end of handler
            # after the try
            return package_id  # done
        """
    )


def test_comments_of_an_inlined_branch_move_with_it() -> None:
    source = """\
    def ship(exc, report):
        x = 1

        # why we look at the code
        if exc.code != 21011007:  # not the cancel case
            # record it
            report.failed.append(exc)
            # trailing in the branch
        else:
            report.skipped.append(exc)
        return x
    """
    code, _ = apply(source)
    assert code == textwrap.dedent(
        """\
        def ship(exc, report):
            x = 1

            # why we look at the code
            # not the cancel case
            # record it
            report.failed.append(exc)
            # trailing in the branch
            return x
        """
    )


def test_a_removed_statement_keeps_the_blank_line_that_set_it_apart() -> None:
    source = """\
    def ship(exc, report):
        report.start()

        # skip blocked packages
        if exc.code == 21011007:
            report.skip()
        report.done()
    """
    code, _ = apply(source)
    assert code == "def ship(exc, report):\n    report.start()\n\n    report.done()\n"


def test_constants_go_only_when_nothing_else_uses_them() -> None:
    source = """\
    \"""Error codes.\"""

    #: refused while a cancel request is pending
    AFTER_SALE = 21011007
    AFTER_SALE_MESSAGE = "Package item has after-sale request"

    #: never retried
    STATE_CONFLICT = 21011008
    """
    code, codemod = apply(source)
    assert code == '"""Error codes."""\n\n#: never retried\nSTATE_CONFLICT = 21011008\n'
    assert codemod.changes == 2

    used = FixSettings(project_text="from .errors import AFTER_SALE_MESSAGE\n")
    code, codemod = apply(source, used)
    assert code == (
        '"""Error codes."""\n\n'
        'AFTER_SALE_MESSAGE = "Package item has after-sale request"\n\n'
        "#: never retried\nSTATE_CONFLICT = 21011008\n"
    )
    [note] = codemod.manual
    assert note.line == 5
    assert "still imported or used by other modules" in note.message


def test_a_group_header_over_a_removed_constant_stays_with_the_group() -> None:
    source = """\
    \"""Error codes.\"""

    # Real codes.
    AFTER_SALE = 21011007  # ship blocked by a pending cancel request
    INTERNAL_ERROR = 36009003  # HTTP 500

    #: refused while a cancel request is pending
    AFTER_SALE_MESSAGE = "Package item has after-sale request"
    RATE_LIMITED = 12019001
    """
    code, _ = apply(source)
    assert code == textwrap.dedent(
        """\
        \"""Error codes.\"""

        # Real codes.
        INTERNAL_ERROR = 36009003  # HTTP 500

        RATE_LIMITED = 12019001
        """
    )


def test_imports_that_became_unused_go_and_others_stay() -> None:
    source = """\
    import logging

    from .errors import AFTER_SALE, RETRYABLE
    from .transport import TikTokAPIError


    def classify(exc):
        if exc.code == AFTER_SALE:
            raise TikTokAPIError(exc)
        return exc.code in RETRYABLE
    """
    settings = FixSettings(project_constants={"AFTER_SALE": 21011007})
    code, _ = apply(source, settings)
    assert code == textwrap.dedent(
        """\
        import logging

        from .errors import RETRYABLE


        def classify(exc):
            return exc.code in RETRYABLE
        """
    )


def test_runs_through_libcst_transform_module() -> None:
    source = textwrap.dedent(CASES["always-false test with else: the else body takes its place"][0])
    result = transform_module(cleanup("m.py", None, source), source)
    assert isinstance(result, TransformSuccess)
    assert result.code == textwrap.dedent(
        CASES["always-false test with else: the else body takes its place"][1]
    )


def test_runs_under_libcst_tool(tmp_path: Path) -> None:
    (tmp_path / ".libcst.codemod.yaml").write_text("modules:\n- codemods\nrepo_root: .\n")
    package = tmp_path / "bridge"
    package.mkdir()
    (package / "__init__.py").write_text("")
    target = package / "job.py"
    target.write_text(
        textwrap.dedent(
            """\
            from .errors import ApiError

            AFTER_SALE = 21011007  # cancel request pending


            def ship(client, package_id):
                try:
                    client.ship_package(package_id)
                except ApiError as exc:
                    if exc.code != AFTER_SALE:
                        raise
                    client.reject_cancellation(package_id)  # then ship again
                    client.ship_package(package_id)
                return package_id
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "libcst.tool", "codemod", "--no-format"]
    command += ["ca201_after_sale_handling.RemoveAfterSaleHandling", str(target)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Failed to codemod 0 files" in done.stderr
    assert target.read_text() == (
        "def ship(client, package_id):\n"
        "    client.ship_package(package_id)\n"
        "    return package_id\n"
    )


# -- the example integrator ------------------------------------------------------------------


def example_settings(name: str, **replaced: str) -> FixSettings:
    texts = {p.name: p.read_text(encoding="utf-8") for p in BRIDGE.glob("*.py")}
    texts.update(replaced)
    prefilter = Prefilter.from_catalog(load_catalog())
    constants: dict[str, str | int] = {}
    for text in texts.values():
        constants.update(prefilter.project_constants(text.encode()))
    others = "\n".join(text for other, text in texts.items() if other != name)
    return FixSettings(project_constants=constants, project_text=others)


def fix_example(name: str, **replaced: str) -> tuple[str, str, RemoveAfterSaleHandling]:
    before = (BRIDGE / name).read_text(encoding="utf-8")
    codemod = cleanup(name, example_settings(name, **replaced), before)
    return before, codemod.transform_module(cst.parse_module(before)).code, codemod


def test_example_shipping_job() -> None:
    before, after, codemod = fix_example("shipping_job.py")
    assert codemod.manual == []
    assert codemod.changes == 4  # three if-chains and the blocked_by_cancel flag
    assert "AFTER_SALE_PENDING" not in after
    assert "from .errors import RETRYABLE_CODES\n" in after
    assert "from .transport import TikTokAPIError, TikTokTransport\n" in after
    # _ship_one: the `!=` test is always true, so the retry path after its return is dead
    assert (
        "        except TikTokAPIError as exc:\n"
        "            report.failed[package_id] = str(exc)\n"
        "            return\n"
        "        report.shipped.append(package_id)\n"
    ) in after
    assert "retry_exc" not in after and "21011007 appears" not in after
    # _mark_shipped: the else branch takes the if's place
    assert (
        "        except TikTokAPIError as exc:\n"
        '            report.failed[order["id"]] = str(exc)\n'
        "            return\n"
        "        report.shipped.extend(package_ids(order))\n"
    ) in after
    # run_batch: the flag and its branch go, the elif becomes the if
    assert "blocked_by_cancel" not in after and "Gateway nodes differ" not in after
    assert (
        '            errored.add(package_id)\n            if err["code"] in RETRYABLE_CODES:\n'
    ) in after
    # untouched comments elsewhere stay
    for comment in ("# nightly warehouse export", '"""Ship ready orders one package at a time."""'):
        assert comment in before and comment in after
    assert ca201_left(after, example_settings("shipping_job.py")) == 0
    again = cleanup("shipping_job.py", example_settings("shipping_job.py"), after)
    assert again.transform_module(cst.parse_module(after)).code == after


def test_example_legacy_sync_is_left_for_after_the_v202309_move() -> None:
    before, after, codemod = fix_example("legacy_sync.py")
    assert after == before
    assert codemod.changes == 0
    assert codemod.manual == []  # legacy rts still fails with 21011007: not a finding


def test_example_error_constants_follow_their_users() -> None:
    before, after, codemod = fix_example("errors.py")
    assert after == before  # shipping_job and legacy_sync still import them
    assert [note.line for note in codemod.manual] == [11, 12]

    _, fixed_job, _ = fix_example("shipping_job.py")
    _, after, codemod = fix_example("errors.py", **{"shipping_job.py": fixed_job})
    assert "AFTER_SALE_PENDING = 21011007" not in after
    assert "refuse to ship while the buyer" not in after  # its doc comment went with it
    assert 'AFTER_SALE_PENDING_MESSAGE = "Package item has after-sale request"' in after
    assert '#: "Package status does not allow this operation"' in after
    assert [note.line for note in codemod.manual] == [12]  # legacy_sync still uses it


def test_manual_note_type() -> None:
    _, codemod = apply("RETRY = {21011007: 1}\n")
    assert codemod.manual == [
        ManualNote(
            "CA201",
            1,
            10,
            "delete the entry `21011007: 1`: 21011007 no longer occurs in the US on v202309",
        )
    ]
