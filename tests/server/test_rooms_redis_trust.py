"""Issue 13 on two processes joined by a real Redis: the presenter on one, students on another.

A student's identity holds across processes (the secret checks out on either, since the
room's viewer key travels with its snapshots) and nobody else can take it; answers from
the other process are counted, never above the students connected; a change cancels
the poll for the students over there, the step reveals it with what the step did; the
presenter going away shows on their screens; the presenter sees them listed; a process
started after the room opened (so without its picture) gets it when a student joins.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from live_support import WAIT, LiveClient, Student
from process_support import RedisServer, ServerProcess

from app.rooms.polls import CANCELLED

pytestmark = pytest.mark.slow  # a redis-server and server processes

W11 = {"layer": 1, "neuron": 0, "input": 0}


@pytest.fixture
def two(tmp_path: Path) -> Iterator[dict[str, Any]]:
    redis = RedisServer(tmp_path)
    servers: list[ServerProcess] = []
    clients: list[Any] = []

    def serve(name: str, env: dict[str, str] | None = None) -> ServerProcess:
        server = ServerProcess("--message-queue", redis.url,
                               "--database", str(tmp_path / f"{name}.sqlite3"), env=env)
        servers.append(server)
        return server

    def student(server: ServerProcess, code: str, **kwargs: Any) -> Student:
        s = Student(server.url, code, **kwargs)
        clients.append(s)
        return s

    a, b = serve("a"), serve("b")
    presenter = LiveClient(a.url)
    clients.append(presenter)
    presenter.sio.on("room_status", lambda s: presenter._on_event("room_status", s))
    presenter.frame()
    opened = presenter.call("room_open")
    assert opened["ok"], opened
    try:
        yield {"a": a, "b": b, "serve": serve, "student": student, "presenter": presenter,
               "code": opened["code"], "token": opened["token"]}
    finally:
        for client in clients:
            client.close()
        for server in servers:
            server.stop()
        redis.stop()


def status(presenter: LiveClient, predicate: Any) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        return [d for n, d in presenter.events if n == "room_status" and predicate(d)]

    presenter.wait(lambda: bool(found()))
    return found()[-1]


def test_identity_answers_cancel_and_reveal_across_processes(two: dict[str, Any]) -> None:
    presenter, code, token = two["presenter"], two["code"], two["token"]
    ada = two["student"](two["b"], code, name="Ada")
    bob = two["student"](two["b"], code, name="Bob")
    listed = status(presenter, lambda s: sorted(r["name"] for r in s.get("students", []))
                    == ["Ada", "Bob"])
    assert {r["link"] for r in listed["students"]} == {"live"}

    asked = presenter.call("poll_open", {"token": token, "kind": "weight_direction",
                                         "target": W11, "unit": "pattern"})
    poll = asked["poll"]
    for s in (ada, bob):
        s.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    assert ada.call("poll_answer", {"poll": poll["id"], "choice": "up"})["ok"]
    # someone presenting Ada's id on the presenter's process, without her secret: a new student
    mallory = two["student"](two["a"], code, viewer=ada.hello["viewer"], name="Mallory")
    assert mallory.hello["viewer"] != ada.hello["viewer"]
    mallory.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    assert mallory.call("poll_answer", {"poll": poll["id"], "choice": "down"})["ok"]
    counted = status(presenter, lambda s: (s["poll"] or {}).get("answered") == 2)
    assert counted["poll"]["tally"] == {"up": 1, "down": 1, "same": 0}
    # Ada moves to the presenter's process with her secret: the same student, one vote
    ada.close()
    again = two["student"](two["a"], code, viewer=ada.hello["viewer"],
                           secret=ada.hello["secret"], name="Ada")
    assert again.hello["resumed"] and again.hello["viewer"] == ada.hello["viewer"]
    again.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    assert again.call("poll_answer", {"poll": poll["id"], "choice": "down"})["ok"]
    final = status(presenter, lambda s: (s["poll"] or {}).get("tally", {}).get("down") == 2)
    assert final["poll"]["answered"] == 2 <= final["viewers"] == 3  # Ada, Bob, Mallory

    # Randomize: cancelled for Bob on the other process; the next pattern reveals nothing
    assert presenter.call("randomize")["ok"]
    seen = bob.frame(lambda f: (f["room"]["poll"] or {}).get("cancelled") is not None)
    assert seen["room"]["poll"]["cancelled"] == CANCELLED

    # a next-pattern poll: the phases do not reveal it, the pattern's update does
    poll = presenter.call("poll_open", {"token": token, "kind": "weight_direction",
                                        "target": W11, "unit": "pattern"})["poll"]
    shown_then = bob.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    before = shown_then["weights"][1][0][0]  # the state the poll was asked on
    for _ in range(4):
        step = presenter.call("step", {"unit": "phase"})["step"]
        frame = bob.frame(lambda f, step=step: f["step"] == step)
        assert frame["room"]["poll"]["id"] == poll["id"]
        assert frame["room"]["poll"]["revealed"] is False
    step = presenter.call("step", {"unit": "phase"})["step"]
    after = presenter.frame(lambda f, step=step: f["step"] == step)["weights"][1][0][0]
    shown = bob.frame(lambda f: (f["room"]["poll"] or {}).get("revealed"))["room"]["poll"]
    assert shown["correct"] == ("up" if after > before else "down" if after < before
                                else "same")
    assert (shown["detail"]["before"], shown["detail"]["after"]) == (before, after)


def test_presenter_offline_and_a_late_process_across_redis(two: dict[str, Any]) -> None:
    presenter, code = two["presenter"], two["code"]
    late = two["serve"]("c")  # started after the room opened: it has no picture of it
    carl = two["student"](late, code, name="Carl")
    carl.frame(lambda f: True)
    first = carl.frames[0]  # the room sent a complete picture when asked (`frame` gives the
    # newest: on a busy machine a second frame, a change to the first, has come already)
    assert first["history"]["reset"] and first["room"]["presenter"] == "online", (
        first["history"], first["room"])
    session = presenter.hello["session"]
    presenter.close()
    carl.frame(lambda f: f["room"]["presenter"] == "offline")
    back = LiveClient(two["a"].url, session=session)
    try:
        assert back.call("room_open")["code"] == code
        carl.frame(lambda f: f["room"]["presenter"] == "online"
                   and carl.frames.index(f) > max(i for i, g in enumerate(carl.frames)
                                                  if g["room"]["presenter"] == "offline"))
    finally:
        back.close()


def test_students_turned_away_on_another_process_reach_the_presenter(
        two: dict[str, Any]) -> None:
    """A process whose cap turns a student away tells the presenter's process (its roster
    report crosses Redis): the presenter's panel counts them with the cap's value."""
    c = two["serve"]("c", env={"BACKPROP_XOR_ROOM_STUDENTS_PER_ADDRESS": "1"})
    code, presenter = two["code"], two["presenter"]
    two["student"](c, code)
    refused_by_c = socketio.Client(reconnection=False)
    said = threading.Event()
    errors: list[dict[str, Any]] = []
    refused_by_c.on("error", lambda e: (errors.append(e), said.set()))
    refused_by_c.connect(c.url, transports=["websocket"], auth={"room": code},
                         wait_timeout=WAIT)
    try:
        assert said.wait(WAIT) and "from your address" in errors[0]["message"], errors
    finally:
        refused_by_c.disconnect()
    found = status(presenter, lambda s: bool(s.get("turned_away")))
    assert found["turned_away"] == [{"cap": "ROOM_STUDENTS_PER_ADDRESS", "count": 1, "most": 1}]
    assert found["viewers"] == 1
