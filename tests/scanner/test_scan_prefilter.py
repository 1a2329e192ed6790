"""The byte-level prefilter: which files are worth parsing at all."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from audit.catalog import load_catalog
from audit.config import apply_to_catalog, parse_config
from audit.multi_search import any_of, each_place, has_automaton
from audit.prefilter import Prefilter

CATALOG = load_catalog()
FRAGMENTS = [f.encode() for f in CATALOG.prefilter_fragments()]
CODES = re.compile(rb"21_?011_?007")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def naive(data: bytes) -> bool:
    """The prefilter's meaning, written the slow obvious way."""
    return any(fragment in data for fragment in FRAGMENTS) or CODES.search(data) is not None


@pytest.fixture(scope="module", params=[True, False], ids=["automaton", "bytes-in"])
def prefilter(request: pytest.FixtureRequest) -> Prefilter:
    # the Aho-Corasick automaton, and the pure-Python loop used where it is not installed
    return Prefilter.from_catalog(CATALOG, automaton=request.param)


def test_the_automaton_is_installed() -> None:
    # pyproject requires it on Python 3.10+; without it the scan is ten times slower
    assert sys.version_info < (3, 10) or has_automaton()


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda f: f.decode())
def test_every_fragment_makes_a_candidate(prefilter: Prefilter, fragment: bytes) -> None:
    assert prefilter.is_candidate(b"x = 1\n# " + fragment + b" here\n")


@pytest.mark.parametrize("spelling", [b"21011007", b"21_011_007", b"21_011007", b"21011_007"])
def test_every_spelling_of_the_error_code(prefilter: Prefilter, spelling: bytes) -> None:
    assert prefilter.is_candidate(b"if exc.code == " + spelling + b":\n")
    assert not prefilter.is_candidate(b"if exc.code == " + spelling.replace(b"7", b"8") + b":\n")


def test_ordinary_code_is_not_a_candidate(prefilter: Prefilter) -> None:
    ordinary = b"import os\n\ndef ship(order):\n    return order.cancel(reason='late')\n"
    assert not prefilter.is_candidate(ordinary)


def test_agrees_with_the_obvious_definition(prefilter: Prefilter) -> None:
    samples = [path.read_bytes() for path in sorted(EXAMPLES.rglob("*.py"))]
    assert any(naive(s) for s in samples) and not all(naive(s) for s in samples)
    rng = random.Random(20240331)
    pieces = [*FRAGMENTS, b"21_011", b"011_007", b"cancel", b"/packages/", b" ", b"\n", b"_"]
    for _ in range(2000):
        # Bits of fragments glued together: near misses and accidental hits.
        text = b"".join(rng.choice(pieces)[: rng.randint(1, 12)] for _ in range(6))
        samples.append(text)
    for sample in samples:
        assert prefilter.is_candidate(sample) is naive(sample), sample


def test_context_is_case_blind(prefilter: Prefilter) -> None:
    assert prefilter.has_context(b'BASE = "https://OPEN-API.TikTokGlobalShop.com"')
    assert prefilter.has_context(b"headers = {'X-TTS-Access-Token': token}")
    assert not prefilter.has_context(b"client.reject_cancellation(cid)")


def test_user_patterns_join_the_prefilter() -> None:
    config = parse_config(
        {
            "patterns": {
                "CA101": {"methods": ["nuke_cancel_request"], "urls": ["/proxy/{id}/deny"]},
                "CA201": {"codes": [1234567]},
            },
            "context": ["acme_tts_client"],
        },
        CATALOG,
    )
    prefilter = Prefilter.from_catalog(apply_to_catalog(config, CATALOG))

    assert prefilter.is_candidate(b"api.nuke_cancel_request(cid)")
    assert prefilter.is_candidate(b'http.post(f"/proxy/{cid}/deny")')
    assert prefilter.is_candidate(b"if code == 1_234_567:")
    assert prefilter.has_context(b"from acme_tts_client import Client")


def test_project_constants(prefilter: Prefilter) -> None:
    source = (
        b'API_VERSION = "202309"\n'
        b"AFTER_SALE: int = 21_011_007  # cancel pending\n"
        b'AS_TEXT = "21011007"\n'
        b"OTHER = 36009003\n"
        b"    NESTED = 21011007\n"
        b'lower = "202309"\n'
    )

    assert prefilter.project_constants(source) == {
        "API_VERSION": "202309",
        "AFTER_SALE": 21011007,
        "AS_TEXT": 21011007,
        "NESTED": 21011007,
    }


@pytest.mark.parametrize("automaton", [True, False])
def test_any_of_without_needles_finds_nothing(automaton: bool) -> None:
    assert not any_of([], automaton)(b"anything")
    assert not any_of([b""], automaton)(b"anything")  # an empty needle is not "everywhere"
    assert any_of([b"", b"ship"], automaton)(b"/ship")


def whole_file_constants(prefilter: Prefilter, data: bytes) -> dict[str, object]:
    """What the constant pattern finds run over the whole file (the obvious, slow way)."""
    found: dict[str, object] = {}
    for match in prefilter.constants.finditer(data):
        if match.group(3) is not None:
            found[match.group(1).decode()] = int(match.group(3).replace(b"_", b""))
        else:
            text = match.group(2).decode()
            code = text.replace("_", "")
            found[match.group(1).decode()] = int(code) if code in ("21011007",) else text
    return found


def test_constants_are_found_only_where_the_whole_file_pattern_finds_them(
    prefilter: Prefilter,
) -> None:
    # The prefilter tries the pattern only on lines holding a possible value.
    message = CATALOG.messages[0].encode()
    lines = [
        b'API_VERSION = "202309"',
        b"API_VERSION = '202406'  # newer",
        b"AFTER_SALE = 21_011_007",
        b'LEGACY = r"21011007"',
        b'MESSAGE = "' + message + b'"',
        b"YEAR = 2023",
        b'DATE = "2023-09-01"',
        b"x = 21011007",
        b"    NESTED: int = 21011007",
        b'TEXT = "see 202309"',
    ]
    samples = [path.read_bytes() for path in sorted(EXAMPLES.rglob("*.py"))]
    rng = random.Random(20231001)
    for _ in range(300):
        picked = [rng.choice(lines) for _ in range(rng.randint(1, 6))]
        ending = rng.choice([b"\n", b"\r\n"])
        samples.append(ending.join(picked) + rng.choice([b"", ending]))
    for sample in samples:
        assert prefilter.project_constants(sample) == whole_file_constants(prefilter, sample)
    assert prefilter.project_constants(b'MESSAGE = "' + message + b'"') == {
        "MESSAGE": message.decode()
    }


def test_a_survey_answers_both_questions_at_once(prefilter: Prefilter) -> None:
    source = b'API_VERSION = "202309"\nclient.reject_cancellation(cid)\n'
    assert prefilter.survey(source) == (True, {"API_VERSION": "202309"})
    assert prefilter.survey(b'API_VERSION = "202309"\n') == (False, {"API_VERSION": "202309"})
    assert prefilter.survey(b"nothing here\n") == (False, {})


@pytest.mark.parametrize("automaton", [True, False])
def test_each_place_finds_every_occurrence_overlaps_included(automaton: bool) -> None:
    places = each_place([b"ab", b"b", b"abc"], automaton)
    assert sorted(places(b"xabcab")) == [(0, 1), (0, 4), (1, 2), (1, 5), (2, 1)]
    assert places(b"nothing") == []
    with pytest.raises(ValueError):
        each_place([b"", b"a"], automaton)
