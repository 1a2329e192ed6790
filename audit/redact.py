"""Mask credentials in what a scan shows: snippets, messages and hints.

Outputs are uploaded (code scanning, PR comments, CI logs), and the line a finding sits
on is often the very line that signs a TikTok Shop request. The value after a credential
key (``app_secret``, ``access_token``, ``sign``, ``x-tts-access-token`` ...) becomes
``***``, in code (``app_secret="..."``, ``{"sign": "..."}``, ``'sign' => '...'``), in URLs
(``?access_token=...&sign=...``) and in headers (``Authorization: Bearer ...``). Only the
value goes: the key, the line and the columns stay, so findings still point at the line.
A variable (``access_token=token``) or an f-string hole (``sign={sig}``) is no secret
and is kept.
"""

from __future__ import annotations

import dataclasses
import re

from audit.findings import FileError, Finding, ScanResult

MASK = "***"

_KEYS = (
    r"x[-_]tts[-_]access[-_]token",
    r"(?:app|client|api|consumer|shop)[-_]?secret",
    r"(?:access|refresh|auth|api|bearer|session|id)[-_]?token",
    r"api[-_]?key",
    r"secret(?:[-_]?key)?",
    r"sign(?:ature)?",
    r"pass(?:word|wd)?",
    r"authorization",
    r"token",
)
_KEY = r"(?<![A-Za-z0-9_])(?:" + "|".join(_KEYS) + r")"
# key, its closing quote if any, the separator, then a quoted value
_QUOTED = re.compile(
    _KEY
    + r"""(?P<head>["']?\s*(?:=>|:=|[:=])\s*(?:[bfru]{0,2})(?P<q>["']))"""
    + r"""(?P<value>[^"'\n]*?)(?P=q)""",
    re.IGNORECASE,
)
# key=value in a URL query or a header line; the value runs to the next delimiter
_BARE = re.compile(
    _KEY + r"""(?P<head>["']?\s*(?:=(?!>)|:)\s*)(?P<value>[^\s"'&#,;)}\]{(\\]+)(?![\w(.\[])""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<head>\b(?:Bearer|Basic|Token)\s+)(?P<value>[A-Za-z0-9._~+/=-]{6,})")
# what a bare value may be without being a secret: a name in code
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def _mask_quoted(match: re.Match[str]) -> str:
    value = match.group("value")
    if not value or (value.startswith("{") and value.endswith("}")):
        return match.group(0)
    start = match.start("value") - match.start(0)
    end = match.end("value") - match.start(0)
    text = match.group(0)
    return text[:start] + MASK + text[end:]


_NOT_SECRETS = frozenset({"none", "null", "true", "false", "str", "bytes", "optional", "any"})


def _mask_bare(match: re.Match[str]) -> str:
    value = match.group("value")
    head = match.group("head")
    before = match.string[match.start() - 1 : match.start()]
    in_query = before in ("?", "&", ";")  # ``?access_token=abc123``: always a value
    # ``app_secret=secret``, ``{"sign": sign}``: a variable in code, not a secret
    code_name = _NAME.match(value) and (":" not in head or head.lstrip()[:1] in "\"'")
    if not in_query and (code_name or value == MASK or value.lower() in _NOT_SECRETS):
        return match.group(0)
    text = match.group(0)
    start = match.start("value") - match.start(0)
    return text[:start] + MASK


def redact(text: str) -> str:
    """``text`` with every credential value masked."""
    if not text:
        return text
    text = _QUOTED.sub(_mask_quoted, text)
    text = _BEARER.sub(lambda m: m.group("head") + MASK, text)
    return _BARE.sub(_mask_bare, text)


def redact_finding(finding: Finding) -> Finding:
    snippet, message, hint = redact(finding.snippet), redact(finding.message), redact(finding.hint)
    if (snippet, message, hint) == (finding.snippet, finding.message, finding.hint):
        return finding
    return dataclasses.replace(finding, snippet=snippet, message=message, hint=hint)


def redact_result(result: ScanResult) -> ScanResult:
    """The result every output and report shows: the same findings, values masked."""
    return dataclasses.replace(
        result,
        findings=tuple(redact_finding(f) for f in result.findings),
        errors=tuple(FileError(e.path, redact(e.message)) for e in result.errors),
    )
