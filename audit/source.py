"""Reading source files: bytes from disk, then text in the file's own encoding."""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

_BINARY_PROBE = 8192


# Python ends a line at \n, \r\n or \r only; str.splitlines() also splits at \x0b, \x0c,
# \x1c-\x1e, \x85, \u2028 and \u2029, which would shift every line number after one.
_LINE_END = re.compile(r"\r\n|\r|\n")


def python_lines(text: str, keepends: bool = False) -> list[str]:
    """``text.splitlines()`` as Python's tokenizer counts lines."""
    if keepends:
        lines = [m.group(0) for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)]
        return lines
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


class SourceError(Exception):
    """A file that cannot be read or decoded, worded for the user."""


@dataclass(frozen=True)
class DecodedSource:
    text: str
    encoding: str  # as declared or detected, e.g. "utf-8", "utf-8-sig", "latin-1"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc


def looks_binary(data: bytes) -> bool:
    """Text files never contain NUL bytes; compiled and image files almost always do."""
    return data.find(b"\x00", 0, _BINARY_PROBE) >= 0  # no copy of the probed bytes


def decode(data: bytes) -> DecodedSource:
    """Decode as Python does: a BOM or a PEP 263 coding cookie, else UTF-8. Source holds
    no NUL byte (Python refuses one): a NUL past the binary probe is a per-file error."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise SourceError(f"cannot read as source: a NUL byte on line {line} (a binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc.msg):
            raise SourceError(f"cannot decode: {exc.msg}") from exc
        encoding = "utf-8"  # undecodable first lines: let the decode below say where
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except LookupError as exc:  # a codec that is not a text encoding: rot13, hex, zip
        raise SourceError(f"cannot decode: '{encoding}' is not a text encoding") from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = (
            "declare the encoding with a PEP 263 coding cookie or save the file as UTF-8"
            if encoding in ("utf-8", "utf-8-sig")
            else "the file does not match its coding cookie"
        )
        raise SourceError(
            f"cannot decode as {encoding}: byte 0x{data[exc.start]:02x} on line {line}; {hint}"
        ) from exc
    return DecodedSource(text, encoding)
