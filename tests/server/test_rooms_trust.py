"""Polls a teacher can trust, and a room that says how it is, through real WebSocket clients.

One vote per student (viewer ids issued by the server, kept only with their secret),
tallies never above the students connected, caps per address and per room, polls
cancelled for everyone when the network changes, a presenter shown offline when
their page stops answering, names, forked students told of a poll, the answers CSV.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from typing import Any

import pytest
import socketio
from live_support import WAIT, LiveClient, Student, deadline

from app.rooms.polls import CANCELLED

W11 = {"layer": 1, "neuron": 0, "input": 0}


def statuses(presenter: LiveClient) -> list[dict[str, Any]]:
    return [d for name, d in presenter.events if name == "room_status"]


def latest_status(presenter: LiveClient) -> dict[str, Any]:
    found = statuses(presenter)
    return found[-1] if found else {}


class Room:
    """A presenter with an open room on a live server, and its students."""

    def __init__(self, live: Any) -> None:
        self.live = live
        self.presenter = live.client()
        self.presenter.frame()
        self.presenter.sio.on("room_status",
                              lambda s: self.presenter._on_event("room_status", s))
        self.opened = self.presenter.call("room_open")
        assert self.opened["ok"], self.opened
        self.code, self.token = self.opened["code"], self.opened["token"]
        self.students: list[Student] = []

    def student(self, **kwargs: Any) -> Student:
        s = Student(self.live.url, self.code, **kwargs)
        self.students.append(s)
        return s

    def ask(self, **payload: Any) -> dict[str, Any]:
        payload.setdefault("kind", "weight_direction")
        if payload["kind"] == "weight_direction":
            payload.setdefault("target", W11)
        answer = self.presenter.call("poll_open", {"token": self.token, **payload})
        assert answer["ok"], answer
        return answer["poll"]

    def status(self, predicate: Any) -> dict[str, Any]:
        """The newest room_status that satisfies `predicate` (waiting for one)."""
        self.presenter.wait(lambda: any(predicate(s) for s in statuses(self.presenter)))
        return [s for s in statuses(self.presenter) if predicate(s)][-1]

    def close(self) -> None:
        for s in self.students:
            s.close()


@pytest.fixture
def room(live: Any) -> Any:
    made = Room(live)
    yield made
    made.close()


def refused(live: Any, auth: dict[str, Any]) -> dict[str, Any]:
    """Connect with `auth`; the `error` event the server sends before closing."""
    client = socketio.Client(reconnection=False)
    errors: list[dict[str, Any]] = []
    said, gone = threading.Event(), threading.Event()
    client.on("error", lambda e: (errors.append(e), said.set()))
    client.on("room_hello", lambda h: (errors.append({"field": None, "hello": h}), said.set()))
    client.on("disconnect", lambda *_: gone.set())
    client.connect(live.url, transports=["websocket"], auth=auth, wait_timeout=WAIT)
    sid = client.get_sid("/")
    server = live.app.extensions["socketio"].server

    def dropped() -> bool:  # by the server: no longer connected there, not a student there
        return (not server.manager.is_connected(sid, "/")
                and sid not in live.app.extensions["backprop_classroom"].viewers)

    try:
        assert said.wait(WAIT), "the server said nothing"
        assert errors[0]["field"] == "room", errors  # refused, not let in
        # The server's DISCONNECT may come while python-socketio's client is still inside
        # connect() (it then ignores it: `connected` is not set yet), so the client's own
        # disconnect event may never come; the server's side is what counts.
        end = time.monotonic() + WAIT
        while not (gone.is_set() or dropped()) and time.monotonic() < end:
            gone.wait(0.05)
        assert gone.is_set() or dropped(), f"the server did not close the connection after {errors}"
    finally:
        client.disconnect()
    return errors[0]


def vote(student: Student, poll: dict[str, Any], choice: str) -> dict[str, Any]:
    """The student answers the poll once their screen shows it (as a page does)."""
    student.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    return student.call("poll_answer", {"poll": poll["id"], "choice": choice})


def answered(room: Room, poll_id: str, count: int) -> dict[str, Any]:
    return room.status(lambda s: (s["poll"] or {}).get("id") == poll_id
                       and s["poll"]["answered"] == count)


def test_an_id_without_its_secret_is_someone_new(room: Room) -> None:
    """Issue 13: a second connection presenting another student's id overwrote their answer
    and name. Now it is a new student; only the secret keeps an identity."""
    ada = room.student(name="Ada")
    assert ada.hello["secret"] and not ada.hello["resumed"]
    poll = room.ask()
    assert vote(ada, poll, "up")["ok"]
    thief = room.student(viewer=ada.hello["viewer"], name="Mallory")
    guesser = room.student(viewer=ada.hello["viewer"], secret="x" * 43, name="Eve")
    assert len({ada.hello["viewer"], thief.hello["viewer"], guesser.hello["viewer"]}) == 3
    assert vote(thief, poll, "down")["ok"]
    status = answered(room, poll["id"], 2)
    assert status["poll"]["tally"] == {"up": 1, "down": 1, "same": 0}
    # Ada's own reconnect keeps her identity: her new answer replaces the old one
    ada.close()
    again = room.student(viewer=ada.hello["viewer"], secret=ada.hello["secret"], name="Ada")
    assert again.hello["viewer"] == ada.hello["viewer"] and again.hello["resumed"]
    assert vote(again, poll, "down")["ok"]
    status = room.status(lambda s: (s["poll"] or {}).get("tally", {}).get("down") == 2)
    assert status["poll"]["answered"] == 2 and status["poll"]["tally"]["up"] == 0
    # a secret from another room is no key here either
    assert refused(room.live, {"room": "ACDEFG", "viewer": again.hello["viewer"],
                               "secret": again.hello["secret"]})["field"] == "room"
    names = {r["student"]: r["name"] for r in csv_rows(room)}
    assert names == {ada.hello["viewer"]: "Ada", thief.hello["viewer"]: "Mallory"}


def csv_rows(room: Room) -> list[dict[str, str]]:
    http = room.live.app.test_client()
    response = http.get(f"/room/{room.code}/polls.csv", headers={"X-Room-Token": room.token})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_answers_never_exceed_the_students_connected(room: Room) -> None:
    poll = room.ask(kind="stuck")
    students = [room.student() for _ in range(6)]
    for s in students:
        assert vote(s, poll, "yes")["ok"]
    answered(room, poll["id"], 6)
    for s in students[:4]:
        s.close()
    status = answered(room, poll["id"], 2)
    assert status["viewers"] == 2
    for s in statuses(room.presenter):
        if s["poll"] is not None:
            assert s["poll"]["answered"] <= s["viewers"], s
    listing = [(r["link"], r["answered"]) for r in status["students"]]
    assert listing.count(("live", True)) == 2 and listing.count(("offline", True)) == 4
    rows = csv_rows(room)
    assert len(rows) == 6  # every answer kept; the reveal says whose it counted


def test_students_per_address_and_per_room_are_capped(make_live: Any) -> None:
    """Issue 13: 150 connections of one script all voted. The caps are configurable; here
    3 per address, and the room takes 5 (every test client is 127.0.0.1)."""
    live = make_live(ROOM_STUDENTS_PER_ADDRESS=3)
    made = Room(live)
    try:
        first = [made.student() for _ in range(3)]
        error = refused(live, {"room": made.code})
        assert error["field"] == "room" and "from your address" in error["message"]
        # the presenter's panel counts who was turned away, and by which cap
        made.status(lambda s: s["turned_away"] == [
            {"cap": "ROOM_STUDENTS_PER_ADDRESS", "count": 1, "most": 3}])
        # a student reconnecting with their identity is not a new one: let in
        first[0].close()
        back = made.student(viewer=first[0].hello["viewer"], secret=first[0].hello["secret"])
        assert back.hello["resumed"]
        made.status(lambda s: s["viewers"] == 3)
    finally:
        made.close()
    live = make_live(ROOM_MAX_STUDENTS=2)
    full = Room(live)
    try:
        full.student(), full.student()
        error = refused(live, {"room": full.code})
        assert error["field"] == "room" and "full" in error["message"]
        full.status(lambda s: s["turned_away"] == [
            {"cap": "ROOM_MAX_STUDENTS", "count": 1, "most": 2}])
    finally:
        full.close()


def test_the_caps_come_from_the_environment_and_the_log_says_when_one_turns_a_student_away(
        make_live: Any, monkeypatch: Any, caplog: Any) -> None:
    """docs/deployment.md: BACKPROP_XOR_ROOM_STUDENTS_PER_ADDRESS raises (or here lowers)
    the cap without touching the config; the teacher running the server reads in its log
    which cap turned students away and how to raise it: one line, not one per refusal."""
    monkeypatch.setenv("BACKPROP_XOR_ROOM_STUDENTS_PER_ADDRESS", "2")
    live = make_live()
    made = Room(live)
    try:
        made.student(), made.student()
        with caplog.at_level("WARNING", logger="app.web.classroom"):
            for _ in range(3):
                error = refused(live, {"room": made.code})
                assert "2 students from your address" in error["message"], error
        lines = [r.getMessage() for r in caplog.records
                 if "turned a student away" in r.getMessage()]
        assert len(lines) == 1, lines
        assert made.code in lines[0] and "ROOM_STUDENTS_PER_ADDRESS" in lines[0]
        assert "BACKPROP_XOR_ROOM_STUDENTS_PER_ADDRESS=N" in lines[0]
        made.status(lambda s: s["turned_away"] == [
            {"cap": "ROOM_STUDENTS_PER_ADDRESS", "count": 3, "most": 2}])
        monkeypatch.setenv("BACKPROP_XOR_ROOM_STUDENTS_PER_ADDRESS", "0")  # 0: no limit
        made.student()
        made.status(lambda s: s["viewers"] == 3)
    finally:
        made.close()


@pytest.mark.parametrize("change", [("randomize", {}), ("reset", {}),
                                    ("set_weight", {"layer": 1, "neuron": 0, "input": 0,
                                                    "value": 0.5}),
                                    ("configure", {"eta": 1.5}), ("back", {})])
def test_a_change_cancels_the_poll_on_every_screen(room: Room, change: tuple) -> None:
    student = room.student()
    room.presenter.call("step", {"unit": "phase"})
    poll = room.ask()
    student.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    assert room.presenter.call(*change)["ok"]
    seen = student.frame(lambda f: (f["room"]["poll"] or {}).get("cancelled") is not None)
    assert seen["room"]["poll"]["cancelled"] == CANCELLED
    assert "correct" not in seen["room"]["poll"]
    room.status(lambda s: (s["poll"] or {}).get("cancelled") == CANCELLED)
    late = student.call("poll_answer", {"poll": poll["id"], "choice": "up"})
    assert late["ok"] is False and late["field"] == "poll" and "cancelled" in late["error"]
    room.presenter.call("step", {"unit": "pattern"})
    step = room.presenter.frame(lambda f: f["step"] >= 1 and f["phase"] == "update")["step"]
    last = student.frame(lambda f, step=step: f["step"] == step)
    assert last["room"]["poll"]["revealed"] is False


def test_the_reveal_waits_for_the_pattern_and_tells_the_step(room: Room) -> None:
    student = room.student()
    poll = room.ask(unit="pattern")
    before = room.presenter.frame()["weights"][1][0][0]
    for _ in range(4):
        step = room.presenter.call("step", {"unit": "phase"})["step"]
        frame = student.frame(lambda f, step=step: f["step"] == step)
        assert frame["room"]["poll"]["revealed"] is False
    step = room.presenter.call("step", {"unit": "phase"})["step"]
    after = room.presenter.frame(lambda f, step=step: f["step"] == step)["weights"][1][0][0]
    shown = student.frame(lambda f: (f["room"]["poll"] or {}).get("revealed"))["room"]["poll"]
    assert shown["correct"] == ("up" if after > before else "down" if after < before
                                else "same")
    assert (shown["detail"]["before"], shown["detail"]["after"]) == (before, after)
    assert shown["id"] == poll["id"]


def test_students_see_the_presenter_offline_and_back(room: Room) -> None:
    student = room.student()
    student.frame(lambda f: f["room"]["presenter"] == "online")
    # the presenter's page stops answering (a Wi-Fi gone): its client blocks on the next status
    frozen, released = threading.Event(), threading.Event()

    def stuck(_status: Any) -> None:
        frozen.set()
        released.wait(deadline(30))

    room.presenter.sio.on("room_status", stuck)
    assert frozen.wait(WAIT)
    student.frame(lambda f: f["room"]["presenter"] == "offline")
    released.set()
    room.presenter.sio.on("room_status", lambda s: room.presenter._on_event("room_status", s))
    student.frame(lambda f: f["room"]["presenter"] == "online"
                  and student.frames.index(f) > offline_at(student))
    # the connection closes: offline too, and live again when the session comes back
    session = room.presenter.hello["session"]
    room.presenter.close()
    student.frame(lambda f: f["room"]["presenter"] == "offline"
                  and student.frames.index(f) > online_at(student))
    back = room.live.client(session=session)
    assert back.call("room_open")["code"] == room.code
    student.frame(lambda f: f["room"]["presenter"] == "online"
                  and student.frames.index(f) > offline_at(student))


def offline_at(student: Student) -> int:
    return max(i for i, f in enumerate(student.frames) if f["room"]["presenter"] == "offline")


def online_at(student: Student) -> int:
    return max(i for i, f in enumerate(student.frames) if f["room"]["presenter"] == "online")


def test_a_closed_room_refuses_new_students_by_name(room: Room) -> None:
    student = room.student()
    assert room.presenter.call("room_close", {"token": room.token})["ok"]
    student.frame(lambda f: f["room"]["closed"] is True)
    fork = student.call("room_fork")  # "keep a copy": still possible while connected
    assert fork["ok"], fork
    error = refused(room.live, {"room": room.code})
    assert error["field"] == "room" and room.code in error["message"]


def test_a_student_renames_and_the_presenter_sees_each_link(room: Room) -> None:
    ada = room.student(name="  Ada\u202e\n")
    status = room.status(lambda s: [r["name"] for r in s.get("students", [])] == ["Ada"])
    assert status["students"][0]["link"] == "live"
    assert ada.call("room_name", {"name": "Ada L."}) == {"ok": True, "name": "Ada L."}
    room.status(lambda s: [r["name"] for r in s["students"]] == ["Ada L."])
    refused_name = ada.call("room_name", {"name": "x" * 500})
    assert refused_name["ok"] is False and refused_name["field"] == "name"
    tab = room.presenter.call("room_name", {"name": "presenter"})
    assert tab["ok"] is False and tab["field"] == "room"


def test_a_forked_student_is_told_that_a_poll_opened(room: Room) -> None:
    ada = room.student()
    watcher = room.student(viewer=ada.hello["viewer"], secret=ada.hello["secret"], watch=True)
    ada.close()  # gone to her fork: only the light connection follows the room
    status = room.status(lambda s: [r["link"] for r in s["students"]] == ["fork"])
    assert status["viewers"] == 1
    poll = room.ask(kind="stuck")

    def told() -> bool:
        return any(name == "room_meta" and (d["room"]["poll"] or {}).get("id") == poll["id"]
                   for name, d in watcher.events)

    watcher.wait(told)
    assert watcher.frames == []  # no frames for a fork's watcher
