"""Frames: what the page draws, built from a session only when a frame is sent.

`build_frame` returns plain data (numbers, lists, dicts, and float32 numpy arrays
for the decision surface and the sweep's results); the web layer's wire module
turns that into JSON text, the arrays as base64. A `Delivery` remembers what
this client already has, so the error history goes out as the points added since
its last frame, the marks and the seed sweep's view only when they changed, and
the surface only when the network changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from app.engine import PHASES, PatternTrace

from .history import LossHistory

if TYPE_CHECKING:
    from .session import Session

#: Grid points per side of the decision surface.
SURFACE_RESOLUTION = 25


def surface_grid(resolution: int = SURFACE_RESOLUTION) -> np.ndarray:
    """The grid's inputs, row-major with s1 as the row: point j*G + i is (i/(G-1), j/(G-1))."""
    axis = np.linspace(0.0, 1.0, resolution)
    s0, s1 = np.meshgrid(axis, axis)  # s0 varies along a row, s1 from row to row
    return np.ascontiguousarray(np.column_stack([s0.ravel(), s1.ravel()]))


_GRID = surface_grid()


@dataclass
class Delivery:
    """What one client has been sent so far (reset on every connection)."""

    seq: int = 0
    history_generation: int = -1
    history_count: int = 0
    history_width: int = 1
    history_last_epoch: int = -1
    marks_revision: int = -1
    network_key: Any = None
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


def surface(session: Session) -> dict[str, Any]:
    """The response and every hidden neuron's output over the grid, as float32 arrays.

    A two-input net's over the unit square (`kind: "grid"`); a one-input net's (the
    simplest case) as curves r(s) and h(s) over a range that includes its s
    (`kind: "curve"`, `curve_inputs`).
    """
    trainer = session.trainer
    inputs = trainer.shape.sizes[0]
    if inputs == 1:
        grid = curve_inputs(float(trainer.patterns[0, 0]))
        head = {"kind": "curve", "points": len(grid), "range": [grid[0, 0], grid[-1, 0]]}
    else:
        grid = _GRID
        head = {"kind": "grid", "resolution": SURFACE_RESOLUTION}
    out = trainer.outputs_over(grid)
    hidden_count = sum(trainer.shape.hidden)
    return {
        **head,
        "encoding": "base64-float32le",  # what the wire format makes of float32 arrays
        "output": out[:, -1].astype(np.float32),
        "hidden": [out[:, inputs + k].astype(np.float32) for k in range(hidden_count)],
    }


#: Points of a one-input net's curves r(s), h(s).
CURVE_POINTS = 101


def curve_inputs(s: float, points: int = CURVE_POINTS) -> np.ndarray:
    """Signals from -half to half (a column), half = the whole number at least |s| + 1 and
    at least 2: the pattern's s is inside with room on both sides, 0 in the middle."""
    half = max(2.0, float(np.ceil(abs(s) + 1.0)))
    return np.linspace(-half, half, points).reshape(points, 1)


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


def build_frame(session: Session, delivery: Delivery) -> dict[str, Any]:
    """The frame for a client that has had `delivery`; updates `delivery`. Hold session.lock."""
    trainer = session.trainer
    history = session.history
    delivery.seq += 1
    history_payload = history_part(history, delivery)

    marks = None
    if delivery.marks_revision != session.marks_revision:
        marks = [dict(m) for m in session.marks]
        delivery.marks_revision = session.marks_revision

    network = None
    key = (trainer.config, trainer.w.tobytes())
    if key != delivery.network_key:
        network = surface(session)
        delivery.network_key = key

    sweep = None
    job = session.sweep
    key = None if job is None else job.key()
    if key != delivery.sweep_key:
        sweep = {"state": "none"} if job is None else job.view()
        delivery.sweep_key = key

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
        "settings": trainer.config.to_dict(),
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
