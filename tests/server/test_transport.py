"""The WebSocket transport's settings: no Nagle delay, no per-message deflate unless asked."""

from __future__ import annotations

import base64
import socket

import pytest
from live_support import BASE_WAIT


def handshake(url: str) -> str:
    """Open a WebSocket offering permessage-deflate; the server's answer headers."""
    host, port = url.removeprefix("http://").split(":")
    key = base64.b64encode(b"fedcba9876543210").decode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                      "\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
    return answer.split(b"\r\n\r\n")[0].decode().lower()


@pytest.mark.parametrize("compression", [False, True])
def test_deflate_only_when_configured(make_live, compression: bool) -> None:
    live = make_live(COMPRESSION=compression)
    headers = handshake(live.url)
    assert headers.startswith("http/1.1 101")
    assert ("permessage-deflate" in headers) is compression


def test_an_empty_message_is_dropped_and_the_connection_goes_on(live, caplog) -> None:
    """engine.io raised out of the connection's handler on an empty message (a 500 with a
    traceback: the raw-frame fuzzer found it); the connection must just go on."""
    import websocket

    ws = websocket.create_connection(
        live.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket",
        timeout=BASE_WAIT)
    try:
        assert ws.recv().startswith("0{")  # engine.io's open packet
        ws.send("")
        ws.send_binary(b"")
        ws.send('40{"session": null}')  # then a Socket.IO connect, as usual
        received = [ws.recv() for _ in range(2)]
        assert received[0].startswith("40{"), received
        assert received[1].startswith('42["hello"'), received
    finally:
        ws.close()
    assert not [r for r in caplog.records if r.exc_info], caplog.text[:2000]
