"""Every client → server event and the declared model of its payload: the one schema.

The events module checks each payload against its model before a handler runs;
the fuzz tests generate their cases from these models' JSON Schemas; the
protocol (docs/protocol.md) describes the same fields. `Auth` is what a
connection presents at connect time.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.rooms.payloads import Answer, Auth, Controls, Name, PollOpen, Presenter
from app.sessions.commands import (
    Empty,
    Import,
    Settings,
    SetWeight,
    SetWeights,
    Speed,
    Step,
    Sweep,
)
from app.sessions.lesson import LessonMove

#: event name -> the model its payload must match (None and {} are the same).
EVENTS: dict[str, type[BaseModel]] = {
    "configure": Settings,
    "set_weights": SetWeights,
    "set_weight": SetWeight,
    "step": Step,
    "back": Empty,
    "run": Empty,
    "pause": Empty,
    "speed": Speed,
    "reset": Empty,
    "randomize": Empty,
    "export": Empty,
    "import": Import,
    "sweep": Sweep,
    "sweep_cancel": Empty,
    "sweep_clear": Empty,
    "lesson": LessonMove,
    # the presenter's room commands
    "room_open": Empty,
    "room_close": Presenter,
    "room_controls": Controls,
    "poll_open": PollOpen,
    "poll_reveal": Presenter,
    "poll_close": Presenter,
    # a student's
    "poll_answer": Answer,
    "room_name": Name,
    "room_fork": Empty,
}

__all__ = ["EVENTS", "Auth", "json_schemas"]


def json_schemas() -> dict[str, dict[str, Any]]:
    """Each event's payload as JSON Schema (and `auth` at connect), for tests and docs."""
    schemas = {event: model.model_json_schema() for event, model in EVENTS.items()}
    schemas["auth"] = Auth.model_json_schema()
    return schemas
