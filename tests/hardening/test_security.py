"""Security: same-origin Socket.IO, the secret key, unguessable ids compared in constant
time, headers on every response, no debugger or reloader, loopback by default."""

from __future__ import annotations

import hmac
import socket
import string
import urllib.error
import urllib.request
from typing import Any

import pytest
import websocket
from hardening_support import EventClient, ServerProcess

from app.sessions import registry as registry_module
from app.web import create_app, server
from app.web import socketio as flask_socketio
from app.web.hosts import machine_addresses
from app.web.security import CONTENT_SECURITY_POLICY

EVIL = "http://evil.example"


def raw_http(port: int, path: str, headers: dict[str, str]) -> str:
    """The status line of a raw HTTP/1.1 GET (nothing in between rewrites headers)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall("\r\n".join(lines).encode())
        reply = b""
        while b"\r\n" not in reply:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.split(b"\r\n", 1)[0].decode()


def websocket_handshake(url: str, origin: str | None) -> int:
    """The HTTP status the server answers a Socket.IO WebSocket handshake with."""
    ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    try:
        conn = websocket.create_connection(ws_url, origin=origin, timeout=10) if origin \
            else websocket.create_connection(ws_url, timeout=10, suppress_origin=True)
    except websocket.WebSocketBadStatusException as refused:
        return refused.status_code
    conn.close(timeout=0.05)
    return 101


def test_a_foreign_origin_is_refused_over_websocket_and_polling(live) -> None:
    port = int(live.url.rsplit(":", 1)[1])
    assert websocket_handshake(live.url, EVIL) == 400
    assert websocket_handshake(live.url, live.url) == 101  # the page's own origin
    assert websocket_handshake(live.url, None) == 101  # no Origin: not a browser
    polling = "/socket.io/?EIO=4&transport=polling"
    assert " 400 " in raw_http(port, polling, {"Origin": EVIL})
    assert " 200 " in raw_http(port, polling, {"Origin": live.url})
    assert len(live.registry) == 0  # the refused handshakes opened nothing


def test_a_foreign_origin_is_refused_by_the_real_command() -> None:
    proc = ServerProcess()
    try:
        assert websocket_handshake(proc.url, EVIL) == 400
        assert websocket_handshake(proc.url, proc.url) == 101
    finally:
        proc.stop()


def test_the_secret_key_is_random_per_installation_and_kept(tmp_path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path / "a"), "WARM_UP": False})
    again = create_app({"INSTANCE_PATH": str(tmp_path / "a"), "WARM_UP": False})
    other = create_app({"INSTANCE_PATH": str(tmp_path / "b"), "WARM_UP": False})
    key = first.config["SECRET_KEY"]
    assert len(key) == 64 and set(key) <= set(string.hexdigits)
    assert again.config["SECRET_KEY"] == key != other.config["SECRET_KEY"]
    path = tmp_path / "a" / "secret_key"
    assert path.read_text() == key and path.stat().st_mode & 0o077 == 0
    configured = create_app({"INSTANCE_PATH": str(tmp_path / "c"), "SECRET_KEY": "given",
                             "WARM_UP": False})
    assert configured.config["SECRET_KEY"] == "given"
    assert not (tmp_path / "c" / "secret_key").exists()
    for app in (first, again, other, configured):
        app.extensions["backprop_sessions"].shutdown()


def test_session_ids_and_tokens_come_from_secrets(monkeypatch, sock, app) -> None:
    made: list[int] = []
    real = registry_module.secrets.token_urlsafe

    def counted(n: int) -> str:
        made.append(n)
        return real(n)

    monkeypatch.setattr(registry_module.secrets, "token_urlsafe", counted)
    client = flask_socketio.test_client(app)
    hello = next(e["args"][0] for e in client.get_received() if e["name"] == "hello")
    assert made == [32] and len(hello["session"]) == 43  # 256 random bits
    opened = client.emit("room_open", {}, callback=True)
    assert len(opened["token"]) == 43
    client.disconnect()


def test_ids_and_tokens_are_compared_in_constant_time(monkeypatch, app) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    registry = app.extensions["backprop_sessions"]
    session, _ = registry.open(None)
    assert registry.open(session.id) == (session, True)
    assert compared == [(session.id.encode(), session.id.encode())]
    room = app.extensions["backprop_classroom"].rooms.open(session)
    compared.clear()
    assert not room.check_token(room.token[:-1] + "x") and room.check_token(room.token)
    assert len(compared) == 2


ROUTES = ["/", "/api/settings", "/healthz", "/static/css/app.css", "/static/js/main.js",
          "/static/nope.js", "/nope", "/join/ABCDEF", "/join/!!", "/room/ABCDEF/qr.svg",
          "/room/ABCDEF/polls.csv"]


@pytest.mark.parametrize("path", ROUTES)
def test_security_headers_on_every_response(client, path) -> None:
    response = client.get(path, headers={"Origin": "http://localhost"})
    response.close()
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_security_headers_on_an_open_rooms_routes(app, client) -> None:
    session, _ = app.extensions["backprop_sessions"].open(None)
    room = app.extensions["backprop_classroom"].rooms.open(session)
    for path, status in ((f"/room/{room.code}/qr.svg", 200),
                         (f"/room/{room.code}/polls.csv", 403)):
        response = client.get(path)
        assert response.status_code == status
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    csv = client.get(f"/room/{room.code}/polls.csv", headers={"X-Room-Token": room.token})
    assert csv.status_code == 200 and csv.headers["X-Content-Type-Options"] == "nosniff"


def test_no_debugger_or_reloader_even_with_flask_debug_set(monkeypatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    calls: list[dict[str, Any]] = []

    def fake_run(app: Any, **kwargs: Any) -> None:
        calls.append({"app_debug": app.debug, **kwargs})

    monkeypatch.setattr(server.socketio, "run", fake_run)
    monkeypatch.setattr(server, "create_app", lambda config=None: create_app(
        {**(config or {}), "TESTING": True, "WARM_UP": False, "SECRET_KEY": "k"}))
    assert server.serve(port=0) == 0
    assert calls[0]["debug"] is False and calls[0]["use_reloader"] is False
    assert calls[0]["host"] == "127.0.0.1"  # loopback unless told otherwise


@pytest.mark.parametrize(("host", "network"), [
    ("127.0.0.1", False), ("localhost", False), ("::1", False), ("127.0.1.1", False),
    ("0.0.0.0", True), ("::", True), ("192.168.1.20", True), ("myhost.local", True),
])
def test_a_network_address_is_recognised(host, network) -> None:
    assert server.on_network(host) is network


def local_address() -> str | None:
    """This machine's address on its network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
        except OSError:
            return None
        return probe.getsockname()[0]


def test_serve_binds_loopback_by_default_and_warns_on_a_network() -> None:
    quiet = ServerProcess()
    try:
        assert "backprop-xor: WARNING" not in quiet.output
        assert "127.0.0.1" in quiet.wait_for("serving on")
        other = local_address()
        if other is None or other.startswith("127."):
            pytest.skip("no non-loopback address to try")
        with pytest.raises(OSError):  # not reachable on this machine's network address
            socket.create_connection((other, quiet.port), timeout=2).close()
    finally:
        quiet.stop()
    loud = ServerProcess("--host", "0.0.0.0")
    try:
        warning = loud.wait_for("backprop-xor: WARNING")
        assert "0.0.0.0" in warning and "network" in warning
    finally:
        loud.stop()


# ----- Host allow-list and proxies (issue 12: DNS rebinding, everyone behind nginx as one) -----


def handshake(url: str, host: str, headers: dict[str, str] | None = None) -> int:
    """Status of a raw Engine.IO polling handshake sent with `Host: host`."""
    request = urllib.request.Request(f"{url}/socket.io/?EIO=4&transport=polling",
                                     headers={"Host": host, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_foreign_host_gets_no_session(live) -> None:
    port = live.url.rsplit(":", 1)[1]
    before = len(live.registry)
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example",
                 "localhost.evil", "[::2]"):
        assert handshake(live.url, host) in (400, 421), host
    page = live.app.test_client().get("/", headers={"Host": "rebound.example"})
    assert page.status_code == 421 and b"--allowed-host" in page.data
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(live.url.replace("http", "ws") +
                                    "/socket.io/?EIO=4&transport=websocket",
                                    host="evil.example", timeout=10)
    assert refused.value.status_code == 421
    assert len(live.registry) == before
    for host in ("localhost", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert handshake(live.url, host) == 200, host


def test_this_machines_addresses_and_named_hosts_are_allowed(make_live) -> None:
    live = make_live(ALLOWED_HOSTS=("class.example.org",))
    guard = live.app.extensions["backprop_hosts"]
    for address in machine_addresses():
        assert guard.allows(f"[{address}]:5000" if ":" in address else f"{address}:5000")
    assert handshake(live.url, "class.example.org") == 200
    assert handshake(live.url, "CLASS.example.org:8080") == 200
    assert handshake(live.url, "other.example.org") == 421


def test_forwarded_headers_count_only_behind_a_trusted_proxy(make_live) -> None:
    forwarded = {"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Host": "class.example.org",
                 "X-Forwarded-Proto": "https", "Origin": "https://class.example.org"}
    plain = make_live(MAX_SESSIONS_PER_ADDRESS=1)
    without_origin = {k: v for k, v in forwarded.items() if k != "Origin"}
    assert handshake(plain.url, "127.0.0.1", without_origin) == 200  # dropped, not believed
    # a page claiming the forwarded host as its origin is refused: nothing trusts the header
    assert handshake(plain.url, "127.0.0.1", forwarded) == 400
    client = plain.app.test_client()
    assert client.get("/join/ACDEFG", headers=forwarded).status_code == 302
    behind = make_live(TRUST_PROXY=1, ALLOWED_HOSTS=("class.example.org",),
                       MAX_SESSIONS_PER_ADDRESS=1)
    assert behind.app.extensions["backprop_hosts"].trust_forwarded
    # two students behind the proxy are two addresses, not one
    through = {k: v for k, v in forwarded.items() if k != "Origin"}
    first = EventClient(behind.url, headers={**through, "X-Forwarded-For": "10.0.0.1"},
                        origin=forwarded["Origin"])
    second = EventClient(behind.url, headers={**through, "X-Forwarded-For": "10.0.0.2"},
                         origin=forwarded["Origin"])
    try:
        first.wait_event("hello")
        second.wait_event("hello")
        assert behind.registry.count("10.0.0.1") == 1 == behind.registry.count("10.0.0.2")
        assert behind.registry.count("127.0.0.1") == 0
        opened = first.call("room_open")
        assert opened["join_url"] == f"https://class.example.org/join/{opened['code']}"
    finally:
        first.close()
        second.close()
    assert handshake(behind.url, "127.0.0.1", {"X-Forwarded-Host": "evil.example"}) == 421
