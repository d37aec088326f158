"""Frames: what the page draws, built from a session only when a frame is sent.

`build_frame` returns plain data (numbers, lists, dicts, and float32 numpy arrays
for the decision surface and the sweep's results); the web layer's wire module
turns that into JSON text, the arrays as base64. A `Delivery` remembers what
this client already has, so the error history goes out as the points added since
its last frame, the marks, the settings and the seed sweep's view only when they changed, and
the surface only when its picture changed (`surface.py`: 8-bit levels, paced while running).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.engine import PHASES, PatternTrace

from .history import LossHistory
from .surface import SurfaceDue

if TYPE_CHECKING:
    from .session import Session

@dataclass
class Delivery:
    """What one client has been sent so far (reset on every connection)."""

    seq: int = 0
    history_generation: int = -1
    history_count: int = 0
    history_width: int = 1
    history_last_epoch: int = -1
    marks_revision: int = -1
    surface: SurfaceDue = field(default_factory=SurfaceDue)
    settings: Any = None  # the config whose settings the client has
    sweep_key: str | None = "unsent"  # the first frame always says: a sweep's view or "none"


def trace_dict(trace: PatternTrace, phase: str) -> dict[str, Any]:
    """A trace's quantities under the derivation's names (copies; `phase` as revealed)."""
    return {
        "epoch": trace.epoch, "pattern": trace.pattern, "phase": phase,
        "s": list(trace.s), "d": trace.d,
        "weighted": [list(x) for x in trace.weighted],
        "outputs": [list(x) for x in trace.outputs],
        "inputs": [list(x) for x in trace.inputs],
        "r": trace.r, "e": trace.e, "l": trace.l,
        "delta": [list(x) for x in trace.delta],
        "gradient": _copy3(trace.gradient), "learning": _copy3(trace.learning),
        "momentum": _copy3(trace.momentum), "change": _copy3(trace.change),
        "weights_before": _copy3(trace.weights_before),
        "weights_after": _copy3(trace.weights_after),
        "batch": trace.batch,
    }


def _copy3(matrices: list) -> list:
    return [[list(row) for row in m] for m in matrices]


def current_trace(session: Session) -> tuple[PatternTrace | None, str | None]:
    """The trace to show and its last revealed phase (None, None when there is none)."""
    trainer = session.trainer
    if trainer.pending is not None and trainer.phase > 0:
        return trainer.pending, PHASES[trainer.phase - 1]
    trace = session.last_trace
    if trace is None:
        return None, None
    return trace, trace.phase


def history_part(history: LossHistory, delivery: Delivery) -> dict[str, Any]:
    """The error curve for a client that has had `delivery` (updated): what it lacks."""
    if delivery.history_generation != history.generation or delivery.history_count == 0:
        start, reset = 0, True
    elif delivery.history_width != history.width:
        # buckets merged: the client merges its copy too, then we go on from its last bucket
        start, reset = history.bucket_start(delivery.history_last_epoch), False
    else:
        start, reset = min(delivery.history_count - 1, len(history)), False
    points = history.tail(start)
    delivery.history_generation, delivery.history_count = history.generation, len(history)
    delivery.history_width, delivery.history_last_epoch = history.width, history.last_epoch
    return {"reset": reset, "start": start, "width": history.width, "points": points}


def build_frame(session: Session, delivery: Delivery, now: float | None = None) -> dict[str, Any]:
    """The frame for a client that has had `delivery`; updates `delivery`. Hold session.lock.

    `now` (time.monotonic() by default) paces the surface while running (`surface.py`).
    """
    trainer = session.trainer
    history = session.history
    delivery.seq += 1
    history_payload = history_part(history, delivery)

    marks = None
    if delivery.marks_revision != session.marks_revision:
        marks = [dict(m) for m in session.marks]
        delivery.marks_revision = session.marks_revision

    network = delivery.surface.next(trainer, session.running,
                                    time.monotonic() if now is None else now)

    sweep = None
    job = session.sweep
    key = None if job is None else job.key()
    if key != delivery.sweep_key:
        sweep = {"state": "none"} if job is None else job.view()
        delivery.sweep_key = key

    settings = None  # unchanged since the client's last frame: it keeps them
    if delivery.settings != trainer.config:
        settings, delivery.settings = trainer.config.to_dict(), trainer.config

    trace, phase = current_trace(session)
    return {
        "seq": delivery.seq,
        "epoch": trainer.epoch,
        "step": trainer.steps,
        "pattern": trainer.pattern,
        "phase": phase,
        "status": session.status(),
        "running": session.running,
        "converged_epoch": trainer.converged_epoch,
        "settings": settings,
        "speed": session.speed,
        "epochs_per_second": session.rate.per_second() if session.running else 0.0,
        "can_back": trainer.can_go_back,
        "weights": trainer.weights(),
        "loss": trainer.loss(),
        "truth": trainer.truth_table(),
        "trace": None if trace is None else trace_dict(trace, phase),
        "surface": network,
        "history": history_payload,
        "marks": marks,
        "sweep": sweep,
        "lesson": session.lesson,
    }
