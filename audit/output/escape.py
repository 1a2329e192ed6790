"""Text for a terminal: control characters shown, never obeyed.

A file name or a source line can hold ESC sequences (set the window title, clear the
screen, hide text), other C0/C1 controls, and bidirectional overrides that make code
read differently from what it is (Trojan Source). Text output shows each as an escape
(``\\x1b``, ``\\u202e``); tabs stay tabs. ``NO_COLOR`` or not, nothing reaches the
terminal raw.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character but the tab written as an escape."""
    return _CONTROL.sub(_escape, text)
