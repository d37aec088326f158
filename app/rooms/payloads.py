"""The room events' payloads and a student's `auth`, as declared models (see sessions.schema).

What they cannot say (whether the token is the room's, whether a weight exists in
the presenter's network, whether a choice is offered by the poll on screen) the
room checks after, raising `FieldError` too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.engine.network import MAX_HIDDEN_LAYERS, MAX_NEURONS
from app.sessions.commands import STEP_UNITS
from app.sessions.schema import Strict, Token, whole

from .polls import MAX_QUESTION, POLL_KINDS

#: Longest student name kept (longer ones are cut), and longest accepted at all.
MAX_NAME, MAX_NAME_SENT = 40, 200
MAX_VIEWER_ID = 64
#: A viewer id's secret (issued by the server with the id: 43 characters).
MAX_SECRET = 64
#: A join code as typed: 6 characters, maybe with spaces or dashes.
Code = Annotated[str, Field(min_length=1, max_length=32)]
#: Poll and choice ids (poll ids are 8 hex digits, choice ids `up`, `0:1`, `yes`).
Ident = Annotated[str, Field(min_length=1, max_length=64)]


class Presenter(Strict):
    """A presenter's room command: the room's presenter token."""

    token: Token


class Controls(Presenter):
    """`room_controls`: hide (or show) the controls on students' screens."""

    hide: bool


class Target(Strict):
    """A weight's address in the presenter's network."""

    layer: whole(0, MAX_HIDDEN_LAYERS)
    neuron: whole(0, MAX_NEURONS - 1)
    input: whole(0, MAX_NEURONS)


class PollOpen(Presenter):
    """`poll_open`: ask the room; the question defaults to the kind's."""

    kind: Literal[tuple(POLL_KINDS)]
    question: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION)] | None = None
    target: Target | None = None
    unit: Literal[STEP_UNITS] = "pattern"


class Answer(Strict):
    """`poll_answer`: a student's choice in the poll on screen."""

    poll: Ident
    choice: Ident


class Name(Strict):
    """`room_name`: the name a student goes by in the room (empty: none)."""

    name: Annotated[str, Field(max_length=MAX_NAME_SENT)]


class Auth(Strict):
    """What a connection presents: {session} for a tab, {room, viewer, secret, name, watch}
    for a student (`viewer` and `secret` as the server issued them in `room_hello`; `watch`
    for a forked student's light connection that gets only the room's state)."""

    session: Token | None = None
    room: Code | None = None
    viewer: Annotated[str, Field(max_length=MAX_VIEWER_ID)] | None = None
    secret: Annotated[str, Field(max_length=MAX_SECRET)] | None = None
    name: Annotated[str, Field(max_length=MAX_NAME_SENT)] | None = None
    watch: bool = False
