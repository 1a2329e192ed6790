"""Where a finding sits: production code, tests, fixtures or a vendored SDK copy.

A maintainer wants production sites first; test mocks, signing vectors and vendored
SDKs are still reported, marked as such in every output.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

PRODUCTION = "production"
_VENDORED = {
    "vendor",
    "vendored",
    "_vendor",
    "third_party",
    "thirdparty",
    "site-packages",
    "externals",
}
_FIXTURES = {"fixtures", "fixture", "testdata", "test_data", "mocks", "__mocks__", "cassettes"}
_TESTS = {"tests", "test", "testing", "__tests__", "spec", "specs"}
# Test files by name in the other languages scan reads: Go, Ruby, JS/TS, PHP, Java, C#.
_TEST_NAMES = re.compile(
    r"_test\.(?:go|rb)$|_spec\.rb$|\.(?:test|spec)\.[cm]?[jt]sx?$|Tests?\.(?:php|java|cs)$"
)


def origin_of(path: str) -> str:
    """``production``, ``test``, ``fixture`` or ``vendored`` for a POSIX path."""
    pure = PurePosixPath(path)
    folders = {part.lower() for part in pure.parts[:-1]}
    if folders & _VENDORED:
        return "vendored"
    if folders & _FIXTURES:
        return "fixture"
    name = pure.name
    if (
        folders & _TESTS
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or _TEST_NAMES.search(name)
    ):
        return "test"
    return PRODUCTION


def marked(message: str, origin: str) -> str:
    """The message with where it sits, for outputs that show only the message."""
    return message if origin == PRODUCTION else f"{message} [{origin} code]"
