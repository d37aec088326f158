"""A lesson step applied to a session in one go, and the session's place in its lesson.

`apply_step` sets up the step's network exactly as the lesson says, whatever the
session held before: its settings over the defaults, from epoch 0 with the seed's
weights (or the step's own), then the step's epochs on the fast path and its
patterns and phases traced, one undoable step each (so the class can step back
through them). It all happens under the session's lock: a frame, a room snapshot or
a command sees the session before the step or after it, never half way. The session
then records where it is (`session.lesson`), which every frame (and so every room
snapshot) carries: students follow their presenter's step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from app.engine import compile_shape
from app.lessons import Lesson, step_config
from app.lessons.model import MAX_STEPS

from .schema import Strict

if TYPE_CHECKING:
    from .session import Session

#: Most loss samples a lesson step's fast epochs leave on the curve.
MAX_SAMPLES = 1024


class LessonMove(Strict):
    """The `lesson` command's payload: a lesson's name and a step (from 0), or lesson null."""

    lesson: Annotated[str, Field(max_length=40)] | None
    step: Annotated[int, Field(ge=0, le=MAX_STEPS - 1)] = 0


def position(lesson: Lesson, index: int) -> dict[str, Any]:
    """The session's place in a lesson, as frames carry it."""
    return {"name": lesson.name, "step": index, "steps": len(lesson.steps),
            "title": lesson.steps[index].title}


def apply_step(session: Session, lesson: Lesson, index: int) -> dict[str, Any]:
    """Set `session` up as step `index` (from 0) of `lesson`; returns its position.

    `index` must be a valid step (the command checks it). Pauses a run first.
    """
    step = lesson.steps[index]
    config = step_config(step)
    compile_shape(config)  # a new shape: before the lock (configure's own is inside it here)
    with session.lock:  # re-entrant: the commands below take it again; frames wait for all
        session.pause()
        session.configure(config.to_dict())
        session.reset()  # epoch 0 with the seed's weights, even when the settings were the same
        if step.weights is not None:
            session.set_weights(step.weights)
        if step.advance.epochs:
            _train(session, step.advance.epochs)
        for _ in range(step.advance.patterns):
            session.step("pattern")
        for _ in range(step.advance.phases):
            session.step("phase")
        session.lesson = position(lesson, index)
    session.changed()
    return session.lesson


def leave(session: Session) -> None:
    """The session is no longer in a lesson (its network stays as it is)."""
    with session.lock:
        was, session.lesson = session.lesson, None
    if was is not None:
        session.changed()


def _train(session: Session, epochs: int) -> None:
    """`epochs` epochs on the compiled path, their losses on the curve; one undoable step."""
    trainer = session.trainer
    history = session.history
    every = max(history.sample_every(), epochs // MAX_SAMPLES)
    result = trainer.run(epochs, loss_every=every)
    history.add_many(result.loss_epochs.tolist(), result.losses.tolist())
    history.add(trainer.epoch, trainer.loss())
    session.last_trace = None
