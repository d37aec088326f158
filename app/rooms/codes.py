"""Join codes: 6 characters a student can read off a projector and type without doubt.

The alphabet leaves out every character easily confused with another: O, Q and 0
(with D), 1, I and L, 2 and Z, 5 and S, 8 and B, 9: 23 characters left, so
23^6 ≈ 148 million codes.
"""

from __future__ import annotations

import secrets
from collections.abc import Container

from app.engine.errors import FieldError

ALPHABET = "ACDEFGHJKMNPRTUVWXY3467"
CODE_LENGTH = 6


def new_code(taken: Container[str] = ()) -> str:
    """A random code not in `taken`."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalize_code(code: object) -> str:
    """The code as typed, upper-cased, with spaces and dashes dropped; ValueError if malformed."""
    if not isinstance(code, str) or len(code) > 32:
        raise FieldError("room", "room: need the room's 6-character join code")
    cleaned = code.upper().replace(" ", "").replace("-", "")
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        raise FieldError("room",
                         f"room: {code!r} is not a join code (6 characters from {ALPHABET})")
    return cleaned
