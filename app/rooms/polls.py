"""Live polls: a question before the next step, answered on the students' devices.

Each kind's right answer is worked out when the poll opens by looking ahead on a
clone of the presenter's trainer (the engine is deterministic, so the clone does
exactly what the real step will do). The answer stays hidden until the presenter
takes the step (or reveals it), then everyone sees it.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from app.engine import Trainer
from app.engine.errors import FieldError

#: Epochs the "is it stuck?" poll looks ahead: stuck means no convergence within them.
STUCK_HORIZON = 20_000

#: kind -> the question a page shows (the presenter may replace the text).
POLL_KINDS: dict[str, str] = {
    "weight_direction": "Will this weight go up or down in the next step?",
    "largest_delta": "Which neuron will have the largest local gradient |δ| in the next pattern?",
    "stuck": f"Is the network stuck (no convergence within {STUCK_HORIZON:,} more epochs)?",
}
MAX_QUESTION = 200
#: What students may see of a poll's detail before the reveal: what it is about, not
#: the looked-ahead numbers that give the answer away.
PUBLIC_DETAIL = frozenset({"layer", "neuron", "input", "unit", "weight", "horizon"})
MAX_ANSWERS_KEPT = 10_000


def neuron_choices(trainer: Trainer) -> list[dict[str, str]]:
    """Every neuron that has a δ, as {id: "layer:neuron", label}: h₁, h₂, ... and r."""
    hidden = trainer.shape.hidden
    choices = []
    for layer, count in enumerate(hidden):
        for j in range(count):
            label = f"h{j + 1}" if len(hidden) == 1 else f"h{layer + 1}.{j + 1}"
            choices.append({"id": f"{layer}:{j}", "label": label})
    choices.append({"id": f"{len(hidden)}:0", "label": "r"})
    return choices


def weight_label(trainer: Trainer, layer: int, neuron: int, column: int) -> str:
    """A weight's name: v (hidden layers) or w (output), neuron and input, bias as 'b'."""
    last = len(trainer.shape.hidden)
    if layer == last:
        symbol = "w"
    elif last == 1:
        symbol = "v"
    else:
        symbol = f"v{layer + 1}"
    source = "b" if column == trainer.shape.sizes[layer] else str(column + 1)
    return f"{symbol}[{neuron + 1},{source}]"


@dataclass
class Poll:
    """One question to the room, its hidden right answer and the answers so far."""

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

    def answer(self, viewer: str, name: str, choice: Any) -> None:
        """Record (or change) a student's answer until the reveal; ValueError if not allowed."""
        if self.revealed or self.closed:
            raise FieldError("poll", "poll: this poll is no longer open for answers")
        ids = {c["id"] for c in self.choices}
        if not isinstance(choice, str) or choice not in ids:
            raise FieldError("choice", f"choice: need one of {', '.join(sorted(ids))}")
        if viewer not in self.answers and len(self.answers) >= MAX_ANSWERS_KEPT:
            raise FieldError("poll", "poll: too many answers")
        self.answers[viewer] = {"choice": choice, "name": name, "at": time.time()}

    def tally(self) -> dict[str, int]:
        """Answers per choice id."""
        counts = {c["id"]: 0 for c in self.choices}
        for entry in self.answers.values():
            counts[entry["choice"]] = counts.get(entry["choice"], 0) + 1
        return counts

    def public(self, for_presenter: bool = False) -> dict[str, Any]:
        """What a page shows: the answer only once revealed (always to the presenter)."""
        shown = self.revealed or for_presenter
        detail = self.detail if shown else {
            k: v for k, v in self.detail.items() if k in PUBLIC_DETAIL
        }
        data = {
            "id": self.id, "kind": self.kind, "question": self.question,
            "choices": self.choices, "revealed": self.revealed, "closed": self.closed,
            "tally": self.tally(), "answered": len(self.answers), "detail": detail,
        }
        if shown:
            data["correct"] = self.correct
        return data


def open_poll(trainer: Trainer, kind: Any, question: Any = None,
              target: Any = None, unit: Any = "pattern") -> Poll:
    """A new poll about the next step of `trainer` (not changed); ValueError names a bad field.

    weight_direction needs `target` {layer, neuron, input} and looks `unit` (phase,
    pattern or epoch) ahead; largest_delta looks at the next pattern; stuck trains a
    clone for up to STUCK_HORIZON epochs.
    """
    if kind not in POLL_KINDS:
        raise FieldError("kind", f"kind: need one of {', '.join(POLL_KINDS)}")
    if question is None:
        question = POLL_KINDS[kind]
    if not isinstance(question, str) or not question.strip() or len(question) > MAX_QUESTION:
        raise FieldError("question",
                         f"question: need text of 1 to {MAX_QUESTION} characters")
    ahead = trainer.clone()
    detail: dict[str, Any] = {}
    if kind == "weight_direction":
        layer, neuron, column = _weight_target(trainer, target)
        if unit not in ("phase", "pattern", "epoch"):
            raise FieldError("unit", "unit: need phase, pattern or epoch")
        before = float(ahead.layers[layer][neuron, column])
        steps = {"phase": ahead.step_phase, "pattern": ahead.step_pattern,
                 "epoch": ahead.step_epoch}
        steps[unit]()
        after = float(ahead.layers[layer][neuron, column])
        correct = "up" if after > before else "down" if after < before else "same"
        choices = [{"id": "up", "label": "up"}, {"id": "down", "label": "down"},
                   {"id": "same", "label": "stays the same"}]
        detail = {"layer": layer, "neuron": neuron, "input": column, "unit": unit,
                  "weight": weight_label(trainer, layer, neuron, column),
                  "before": before, "after": after}
    elif kind == "largest_delta":
        trace = ahead.step_pattern()
        choices = neuron_choices(trainer)
        best, size = choices[0]["id"], -1.0
        for choice in choices:
            layer, j = (int(x) for x in choice["id"].split(":"))
            if abs(trace.delta[layer][j]) > size:
                best, size = choice["id"], abs(trace.delta[layer][j])
        correct = best
        detail = {"pattern": trace.pattern, "delta": [list(x) for x in trace.delta]}
    else:
        result = ahead.run(STUCK_HORIZON, stop_on_convergence=True, remember=False)
        converged = ahead.status == "converged"
        correct = "no" if converged else "yes"
        choices = [{"id": "yes", "label": "yes, stuck"}, {"id": "no", "label": "no, it will learn"}]
        detail = {"horizon": STUCK_HORIZON, "converged_epoch": ahead.converged_epoch,
                  "epochs_tried": result.epochs}
    return Poll(id=secrets.token_hex(4), kind=kind, question=question.strip(), choices=choices,
                correct=correct, detail=detail, opened_step=trainer.steps)


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


def polls_csv(code: str, polls: list[Poll]) -> str:
    """Every answer of every poll of a room, one row each, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["room", "poll", "kind", "question", "correct", "student", "name",
                     "answer", "right", "answered_at"])
    for poll in polls:
        for viewer, entry in poll.answers.items():
            writer.writerow([
                code, poll.id, poll.kind, poll.question, poll.correct, viewer, entry["name"],
                entry["choice"], "yes" if entry["choice"] == poll.correct else "no",
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(entry["at"])),
            ])
    return out.getvalue()
