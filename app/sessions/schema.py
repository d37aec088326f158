"""Command payloads: the one place that says what each command accepts.

Settings are checked against the engine's table (`app.engine.SETTINGS`, through
`TrainingConfig.from_dict`); this module adds what the table does not cover (a
step's unit, a speed level, one weight's address, an import's state). Every
problem raises `CommandError`, a ValueError that names the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from app.engine.errors import FieldError

from .speeds import SPEEDS

STEP_UNITS = ("phase", "pattern", "epoch")

#: Marks drawn on the error curve.
MARK_KINDS = ("settings", "back", "reset", "edit")


class CommandError(ValueError):
    """A bad command payload: `field` names what is wrong, the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_NAMED = re.compile(r"^([A-Za-z_][\w.]*): ")
_UNKNOWN = re.compile(r"^unknown setting '([^']*)'")


def field_of(error: ValueError, default: str) -> str:
    """The field an engine ValueError names ("eta: ..." → "eta"), else `default`."""
    if isinstance(error, CommandError | FieldError):  # the engine's typed error carries it
        return error.field or default
    message = str(error)
    for pattern in (_NAMED, _UNKNOWN):
        match = pattern.match(message)
        if match:
            return match.group(1)
    return default


def fields(data: Any, allowed: tuple[str, ...], event: str) -> dict[str, Any]:
    """The payload as a dict with only `allowed` keys (None counts as {})."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise CommandError(event, f"{event}: need an object, got {type(data).__name__}")
    for key in data:
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise CommandError(str(key), f"{key}: not a field of {event} (fields: {known})")
    return dict(data)


def required(data: dict[str, Any], name: str) -> Any:
    """data[name], or a CommandError saying it is missing."""
    if name not in data:
        raise CommandError(name, f"{name}: missing")
    return data[name]


def whole(value: Any, name: str) -> int:
    """An int (not a bool, not a float), or a CommandError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CommandError(name, f"{name}: need a whole number, got {value!r}")
    return value


def step_unit(data: Any) -> str:
    """The unit of a `step` command: phase, pattern or epoch."""
    unit = required(fields(data, ("unit",), "step"), "unit")
    if unit not in STEP_UNITS:
        raise CommandError("unit", f"unit: {unit!r} is not one of {', '.join(STEP_UNITS)}")
    return unit


def speed_level(value: Any, name: str = "level") -> int:
    """A valid index into SPEEDS."""
    level = whole(value, name)
    if not 0 <= level < len(SPEEDS):
        raise CommandError(name, f"{name}: need 0 to {len(SPEEDS) - 1}, got {level}")
    return level


def weight_address(data: Any) -> tuple[int, int, int, float]:
    """(layer, neuron, input, value) of a `set_weight` command; ranges checked by the engine."""
    payload = fields(data, ("layer", "neuron", "input", "value"), "set_weight")
    layer, neuron, column = (whole(required(payload, k), k) for k in ("layer", "neuron", "input"))
    value = required(payload, "value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CommandError("value", f"value: need a finite number, got {value!r}")
    return layer, neuron, column, float(value)


def settings_values(data: Any) -> dict[str, Any]:
    """The settings of a `configure` command (values checked against SETTINGS later)."""
    if not isinstance(data, Mapping):
        raise CommandError("settings", f"settings: need an object, got {type(data).__name__}")
    return dict(data)


def marks_list(value: Any, most: int) -> list[dict[str, Any]]:
    """Imported marks: a list of {epoch, kind, ...} with known kinds."""
    if not isinstance(value, list) or len(value) > most:
        raise CommandError("state.marks", f"state.marks: need a list of at most {most} marks")
    marks = []
    for i, mark in enumerate(value):
        ok = isinstance(mark, dict) and mark.get("kind") in MARK_KINDS
        epoch = mark.get("epoch") if ok else None
        if not ok or isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise CommandError("state.marks", f"state.marks: mark {i} is not {{epoch, kind}}")
        marks.append(dict(mark))
    return marks
