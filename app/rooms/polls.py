"""Live polls: a question about one definite next step, answered on the students' devices.

A poll records the state it was asked on and follows the presenter's network
from it (`question.Watch`): it reveals once the step it asks about is complete,
with the answer computed from that very step, and is cancelled ("poll cancelled:
the network changed") when anything else changes the network first. Until the
reveal, students see the question and what it is about, never the answer or the
tally; the presenter's page gets both (and hides the tally unless asked).

Every student's answer is keyed by the viewer id the server issued to them
(`app/web/rooms.py`): one answer per student, changeable until the reveal. The
tally counts the answers of students connected now (the room's roster), so it
can never exceed them; at the reveal it is frozen.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from app.engine import TRAINING, Trainer
from app.engine.errors import FieldError

from .names import delta_neurons, weight_name
from .question import STUCK_HORIZON, Watch

__all__ = ["MAX_QUESTION", "POLL_KINDS", "STUCK_HORIZON", "Poll", "neuron_choices",
           "open_poll", "weight_label"]

#: kind -> the question a page shows (the presenter may replace the text); a weight's
#: question names the weight and the step ("Will w₁,₁ go up or down over the next pattern?").
POLL_KINDS: dict[str, str] = {
    "weight_direction": "Will {weight} go up or down over the next {unit}?",
    "largest_delta": "Which neuron will have the largest local gradient |δ| in the next pattern?",
    "stuck": f"Is the network stuck (no convergence within {STUCK_HORIZON:,} more epochs)?",
}
MAX_QUESTION = 200
#: What students may see of a poll's detail before the reveal: what it is about, not
#: the looked-ahead numbers that give the answer away.
PUBLIC_DETAIL = frozenset({"layer", "neuron", "input", "unit", "weight", "horizon", "pattern"})
MAX_ANSWERS_KEPT = 10_000
#: What a page shows for a poll voided before its step.
CANCELLED = "poll cancelled: the network changed"
DIRECTIONS = [{"id": "up", "label": "up"}, {"id": "down", "label": "down"},
              {"id": "same", "label": "stays the same"}]


def neuron_choices(trainer: Trainer) -> list[dict[str, str]]:
    """Every neuron that has a δ, as {id: "layer:neuron", label}: h₁, h₂, ... and r."""
    return [{"id": f"{layer}:{j}", "label": name}
            for layer, j, name in delta_neurons(trainer.shape.sizes)]


def weight_label(trainer: Trainer, layer: int, neuron: int, column: int) -> str:
    """A weight's name as the page writes it: v₁,₀ (the bias is input 0), w₁,₂, v²₁,₃."""
    return weight_name(trainer.shape.sizes, layer, neuron, column, trainer.shape.bias)


@dataclass
class Poll:
    """One question to the room, its hidden right answer and the answers so far.

    Plain data (saved with the room and restored after a restart); the `watch`
    following the network is kept beside it, not saved.
    """

    id: str
    kind: str
    question: str
    choices: list[dict[str, str]]
    correct: str
    detail: dict[str, Any]
    opened_step: int
    opened_at: float = field(default_factory=time.time)
    revealed: bool = False
    closed: bool = False
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the fingerprint of the state it was asked on (`question.fingerprint`)
    asked_on: str = ""
    #: why it was voided before its step (None while it stands)
    cancelled: str | None = None
    #: revealed by the presenter before the step: the answer shown is the look-ahead's
    predicted: bool = False
    #: at the reveal: answers per choice of the students connected then
    final_tally: dict[str, int] | None = None
    #: the students whose answers that tally counted
    counted: list[str] | None = None

    def __post_init__(self) -> None:
        self.watch: Watch | None = None  # not a field: never saved

    @property
    def open(self) -> bool:
        """True while answers are taken."""
        return not (self.revealed or self.closed or self.cancelled)

    def label(self, choice: str) -> str:
        """A choice as the page shows it (its id if the poll does not offer it)."""
        return next((c["label"] for c in self.choices if c["id"] == choice), choice)

    def answer(self, viewer: str, name: str, choice: Any) -> None:
        """Record (or change) a student's answer until the reveal; FieldError if not allowed."""
        if not self.open:
            raise FieldError("poll", "poll: this poll is no longer open for answers")
        ids = {c["id"] for c in self.choices}
        if not isinstance(choice, str) or choice not in ids:
            raise FieldError("choice", f"choice: need one of {', '.join(sorted(ids))}")
        if viewer not in self.answers and len(self.answers) >= MAX_ANSWERS_KEPT:
            raise FieldError("poll", "poll: too many answers")
        self.answers[viewer] = {"choice": choice, "name": name, "at": time.time()}

    def tally(self, present: Collection[str] | None = None) -> dict[str, int]:
        """Answers per choice id, of the students in `present` (everyone's if None)."""
        if self.final_tally is not None:
            return dict(self.final_tally)
        counts = {c["id"]: 0 for c in self.choices}
        for viewer, entry in self.answers.items():
            if present is None or viewer in present:
                counts[entry["choice"]] = counts.get(entry["choice"], 0) + 1
        return counts

    def reveal(self, answer: dict[str, Any], present: Collection[str] | None,
               predicted: bool = False) -> None:
        """Show the answer (computed from the step taken, or `predicted`); freeze the tally."""
        self.correct = answer["correct"]
        self.detail.update({k: v for k, v in answer.items() if k != "correct"})
        self.predicted = predicted
        self.final_tally = self.tally(present)
        self.counted = sorted(v for v in self.answers if present is None or v in present)
        self.revealed = True

    def cancel(self, why: str) -> None:
        """Void the poll: the network changed before the step it asks about."""
        self.cancelled = why

    def public(self, for_presenter: bool = False,
               present: Collection[str] | None = None) -> dict[str, Any]:
        """What a page shows: the answer and the tally only once revealed (to the presenter
        always); `answered` and the tally count the students in `present`."""
        shown = self.revealed or for_presenter
        detail = self.detail if shown else {
            k: v for k, v in self.detail.items() if k in PUBLIC_DETAIL
        }
        tally = self.tally(present)
        data = {
            "id": self.id, "kind": self.kind, "question": self.question,
            "choices": self.choices, "revealed": self.revealed, "closed": self.closed,
            "answered": sum(tally.values()), "detail": detail,
            "cancelled": None if self.cancelled is None else CANCELLED,
            "cancelled_because": self.cancelled, "predicted": self.predicted,
        }
        if shown:
            data["correct"] = self.correct
            data["tally"] = tally
        return data


def open_poll(trainer: Trainer, kind: Any, question: Any = None,
              target: Any = None, unit: Any = "pattern", marks: int = 0) -> Poll:
    """A new poll about the next step of `trainer` (not changed); FieldError names a bad field.

    weight_direction needs `target` {layer, neuron, input} and asks about the next
    `unit` (phase, pattern or epoch); largest_delta asks about the next pattern whose δ
    are not on screen yet; stuck about training on for up to STUCK_HORIZON epochs.
    `marks` is the session's marks revision now (an edit after it voids the poll).
    The returned poll's `watch` follows the trainer from this state.
    """
    if kind not in POLL_KINDS:
        raise FieldError("kind", f"kind: need one of {', '.join(POLL_KINDS)}")
    if question is not None and (not isinstance(question, str) or not question.strip()
                                 or len(question) > MAX_QUESTION):
        raise FieldError("question",
                         f"question: need text of 1 to {MAX_QUESTION} characters")
    weight = None
    detail: dict[str, Any] = {}
    if kind == "weight_direction":
        weight = _weight_target(trainer, target)
        if unit not in ("phase", "pattern", "epoch"):
            raise FieldError("unit", "unit: need phase, pattern or epoch")
        name = weight_label(trainer, *weight)
        detail = {"layer": weight[0], "neuron": weight[1], "input": weight[2], "unit": unit,
                  "weight": name}
        choices = DIRECTIONS
        default = POLL_KINDS[kind].format(weight=name, unit=unit)
    elif kind == "largest_delta":
        choices, default, unit = neuron_choices(trainer), POLL_KINDS[kind], "pattern"
    else:
        if trainer.status != TRAINING:
            raise FieldError("kind", f"kind: the network has {trainer.status} already; "
                             "ask whether it is stuck before it converges")
        choices = [{"id": "yes", "label": "yes, stuck"}, {"id": "no", "label": "no, it will learn"}]
        default, unit = POLL_KINDS[kind], "epochs"
        detail = {"horizon": STUCK_HORIZON}
    watch = Watch(trainer, kind, unit, weight, marks)
    if kind == "largest_delta":
        detail["pattern"] = list(watch.asked_pattern)
    detail.update({k: v for k, v in watch.prediction.items() if k != "correct"})
    poll = Poll(id=secrets.token_hex(4), kind=kind, question=(question or default).strip(),
                choices=choices, correct=watch.prediction["correct"], detail=detail,
                opened_step=trainer.steps, asked_on=watch.asked_on)
    poll.watch = watch
    return poll


def watch_again(trainer: Trainer, poll: Poll, marks: int) -> Watch:
    """A watch for a poll restored after a restart, from the trainer's state now."""
    detail = poll.detail
    weight = None
    if poll.kind == "weight_direction":
        weight = (detail["layer"], detail["neuron"], detail["input"])
    unit = detail.get("unit", "pattern") if poll.kind == "weight_direction" else "pattern"
    return Watch(trainer, poll.kind, unit, weight, marks)


def _weight_target(trainer: Trainer, target: Any) -> tuple[int, int, int]:
    if not isinstance(target, dict):
        raise FieldError("target", "target: need {layer, neuron, input} of a weight")
    shapes = trainer.shape.layer_shapes
    values = []
    for name, most in (("layer", len(shapes) - 1), ("neuron", None), ("input", None)):
        value = target.get(name)
        if name == "neuron":
            most = shapes[values[0]][0] - 1
        elif name == "input":
            most = shapes[values[0]][1] - 1
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
            raise FieldError(f"target.{name}",
                             f"target.{name}: need a whole number from 0 to {most}")
        values.append(value)
    return values[0], values[1], values[2]
