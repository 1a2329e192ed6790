"""The added helper import lands where the module's sorted imports put it."""

from __future__ import annotations

import textwrap

import libcst as cst

from codemods.import_order import sort_added_import


def placed(source: str) -> str:
    module = cst.parse_module(textwrap.dedent(source))
    return sort_added_import(module, "ship_to_reject").code


def test_moves_into_a_sorted_run_of_relative_imports() -> None:
    assert placed(
        """\
        import logging

        from .config import HANDOVER
        from .tiktok.client import Client
        from .warehouse import Warehouse
        from .ship_to_reject import ship_to_reject

        log = logging.getLogger(__name__)
        """
    ) == textwrap.dedent(
        """\
        import logging

        from .config import HANDOVER
        from .ship_to_reject import ship_to_reject
        from .tiktok.client import Client
        from .warehouse import Warehouse

        log = logging.getLogger(__name__)
        """
    )


def test_first_place_takes_the_runs_blank_line_and_comment() -> None:
    assert placed(
        """\
        import logging

        # our own modules
        from .tiktok import Client
        from .ship_to_reject import ship_to_reject
        """
    ) == textwrap.dedent(
        """\
        import logging

        # our own modules
        from .ship_to_reject import ship_to_reject
        from .tiktok import Client
        """
    )


def test_an_unsorted_run_or_another_level_is_left_alone() -> None:
    unsorted = """\
        from .warehouse import Warehouse
        from .config import HANDOVER
        from .ship_to_reject import ship_to_reject
        """
    assert placed(unsorted) == textwrap.dedent(unsorted)
    absolute_run = """\
        from zeta import z
        from .ship_to_reject import ship_to_reject
        """
    assert placed(absolute_run) == textwrap.dedent(absolute_run)
    own_run = """\
        from urllib.parse import urljoin

        from .ship_to_reject import ship_to_reject
        """
    assert placed(own_run) == textwrap.dedent(own_run)
    already = """\
        from .config import HANDOVER
        from .ship_to_reject import ship_to_reject
        """
    assert placed(already) == textwrap.dedent(already)
