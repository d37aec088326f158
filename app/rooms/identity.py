"""Students' identities in a room: viewer ids the server issues, with a secret to keep.

A student's answers are kept under their viewer id, so the id must be theirs: the
server makes it (128 random bits) and hands it out with a secret, an HMAC of the
room's code and the id under the room's viewer key (`Room.viewer_key`). The tab
keeps both (sessionStorage, like the session id) and presents them when it
reconnects; any server process of the room can check the pair, since the key
travels with the room's snapshots. An id without its secret, with a wrong one,
or from another room is never taken: that connection gets a new identity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def secret_for(key: str, code: str, viewer: str) -> str:
    """The secret that goes with `viewer` in room `code` (43 characters, URL-safe)."""
    mac = hmac.new(key.encode(), f"{code}:{viewer}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def issue(key: str, code: str) -> tuple[str, str]:
    """A new viewer id and its secret.

    The id is hexadecimal: it is the `student` column of the teacher's polls.csv, and a
    URL-safe one could start with "-", which the CSV's formula guard then had to quote.
    """
    viewer = secrets.token_hex(16)
    return viewer, secret_for(key, code, viewer)


def verify(key: str, code: str, viewer: object, secret: object) -> bool:
    """True when `secret` is the one issued with `viewer` in room `code` (constant time)."""
    if not isinstance(viewer, str) or not isinstance(secret, str) or not viewer or not secret:
        return False
    expected = secret_for(key, code, viewer)
    return hmac.compare_digest(expected.encode(), secret.encode("utf-8", "surrogatepass"))
