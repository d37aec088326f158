"""A session's run as the export format, and back: everything needed to continue it.

`export_state` gathers the trainer's state (settings, weights, momentum, the
random generator, ...), the error curve, the marks and the speed; `read_state`
checks an exported state against the declared format (`commands.Exported`) and
then against the network it describes (the engine's checks), and returns the
parts a session is made of. Every problem is a `FieldError` under `state.`
(`state.marks[0].epoch`, `state.weights[1][0][2]`); nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.engine import Trainer, compile_shape
from app.engine.errors import FieldError

from .commands import EXPORT_FORMAT, Exported
from .history import LossHistory
from .schema import CommandError, parse


@dataclass
class Transfer:
    """What an exported state holds, checked: the trainer, and the curve, marks and speed
    when the state had them (None: keep the session's own, or start afresh)."""

    trainer: Trainer
    history: LossHistory | None
    marks: list[dict[str, Any]] | None
    speed: int | None


def export_state(trainer: Trainer, history: LossHistory, marks: list[dict[str, Any]],
                 speed: int) -> dict[str, Any]:
    """The export format (JSON-ready apart from non-finite numbers of a diverged net)."""
    state = trainer.state()
    state.update({
        "format": EXPORT_FORMAT,
        "seed": trainer.config.seed,
        "history": history.to_dict(),
        "marks": [dict(m) for m in marks],
        "speed": speed,
    })
    return state


def read_state(data: Any) -> Transfer:
    """An exported state, checked; CommandError naming the field under `state`."""
    state = parse(Exported, data, "state").model_dump(exclude_unset=True, mode="json")
    try:
        trainer = Trainer.from_state(state)
        compile_shape(trainer.config)  # before the importing session's lock and the pool
    except FieldError as error:
        raise error.under("state") from None
    except (ValueError, TypeError) as error:  # an engine check not typed yet
        raise CommandError("state", f"state: {error}") from None
    history = None
    if "history" in state:
        try:
            history = LossHistory.from_dict(state["history"])
        except FieldError as error:
            raise error.under("state") from None
        except ValueError as error:
            raise CommandError("state.history", f"state.{error}") from None
    marks = [_mark(m) for m in state["marks"]] if "marks" in state else None
    return Transfer(trainer, history, marks, state.get("speed"))


def _mark(mark: dict[str, Any]) -> dict[str, Any]:
    """A mark as the session keeps it: unset optional fields left out."""
    return {k: v for k, v in mark.items() if v is not None or k == "epoch"}
