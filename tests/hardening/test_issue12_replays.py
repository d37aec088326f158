"""Issue 12's breaks, replayed as the issue's hostile student sent them, on the real command.

One `backprop-xor serve --database F` in a subprocess; a victim tab steps its net
while a raw WebSocket (no Socket.IO client to tidy what it sends) sends the
issue's packets: imports with NaN inside a mark and in random-sampling inputs,
string inputs, an rng state of 2**300 and one nested 950 deep, 990 levels of
nesting on an event, and a foreign Host. Each must be refused naming its field
(never "internal error", never a traceback in the log); then the victim's
session must still be saved: SIGKILL, restart, and it comes back exactly.
The other breaks are replayed where their machinery lives: a non-reading
client (`tests/server/test_flow.py`, `bench/soak.py --non-readers 5`) and a
Redis outage (`tests/server/test_deployment.py`).
"""

from __future__ import annotations

import json
import math
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import websocket
from live_support import WAIT, LiveClient, eventually
from process_support import ServerProcess

from app.engine import Trainer, TrainingConfig

pytestmark = pytest.mark.slow  # server processes

GOOD = {**Trainer(TrainingConfig()).state(), "format": "backprop-xor/1"}
RANDOM = {**GOOD, "settings": {**GOOD["settings"], "sampling": "random"}}


def state(base: dict[str, Any] = GOOD, **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def nested(depth: int) -> str:
    return "[" * depth + "0" + "]" * depth


#: (what the issue sent, the packet as text, the field the refusal must name)
POISON = [
    ("NaN in an extra field of a mark",
     json.dumps(["import", {"state": state(marks=[{"epoch": 1, "kind": "edit", "x": math.nan}])}]),
     "packet"),
    ("a finite extra field in a mark",
     json.dumps(["import", {"state": state(marks=[{"epoch": 1, "kind": "edit", "x": 1.5}])}]),
     "state.marks[0].x"),
    ("NaN in random-sampling inputs",
     json.dumps(["import", {"state": state(RANDOM, inputs=[[math.nan, 0.5]] * 4)}]), "packet"),
    ("string inputs",
     json.dumps(["import", {"state": state(RANDOM, inputs=[[0.5, "0.5"]] * 4)}]),
     "state.inputs[0][1]"),
    ("an rng state of 2**300",
     json.dumps(["import", {"state": state(rng={**GOOD["rng"], "state": {
         "state": str(2**300), "inc": "1"}})}]), "state.rng.state.state"),
    ("an rng state nested 950 deep",
     json.dumps(["import", {"state": state(rng={**GOOD["rng"], "state": "@"})}]).replace(
         '"@"', nested(950)), "packet"),
    ("990 levels of nesting on an event", '["step",' + nested(990) + "]", "packet"),
]


def ack(ws: websocket.WebSocket, number: int) -> Any:
    """Read until the ack of packet `number` (answering pings); its payload."""
    while True:
        message = ws.recv()
        if message == "2":
            ws.send("3")
        elif isinstance(message, str) and message.startswith(f"43{number}["):
            return json.loads(message[len(f"43{number}"):])[0]


def stored(database: Path, session: str) -> dict[str, Any] | None:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT state FROM sessions WHERE id = ?", (session,)).fetchone()
    return json.loads(row[0]) if row else None


def test_every_break_is_refused_and_the_victim_is_still_saved(tmp_path: Path) -> None:
    database = tmp_path / "s.sqlite3"
    server = ServerProcess("--database", str(database))
    try:
        victim = LiveClient(server.url)
        victim.frame()
        session = victim.hello["session"]
        for _ in range(7):
            assert victim.call("step", {"unit": "pattern"})["ok"]

        ws = websocket.create_connection(
            server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
            timeout=WAIT)
        assert ws.recv().startswith("0")
        ws.send("40")
        for number, (what, packet, field) in enumerate(POISON, start=1):
            ws.send(f"42{number}{packet}")
            reply = ack(ws, number)
            assert reply["ok"] is False and reply["field"] == field, (what, reply)
            assert reply["error"].startswith(f"{field}: "), (what, reply)
            assert "internal error" not in reply["error"], (what, reply)
        ws.close()

        for path in ("/", "/socket.io/?EIO=4&transport=polling"):  # a DNS-rebinding page
            request = urllib.request.Request(server.url + path, headers={"Host": "evil.example"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=WAIT)
            assert refused.value.code == 421

        for _ in range(5):  # the victim goes on, and is saved
            assert victim.call("step", {"unit": "pattern"})["ok"]
        exported = victim.call("export")["state"]
        eventually(lambda: stored(database, session) == exported)
        assert server.kill() == -9
        victim.close()
        assert "Traceback" not in server.output and "internal error" not in server.output
        assert all(len(line) < 300 for line in server.lines), server.output[-2000:]
    finally:
        server.stop()

    server = ServerProcess("--database", str(database))
    try:
        back = LiveClient(server.url, session=session)
        assert back.hello["resumed"] and back.hello["session"] == session
        assert back.call("export")["state"] == exported  # exact
        with urllib.request.urlopen(server.url + "/healthz", timeout=WAIT) as answer:
            assert json.load(answer)["ok"] is True
        back.close()
    finally:
        server.stop()
