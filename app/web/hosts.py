"""Which Host names the server answers to, and which proxies it believes.

DNS rebinding: a page on evil.example whose name is made to resolve to this
server's address can talk to it from a visitor's browser with `Host:
evil.example` (the Origin check does not help: to the browser that page is
same-origin). So every request, the Socket.IO handshake included, must name an
allowed host, or it gets 421 with a message naming the host and the setting:
localhost, 127.0.0.1 and ::1, this machine's own names and addresses (so
`--host 0.0.0.0` on a classroom's Wi-Fi needs no setup), the address `serve`
listens on, and whatever `ALLOWED_HOSTS` adds (`--allowed-host NAME`, repeatable;
"*" allows any).

Behind a reverse proxy, `TRUST_PROXY` = N (`--proxy N`, or the environment
variable) trusts the last N proxies' X-Forwarded-For, -Proto and -Host through
Werkzeug's ProxyFix: per-address limits then count the students, not nginx, and
join links carry the address the presenter used. Without it, forwarded headers
are removed before anything reads them (engine.io would otherwise believe a
client's X-Forwarded-Host in its origin check).
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import os
import socket
import struct
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

ALWAYS = frozenset({"localhost", "127.0.0.1", "::1"})
FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")
_SIOCGIFADDR = 0x8915


def machine_addresses() -> set[str]:
    """This machine's host names and IP addresses (IPv4 per interface, IPv6 on Linux)."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        found |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    for name in list(found):
        with contextlib.suppress(OSError, UnicodeError):
            found |= {info[4][0] for info in socket.getaddrinfo(name, None)}
    with contextlib.suppress(OSError):
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with probe:
            for _index, interface in socket.if_nameindex():
                with contextlib.suppress(OSError):
                    request = struct.pack("256s", interface.encode()[:15])
                    answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
                    found.add(socket.inet_ntoa(answer[20:24]))
    with contextlib.suppress(OSError), open("/proc/net/if_inet6") as table:
        for line in table:
            digits = line.split()[0]
            found.add(str(ipaddress.IPv6Address(bytes.fromhex(digits))))
    return {a.split("%")[0] for a in found if a}


def host_name(header: str) -> str:
    """The name in a Host header, without its port and IPv6 brackets, lower-cased."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header.rstrip(".")


class HostGuard:
    """WSGI middleware: answer only requests whose Host is allowed; drop untrusted forwarding."""

    def __init__(self, app: Any, allowed: Iterable[str], trust_forwarded: bool) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in allowed}
        self.any = "*" in self.allowed
        self.trust_forwarded = trust_forwarded
        self.refused = 0

    def allows(self, host: str) -> bool:
        """True when `host` (a Host header) names this server."""
        return self.any or host_name(host) in self.allowed

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not self.trust_forwarded:
            for key in FORWARDED:
                environ.pop(key, None)
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if self.allows(host):
            return self.app(environ, start_response)
        self.refused += 1
        shown = host_name(host)[:80] or "(none)"
        body = (f"host: {shown!r} is not a name of this server; add it with "
                "--allowed-host NAME (ALLOWED_HOSTS)\n").encode()
        start_response("421 Misdirected Request", [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [body]


def install(app: Any) -> HostGuard:
    """Wrap `app.wsgi_app` in the Host check and, with TRUST_PROXY = N > 0, ProxyFix outside it
    (so the Host checked is the one the client asked the proxy for)."""
    proxies = app.config.get("TRUST_PROXY")
    if proxies is None:
        proxies = os.environ.get("TRUST_PROXY", "0").strip() or "0"
    try:
        proxies = int(proxies)
    except (TypeError, ValueError):
        raise ValueError(f"TRUST_PROXY: need a number of proxies, got {proxies!r}") from None
    if not 0 <= proxies <= 10:
        raise ValueError(f"TRUST_PROXY: need 0 to 10 proxies, got {proxies}")
    allowed = set(ALWAYS) | machine_addresses() | set(app.config.get("ALLOWED_HOSTS") or ())
    if app.config.get("SERVER_HOST"):
        allowed.add(app.config["SERVER_HOST"])
    guard = HostGuard(app.wsgi_app, allowed, trust_forwarded=proxies > 0)
    app.wsgi_app = guard
    if proxies:
        app.wsgi_app = ProxyFix(guard, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies)
    app.extensions["backprop_hosts"] = guard
    return guard
