"""What a project's identifiers say about themselves, word by word.

``DENIED_ROUTES``, ``blockedRoutes`` and ``_call_signed`` are split into words
(``denied``, ``routes``; ``blocked``, ``routes``; ``call``, ``signed``), and the words
decide: a constant that lists refused routes, a function that signs rather than sends.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

# A deny list of a read-only gateway names endpoints it never sends.
_DENIAL_WORDS = frozenset(
    {
        "deny",
        "denied",
        "denylist",
        "block",
        "blocked",
        "blocklist",
        "blacklist",
        "blacklisted",
        "forbid",
        "forbidden",
        "disallow",
        "disallowed",
        "refuse",
        "refused",
        "banned",
        "prohibit",
        "prohibited",
        # TikTok Shop integrators write in their own language: Spanish and Portuguese
        # (PROHIBIDAS, rotas_proibidas), French, Italian, German
        "prohibido",
        "prohibidos",
        "prohibida",
        "prohibidas",
        "proibido",
        "proibidos",
        "proibida",
        "proibidas",
        "bloqueado",
        "bloqueados",
        "bloqueada",
        "bloqueadas",
        "interdit",
        "interdits",
        "interdite",
        "interdites",
        "vietato",
        "vietati",
        "vietate",
        "verboten",
        "gesperrt",
    }
)
# A request's URL handed to a signing function is not a request of its own (and a
# signing test vector is no call of the endpoint at all). ``generate_sign``, ``cal_sign``,
# ``get_signature`` and ``hmac_sha256`` sign; ``_call_signed``, ``post_signed_with_shop``
# and ``signed_request`` send a signed request, and ``call_design`` signs nothing.
_SIGNING_WORDS = frozenset({"sign", "signature", "signer", "hmac", "digest"})
_SENDING_WORDS = frozenset(
    {"signed", "call", "post", "put", "patch", "send", "fetch", "invoke", "execute", "http", "api"}
)


def name_words(name: str) -> frozenset[str]:
    """The lower-case words of a snake_case, camelCase or CONSTANT_CASE name."""
    return frozenset(word.lower() for word in _WORD.findall(name))


def names_a_denial(name: str) -> bool:
    """Whether an assigned name says its value lists what is refused."""
    return bool(name_words(name) & _DENIAL_WORDS)


def is_signing_name(name: str) -> bool:
    """Whether a function of this name computes a signature rather than sending."""
    words = name_words(name)
    return bool(words & _SIGNING_WORDS) and not words & _SENDING_WORDS
