"""Does a byte string contain any of many fixed strings? One pass, not one per string.

The prefilter asks this of every file in the tree, so it is the scan's floor. With
``ahocorasick-rs`` (an Aho-Corasick automaton in Rust) the whole question is one pass over
the bytes: 0.16 s for 54 MB of Django, SymPy and Ansible against 68 needles, where one
``bytes in`` per needle (CPython's fast search, one pass each) takes 1.5 s. Without the
package (Python 3.9, or a platform with no wheel) the ``bytes in`` loop gives the same
answers, only slower.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Callable

_HAS_AUTOMATON = importlib.util.find_spec("ahocorasick_rs") is not None


def _each_in_turn(needles: tuple[bytes, ...]) -> Callable[[bytes], bool]:
    def contains_any(data: bytes) -> bool:
        return any(needle in data for needle in needles)

    return contains_any


def _automaton(needles: tuple[bytes, ...]) -> Callable[[bytes], bool]:
    from ahocorasick_rs import BytesAhoCorasick

    automaton = BytesAhoCorasick(list(needles))

    def contains_any(data: bytes) -> bool:
        return bool(automaton.find_matches_as_indexes(data, overlapping=False))

    return contains_any


def any_of(needles: Sequence[bytes], automaton: bool = True) -> Callable[[bytes], bool]:
    """A test for "holds at least one of ``needles``" (no needle: always False).

    ``automaton=False`` forces the pure-Python loop (what runs without ahocorasick-rs)."""
    kept = tuple(n for n in needles if n)
    if not kept:
        return lambda data: False
    if automaton and _HAS_AUTOMATON:
        return _automaton(kept)
    return _each_in_turn(kept)


# (index of the needle, where it starts), for every place a needle is found
Places = list[tuple[int, int]]


def each_place(needles: Sequence[bytes], automaton: bool = True) -> Callable[[bytes], Places]:
    """A search for every occurrence of every needle, overlaps included: ``(index of the
    needle, where it starts)``, in no particular order: one pass with the automaton."""
    kept = [n for n in needles if n]
    if len(kept) != len(needles):
        raise ValueError("an empty needle is found everywhere")
    if automaton and _HAS_AUTOMATON and kept:
        from ahocorasick_rs import BytesAhoCorasick

        found = BytesAhoCorasick(kept).find_matches_as_indexes

        def each_automaton(data: bytes) -> Places:
            return [(index, start) for index, start, _ in found(data, overlapping=True)]

        return each_automaton

    def each_in_turn(data: bytes) -> Places:
        places: Places = []
        for index, needle in enumerate(kept):
            at = data.find(needle)
            while at >= 0:
                places.append((index, at))
                at = data.find(needle, at + 1)
        return places

    return each_in_turn


def has_automaton() -> bool:
    return _HAS_AUTOMATON
