"""Security defaults: response headers and a secret key per installation."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_headers(response: Response) -> Response:
    """Put the security headers on every response."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def secret_key(app: Flask) -> str:
    """The installation's secret key, kept in the instance folder (made on first use).

    Falls back to a key for this process only when the folder cannot be written.
    """
    path = Path(app.instance_path) / "secret_key"
    try:
        return path.read_text().strip() or _new_key(path)
    except FileNotFoundError:
        try:
            return _new_key(path)
        except OSError:
            return secrets.token_hex(32)
    except OSError:
        return secrets.token_hex(32)


def _new_key(path: Path) -> str:
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
