"""Fuzzing: random and malformed payloads to every socket event and HTTP route.

Volume goes through the Socket.IO test client (no transport: thousands of cases a
second); a smaller run sends raw, malformed engine.io/Socket.IO frames to a live
server over WebSocket. Cases come from the payloads' own JSON Schemas
(`app.web.payloads.json_schemas`, through `schema_strategies`): valid payloads,
and payloads broken in one known place, whose refusal must name that place; and
from free-form JSON. Either way the server never crashes, every bad request gets
a clear error naming a field (never "internal error", never a server failure),
and a bystander session keeps running and receiving frames. Run with `-s` to see
the case counts.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import Counter
from typing import Any

import pytest
import websocket
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from live_support import LiveClient, eventually, examples
from schema_strategies import broken, valid

from app.engine import SETTINGS
from app.engine.errors import FieldError
from app.sessions.schema import parse
from app.web import create_app
from app.web import socketio as flask_socketio
from app.web.payloads import EVENTS, Auth, json_schemas

#: Every client → server event of docs/protocol.md (commands, room presenter's, students').
COMMANDS = ("configure", "set_weights", "set_weight", "step", "back", "run", "pause", "speed",
            "reset", "randomize", "export", "import", "sweep", "sweep_cancel", "sweep_clear",
            "lesson")
ROOM_COMMANDS = ("room_open", "room_close", "room_controls", "poll_open", "poll_reveal",
                 "poll_close")
VIEWER_EVENTS = ("poll_answer", "room_name", "room_fork")
UNKNOWN = ("", "nope", "frame", "hello", "connect", "disconnect", "error", "x" * 300,
           "__proto__", "configure ")
ALL_EVENTS = COMMANDS + ROOM_COMMANDS + VIEWER_EVENTS
assert set(ALL_EVENTS) == set(EVENTS)  # the protocol's events are the schema's

FIELDS = ("unit", "level", "layer", "neuron", "input", "value", "weights", "state", "token",
          "hide", "kind", "question", "target", "poll", "choice", "name", "nets", "epochs",
          "compare", "lesson", "step",
          *SETTINGS)
MEGABYTE = "m" * 1_000_000

COUNTS: Counter[str] = Counter()

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.sampled_from([-1, 0, 1, 2, 3, 8, 9, 2**31, 2**63, -(2**63), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0]),
    st.text(max_size=20),
    st.sampled_from(["phase", "pattern", "epoch", "xor", "tanh", "batch", "random", "stuck",
                     "largest_delta", "weight_direction", "0:0", "backprop-xor/1"]),
)


def deep(depth: int) -> Any:
    value: Any = 0.5
    for _ in range(depth):
        value = [value]
    return value


json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children,
                        max_size=6),
    ),
    max_leaves=30,
)
payloads = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    st.builds(deep, st.integers(50, 400)),
    st.just(MEGABYTE), st.just({"state": {"history": MEGABYTE}}), st.just([MEGABYTE] * 3),
)
event_names = st.one_of(st.sampled_from(ALL_EVENTS), st.sampled_from(UNKNOWN))


def weird_hidden(value: Any) -> bool:
    """Layouts that would make numba compile a new kernel (a second each): skip them."""
    return isinstance(value, list) and value not in ([1], [2], [3, 2]) and all(
        isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 8 for n in value
    ) and 1 <= len(value) <= 3


def assert_clear(answer: Any, event: str) -> None:
    """A well-formed answer; a failure names its field and says what is wrong."""
    assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), (event, answer)
    if not answer["ok"]:
        assert isinstance(answer["error"], str) and answer["error"], answer
        assert isinstance(answer["field"], str), answer  # "" when the bad key is ""
        assert "internal error" not in answer["error"], (event, answer)
        assert answer["field"] != "server", (event, answer)  # a failure of ours, not theirs
        COUNTS["refused"] += 1
    json.dumps(answer, allow_nan=False)  # JSON the browser can parse: no NaN, no Infinity


UNDECODABLE = object()


def send(client: Any, event: str, payload: Any, ack: bool = True) -> Any:
    """emit through the test client; the refusal a live server sends when the packet's JSON
    is refused before any handler (NaN, a huge integer, deep nesting: `app/web/packets.py`,
    which the test client bypasses: see test_raw_malformed_frames_on_a_live_server)."""
    try:
        return client.emit(event, payload, callback=ack)
    except FieldError as error:
        assert error.field == "packet" and str(error).startswith("packet: "), error
        COUNTS["refused as a packet (NaN, huge integer, deep nesting)"] += 1
        return {"ok": False, "error": str(error), "field": "packet"} if ack else UNDECODABLE


@pytest.fixture(scope="module")
def arena(warm_kernels: None) -> Any:
    """One app under fire: a driver tab with a room, a student, a bystander that runs."""
    app = create_app({"TESTING": True, "WARM_UP": False, "SECRET_KEY": "fuzz",
                      "COMMAND_RATE": 0, "MAX_SESSIONS": 10_000})
    driver = flask_socketio.test_client(app)
    opened = driver.emit("room_open", {}, callback=True)
    student = flask_socketio.test_client(app, auth={"room": opened["code"]})
    bystander = flask_socketio.test_client(app)
    assert bystander.emit("configure", {"hidden": [1]}, callback=True)["ok"]
    # 10,000 epochs/s: a run on the kernel pool all along, without a core kept busy by it
    assert bystander.emit("speed", {"level": 7}, callback=True)["ok"]
    assert bystander.emit("run", {}, callback=True)["ok"]
    yield {"app": app, "driver": driver, "student": student, "bystander": bystander,
           "token": opened["token"], "code": opened["code"]}
    for client in (driver, student, bystander):
        if client.is_connected():
            client.disconnect()
    app.extensions["backprop_classroom"].shutdown()
    app.extensions["backprop_sessions"].shutdown()
    print(f"\nfuzz (test client): {dict(COUNTS)}")


def bystander_session(arena: dict[str, Any]) -> Any:
    registry = arena["app"].extensions["backprop_sessions"]
    return next(s for _sid, s, _ in registry.connections()
                if s.trainer.config.hidden == (1,) and s.speed == 7 and s.running)


@settings(max_examples=examples(2500), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sender=st.sampled_from(["driver", "student"]), event=event_names, payload=payloads,
       with_token=st.booleans(), with_ack=st.booleans())
def test_any_event_with_any_payload_gets_a_clear_answer(arena, sender, event, payload,
                                                        with_token, with_ack) -> None:
    if isinstance(payload, dict):
        if with_token and event in ROOM_COMMANDS:
            payload = {**payload, "token": arena["token"]}
        if event == "configure" and weird_hidden(payload.get("hidden")):
            payload = {**payload, "hidden": [2]}
        compare = payload.get("compare")
        if event == "sweep" and isinstance(compare, dict) and weird_hidden(compare.get("hidden")):
            payload = {**payload, "compare": {**compare, "hidden": [2]}}
        if event in ("run", "poll_open") and payload.get("kind") == "stuck":
            payload = {**payload, "kind": "largest_delta"}  # a 20,000-epoch look-ahead each
    if event == "room_close" or (event == "import" and sender == "driver"):
        return  # keep the room (and the run) for the other cases; both are tested below
    client = arena[sender]
    if not client.is_connected():
        client.connect(auth={"room": arena["code"]} if sender == "student" else None)
    COUNTS["cases"] += 1
    answer = send(client, event, payload, with_ack)
    if answer is UNDECODABLE:
        return
    if not with_ack:
        client.get_received()
        return
    assert_clear(answer, event)
    if answer.get("field") == "packet":  # refused before anything looked at the event
        return
    if event in UNKNOWN:
        assert answer == {"ok": False, "field": "event", "error": answer["error"]}
    if sender == "student" and event in COMMANDS + ROOM_COMMANDS:
        assert answer["field"] == "viewer"
    client.get_received()  # frames and errors: drop them


SCHEMAS = json_schemas()
#: Events fuzzed from their schema here; `import` runs on its own below (a state is big).
SCHEMA_EVENTS = tuple(e for e in EVENTS if e not in ("import", "room_close"))


def whole_name(event: str) -> str:
    """The field a refusal names when the payload as a whole is wrong."""
    return "settings" if event == "configure" else event


def cheap(event: str, payload: Any) -> Any:
    """The payload, minus what would make a case slow (a new network shape's compile, a
    20,000-epoch look-ahead, a 5,000-net sweep) without changing what is checked."""
    if not isinstance(payload, dict):
        return payload
    if event == "configure" and weird_hidden(payload.get("hidden")):
        payload = {**payload, "hidden": [2]}
    if event == "sweep":
        compare = payload.get("compare")
        if isinstance(compare, dict) and weird_hidden(compare.get("hidden")):
            payload = {**payload, "compare": {**compare, "hidden": [2]}}
        if isinstance(payload.get("nets"), int) and not isinstance(payload["nets"], bool):
            payload = {**payload, "nets": min(payload["nets"], 50)}
    if event == "poll_open" and payload.get("kind") == "stuck":
        payload = {**payload, "kind": "largest_delta"}
    return payload


def driver_for(arena: dict[str, Any], event: str) -> Any:
    """The client that may send `event`: a student for theirs, the presenter's tab otherwise."""
    name = "student" if event in VIEWER_EVENTS else "driver"
    client = arena[name]
    if not client.is_connected():
        client.connect(auth={"room": arena["code"]} if name == "student" else None)
    return client


def with_token(arena: dict[str, Any], event: str, payload: Any) -> Any:
    """A room command's payload with the real presenter token (else it is refused for that)."""
    if event in ROOM_COMMANDS and isinstance(payload, dict) and "token" in payload:
        return {**payload, "token": arena["token"]}
    return payload


@settings(max_examples=examples(1200), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data(), event=st.sampled_from(SCHEMA_EVENTS))
def test_payloads_the_schema_accepts_get_a_clear_answer(arena, data, event) -> None:
    payload = with_token(arena, event, cheap(event, data.draw(valid(SCHEMAS[event]))))
    COUNTS["schema: valid payloads"] += 1
    client = driver_for(arena, event)
    answer = send(client, event, payload)
    assert_clear(answer, event)
    if not answer["ok"]:  # the payload had the schema's form: a refusal is about its meaning
        COUNTS["schema: valid payloads refused for their meaning"] += 1
    client.get_received()


@settings(max_examples=examples(1500), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data(), event=st.sampled_from(SCHEMA_EVENTS))
def test_a_payload_broken_in_one_place_is_refused_naming_that_place(arena, data,
                                                                     event) -> None:
    payload, path = data.draw(broken(SCHEMAS[event]))
    if payload is None or (isinstance(payload, dict) and not payload and not path):
        return  # None is {} (no payload), which many events take
    payload = with_token(arena, event, cheap(event, payload))
    try:  # the payload as a whole may be refused elsewhere first (a width not a power of 2)
        parse(EVENTS[event], payload, name=whole_name(event))
        return  # nothing wrong after all (a value the schema's form allows)
    except FieldError as error:
        if error.field != (path or whole_name(event)):
            return
    COUNTS["schema: broken payloads"] += 1
    client = driver_for(arena, event)
    answer = send(client, event, payload)
    assert_clear(answer, event)
    assert answer["ok"] is False
    if answer["field"] != "packet":
        assert answer["field"] == (path or whole_name(event)), (event, payload, answer)
        assert answer["error"].startswith(answer["field"] + ": "), answer
    client.get_received()


@settings(max_examples=examples(150), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_imports_from_the_schema_are_taken_or_refused_by_field(arena, data) -> None:
    if data.draw(st.booleans()):
        payload, path = data.draw(broken(SCHEMAS["import"]))
    else:
        payload, path = data.draw(valid(SCHEMAS["import"])), None
    if isinstance(payload, dict) and isinstance(payload.get("state"), dict):
        settings_ = payload["state"].get("settings")
        if isinstance(settings_, dict) and weird_hidden(settings_.get("hidden")):
            payload["state"]["settings"] = {**settings_, "hidden": [2]}
    COUNTS["schema: imports"] += 1
    try:
        parse(EVENTS["import"], payload, name="import")
        expected = None  # the form is right; the engine may still refuse what it says
    except FieldError as error:
        expected = error.field
    client = driver_for(arena, "import")
    answer = send(client, "import", payload)
    assert_clear(answer, "import")
    if expected is not None and answer["field"] != "packet":
        assert answer["ok"] is False and answer["field"] == expected, (answer, path)
    elif not answer["ok"]:
        assert answer["field"].startswith("state"), answer
    client.get_received()


@settings(max_examples=examples(200), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_auth_from_the_schema_connects_or_is_refused_by_field(arena, data) -> None:
    payload, _path = data.draw(broken(SCHEMAS["auth"]))
    if isinstance(payload, dict) and isinstance(payload.get("room"), str) and \
            data.draw(st.booleans()):
        payload = {**payload, "room": arena["code"]}
    if not payload or (isinstance(payload, int | float) and not isinstance(payload, bool)):
        return  # no auth is sent then (a number reads as the packet's id): a new session
    COUNTS["schema: auth"] += 1
    try:
        parse(Auth, payload, root="auth")
        expected = None
    except FieldError as error:
        expected = error.field
    try:
        client = flask_socketio.test_client(arena["app"], auth=payload)
    except FieldError:
        return
    received = list(client.queue)
    names = [e["name"] for e in received]
    if expected is not None:
        error = received[names.index("error")]["args"][0]
        assert error == {"event": "connect", "field": expected, "message": error["message"]}
        assert error["message"].startswith(f"{expected}: ")
    else:
        assert "hello" in names or "room_hello" in names or "error" in names, received
    if client.is_connected():
        client.disconnect()


@pytest.mark.slow  # checks what the property searches above did to a running tab
def test_the_bystander_kept_running(arena) -> None:
    session = bystander_session(arena)
    epoch = session.trainer.epoch  # 0 if this worker ran no search before (xdist splits them)
    assert session.running
    eventually(lambda: session.trainer.epoch > epoch)  # its run goes on (no event says so)
    received = arena["bystander"].get_received()
    assert any(e["name"] == "frame" for e in received)


@settings(max_examples=examples(300), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(state=st.fixed_dictionaries({}, optional={
    name: json_values for name in ("settings", "weights", "momentum", "accumulated", "epoch",
                                   "pattern", "status", "converged_epoch", "rng", "history",
                                   "marks", "speed", "format", "inputs", "desired")}))
def test_import_of_random_states(arena, state) -> None:
    COUNTS["cases"] += 1
    client = arena["driver"]
    answer = send(client, "import", {"state": state})
    assert_clear(answer, "import")
    if not answer["ok"]:
        assert answer["field"].startswith(("state", "packet")), answer
    client.get_received()


@settings(max_examples=examples(200), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # a busy machine is slow, not wrong
@given(auth=st.one_of(st.none(), st.dictionaries(st.text(max_size=8), json_values, max_size=3),
                     st.dictionaries(
    st.sampled_from(["session", "room", "viewer", "name"]), json_values, max_size=4)))
def test_any_connect_auth_gets_a_session_a_room_or_a_clear_refusal(arena, auth) -> None:
    COUNTS["cases"] += 1
    try:
        client = flask_socketio.test_client(arena["app"], auth=auth)
    except FieldError as error:
        assert error.field == "packet", error
        COUNTS["refused as a packet (NaN, huge integer, deep nesting)"] += 1
        return
    received = list(client.queue)  # get_received refuses once the server disconnected us
    names = [e["name"] for e in received]
    if "error" in names:
        error = received[names.index("error")]["args"][0]
        assert error["event"] == "connect" and error["field"] and error["message"]
        COUNTS["refused"] += 1
    else:
        assert "hello" in names or "room_hello" in names, received
    if client.is_connected():
        client.disconnect()


METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
segments = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "..", "%00", "%2e%2e", "ABCDEF", "abcdef", "0" * 500, "static", "api", "settings"]))
paths = st.one_of(
    st.builds(lambda s: f"/join/{s}", segments),
    st.builds(lambda s: f"/room/{s}/qr.svg", segments),
    st.builds(lambda s: f"/room/{s}/polls.csv", segments),
    st.builds(lambda s: f"/static/{s}", segments),
    st.builds(lambda s: f"/api/{s}", segments),
    st.builds(lambda s, q: f"/{s}?{q}", segments, segments),
    st.sampled_from(["/", "/api/settings", "/healthz", "//", "/static/../pyproject.toml"]),
)


@settings(max_examples=examples(600), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # a busy machine is slow, not wrong
@given(method=st.sampled_from(METHODS), path=paths,
       token=st.one_of(st.none(), st.text(st.characters(exclude_characters="\r\n\x0b\x0c"
                                                                      "\x1c\x1d\x1e\x85"
                                                                      "\u2028\u2029"))),
       body=st.one_of(st.none(), st.binary(max_size=2000)))
def test_any_http_request_gets_no_server_error_and_the_headers(arena, method, path, token,
                                                               body) -> None:
    COUNTS["http"] += 1
    headers = {}
    if token is not None:
        headers["X-Room-Token"] = token.encode("utf-8", "surrogatepass").decode("latin-1")
    if path.startswith("//"):  # '//host/...': Werkzeug's test client encodes the host first
        host = path[2:].split("/", 1)[0].split("?", 1)[0]
        try:
            host.encode("idna")
        except UnicodeError:  # not a request a client can make (nor a test client build)
            assume(False)
    response = arena["app"].test_client().open(path, method=method, headers=headers, data=body)
    response.close()
    assert response.status_code < 500, (method, path, response.status_code)
    # only a path that starts with // names another host ('//0?': host 0), refused as a
    # foreign Host (421) with the same headers as any response
    assert response.status_code != 421 or path.startswith("//"), (path, response.status)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    if path.endswith("polls.csv") and method != "OPTIONS":  # OPTIONS: 200, Allow, no body
        # never the answers without the token (a redirect or an error, never 200)
        assert response.status_code != 200 or "?" in path, (method, path)


# ----- a live server, raw frames ---------------------------------------------------------------

RAW_FRAMES = [
    "42", "42[]", "42[123]", "42[null]", '42["step"', '42["step",}', "4", "4x", "49", "40",
    "41", "43", "44", "46", "47", "9", "", "2", "3", "6", "1", "0", "x" * 100,
    '42["step",{"unit":NaN}]', '42["set_weight",{"layer":0,"neuron":0,"input":0,"value":1e999}]',
    '42["configure",{"eta":Infinity}]', '42["configure",{"eta":-Infinity}]',
    '421["configure",{"eta":NaN}]', '42["speed",{"level":1e400}]',
    '451-["step",{"_placeholder":true,"num":0}]', '461-[{"_placeholder":true,"num":7}]',
    '42/nope,["step",{}]', '42/admin,1["run",{}]', '430[{"ok":true}]', '4399999999999["x"]',
    '42["connect",{"REMOTE_ADDR":"1.2.3.4"}]', '42["disconnect"]',
    "42" + "[" * 100_000 + "]" * 100_000, '42["step",' + '{"a":' * 50_000 + "1" + "}" * 50_000,
    '42["import",{"state":' + json.dumps({"history": {"width": 1,
                                                    "points": [[1, 1, 1, 1]] * 20_000}}) + "}]",
    '42["step","' + "é" * 200_000 + '"]', '42["speed",{"level":' + "9" * 150 + "}]",
]


def raw_socket(url: str) -> websocket.WebSocket:
    ws = websocket.create_connection(
        url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert ws.recv().startswith("0")  # engine.io open
    ws.send("40")
    return ws


@pytest.mark.slow
def test_raw_malformed_frames_on_a_live_server(live, caplog) -> None:
    caplog.set_level(logging.INFO)
    bystander = live.client()
    bystander.frame()
    assert bystander.call("configure", {"hidden": [1]})["ok"]
    assert bystander.call("speed", {"level": 8})["ok"]
    assert bystander.call("run")["ok"]
    bystander.frame(lambda f: f["running"])
    start, frames = time.monotonic(), len(bystander.frames)
    bystander.frame(lambda f: True, after=bystander.last_seq + 30)
    baseline = (len(bystander.frames) - frames) / (time.monotonic() - start)
    start, frames = time.monotonic(), len(bystander.frames)
    sent = closed = 0
    ws = raw_socket(live.url)
    round_ = 0
    # at least 6 rounds, and at least a second: a rate over a few ms says nothing
    while round_ < 6 or time.monotonic() - start < 1.0:
        round_ += 1
        for frame in RAW_FRAMES:
            try:
                ws.send(frame)
                ws.send(b"\x00\xff" * min(round_, 6), opcode=websocket.ABNF.OPCODE_BINARY)
            except (websocket.WebSocketException, OSError):
                closed += 1
                ws.close(timeout=0.05)
                ws = raw_socket(live.url)
            sent += 2
    ws.close(timeout=0.05)
    elapsed = time.monotonic() - start
    rate = (len(bystander.frames) - frames) / elapsed
    COUNTS["raw frames"] += sent
    print(f"\nfuzz (live, raw): {sent} frames, {closed} connections dropped by the server, "
          f"bystander at {rate:.0f} frames/s (before: {baseline:.0f})")
    # the bystander kept its frame rate (30/s at most when idle), measured against its own
    # rate just before under the same load: a busy machine slows both, the flood must not
    assert len(bystander.frames) - frames >= 2 and rate >= baseline / 4, (rate, baseline)
    # no traceback in the log, and one short line per connection (at most every 10 s)
    assert not [r for r in caplog.records if r.exc_info], caplog.text[:2000]
    refusals = [r for r in caplog.records if "refused a packet" in r.getMessage()]
    assert 1 <= len(refusals) <= 2 * (closed + 1) * (1 + elapsed / 10), len(refusals)
    assert all(len(r.getMessage()) < 300 for r in caplog.records), caplog.text[:2000]
    assert bystander.call("pause")["ok"]
    fresh = LiveClient(live.url)
    live.clients.append(fresh)
    assert fresh.frame()["seq"] == 1
