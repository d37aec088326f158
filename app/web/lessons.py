"""Lessons over HTTP and Socket.IO: the lesson files, and the `lesson` command.

`GET /api/lessons` lists the lessons, `GET /api/lessons/<name>` serves one (the page
renders its steps; students fetch it too). The `lesson` command sets the session up
as one step (`app.sessions.lesson.apply_step`, atomic) and, when the session shows a
room, closes the poll on screen and asks the step's poll. See docs/protocol.md,
"Lessons".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, jsonify

from app.engine.errors import FieldError
from app.lessons import LessonLibrary
from app.rooms import Room
from app.sessions import Session
from app.sessions.lesson import LessonMove, apply_step, leave

from .rooms import classroom

log = logging.getLogger(__name__)

lessons_http = Blueprint("lessons", __name__)


def install(app: Any) -> None:
    """Load the lessons (shipped, plus the app's LESSONS_FOLDER) and serve them."""
    app.extensions["backprop_lessons"] = LessonLibrary(app.config.get("LESSONS_FOLDER"))
    app.register_blueprint(lessons_http)


def library() -> LessonLibrary:
    """The current app's lessons."""
    return current_app.extensions["backprop_lessons"]


@lessons_http.get("/api/lessons")
def api_lessons() -> Any:
    """Every lesson: name, title, summary, number of steps."""
    return jsonify(library().catalog())


@lessons_http.get("/api/lessons/<name>")
def api_lesson(name: str) -> Any:
    """One lesson, as validated (404 for none of that name)."""
    try:
        lesson = library().get(name)
    except FieldError:
        abort(404)
    return jsonify(lesson.public())


def step_index(value: int, steps: int) -> int:
    """The step, if the lesson has it, or a FieldError naming `step`."""
    if not 0 <= value < steps:
        raise FieldError("step", f"step: this lesson has steps 0 to {steps - 1}, got {value}")
    return value


def _ask(room: Room | None, poll: Any) -> dict[str, Any] | None:
    """Ask the step's poll in the session's room (if both); the poll as the presenter sees it."""
    if room is None or poll is None:
        return None
    target = None if poll.target is None else poll.target.model_dump(exclude={"kind"})
    return room.open_poll(poll.kind, poll.question, target, poll.unit).public(for_presenter=True)


def register(command: Callable) -> None:
    """Register the `lesson` command with the events module's `command` decorator."""

    @command("lesson")
    def lesson_command(session: Session, move: LessonMove) -> dict:
        if move.lesson is None:
            leave(session)
            return {"lesson": None}
        lesson = library().get(move.lesson)
        index = step_index(move.step, len(lesson.steps))
        room = classroom().rooms.for_session(session.id)
        if room is not None:
            room.close_poll()  # the last step's question is over, answered or not
        place = apply_step(session, lesson, index)
        return {"lesson": place, "poll": _ask(room, lesson.steps[index].poll)}
