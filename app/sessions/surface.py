"""The decision surface a frame carries: the network's outputs over a grid, at 256 levels.

A two-input net's response r and every hidden neuron's output over the unit square
(`kind: "grid"`, 25 × 25 points); a one-input net's (the simplest case) as curves
r(s) and h(s) (`kind: "curve"`, 101 points). Outputs lie in the activation's range
(σ: 0 to 1, tanh: −1 to 1), so a heat map needs no more than 8 bits per point: a
grid goes as `uint8` levels, 256 across that range (the page's palette has fewer
colours than that). A curve is a line whose height is read against an axis, so it
goes at 16 bits. Exports keep the engine's numbers; only the picture is quantised.

`SurfaceDue` decides when a client gets the surface again: only when some point
moved by at least one level since the copy it has, and while running at most every
`RUNNING_INTERVAL` seconds (unless a setting changed: then the picture it has is wrong,
not just a moment old) (the numbers go at the full frame rate; the page paints
surfaces at most ten times a second anyway). Once the run stops, the next frame
brings the surface up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.engine import Trainer

#: Grid points per side of the decision surface.
SURFACE_RESOLUTION = 25
#: Points of a one-input net's curves r(s), h(s).
CURVE_POINTS = 101
#: While a run goes on, a client gets a changed surface at most this often (seconds).
RUNNING_INTERVAL = 0.3
#: Levels per kind: a heat map at 8 bits, a curve at 16.
LEVELS = {"grid": (np.uint8, 255), "curve": (np.dtype("<u2"), 65535)}


def surface_grid(resolution: int = SURFACE_RESOLUTION) -> np.ndarray:
    """The grid's inputs, row-major with s1 as the row: point j*G + i is (i/(G-1), j/(G-1))."""
    axis = np.linspace(0.0, 1.0, resolution)
    s0, s1 = np.meshgrid(axis, axis)  # s0 varies along a row, s1 from row to row
    return np.ascontiguousarray(np.column_stack([s0.ravel(), s1.ravel()]))


_GRID = surface_grid()


def curve_inputs(s: float, points: int = CURVE_POINTS) -> np.ndarray:
    """Signals from -half to half (a column), half = the whole number at least |s| + 1 and
    at least 2: the pattern's s is inside with room on both sides, 0 in the middle."""
    half = max(2.0, float(np.ceil(abs(s) + 1.0)))
    return np.linspace(-half, half, points).reshape(points, 1)


def output_range(trainer: Trainer) -> tuple[float, float]:
    """The range of every neuron's output: σ's (0, 1), tanh's (−1, 1)."""
    return (-1.0, 1.0) if trainer.config.activation == "tanh" else (0.0, 1.0)


def quantise(values: np.ndarray, lo: float, hi: float, kind: str) -> np.ndarray:
    """`values` as levels from 0 (lo) to the kind's top level (hi), rounded; NaN as 0."""
    dtype, top = LEVELS[kind]
    scaled = np.nan_to_num((values - lo) * (top / (hi - lo)), nan=0.0)
    return np.clip(np.rint(scaled), 0, top).astype(dtype)


def surface(trainer: Trainer) -> dict[str, Any]:
    """The response and every hidden neuron's output over the grid (or curve), quantised.

    `output` and each of `hidden` are integer arrays (the wire turns them into bytes);
    level q stands for lo + q·(hi − lo)/top.
    """
    inputs = trainer.shape.sizes[0]
    if inputs == 1:
        grid = curve_inputs(float(trainer.patterns[0, 0]))
        head: dict[str, Any] = {"kind": "curve", "points": len(grid),
                                "range": [float(grid[0, 0]), float(grid[-1, 0])]}
    else:
        grid = _GRID
        head = {"kind": "grid", "resolution": SURFACE_RESOLUTION}
    kind = head["kind"]
    lo, hi = output_range(trainer)
    out = trainer.outputs_over(grid)
    hidden_count = sum(trainer.shape.hidden)
    top = int(LEVELS[kind][1])
    return {
        **head,
        "encoding": "u8" if kind == "grid" else "u16le",
        "levels": top + 1, "lo": lo, "hi": hi,
        "output": quantise(out[:, -1], lo, hi, kind),
        "hidden": [quantise(out[:, inputs + k], lo, hi, kind) for k in range(hidden_count)],
    }


@dataclass
class SurfaceDue:
    """What surface one client has, and when it got it: whether a new one is due."""

    network_key: Any = None  # the weights and settings the client's surface was computed on
    picture_key: tuple | None = None  # the picture it has: its head and levels
    sent_at: float = float("-inf")

    def next(self, trainer: Trainer, running: bool, now: float) -> dict[str, Any] | None:
        """The surface to send now, or None: unchanged by a level, or too soon while running."""
        key = (trainer.config, trainer.w.tobytes())
        if key == self.network_key:
            return None
        same_settings = self.network_key is not None and key[0] == self.network_key[0]
        if running and same_settings and now - self.sent_at < RUNNING_INTERVAL:
            return None  # looked at again by a later frame (the run goes on, or stops)
        picture = surface(trainer)
        self.network_key = key
        picture_key = (picture["kind"], picture.get("resolution"), tuple(picture.get("range", ())),
                       picture["lo"], picture["hi"],
                       *(a.tobytes() for a in (picture["output"], *picture["hidden"])))
        if picture_key == self.picture_key:
            return None  # the weights moved, the picture did not by a level: nothing to send
        self.picture_key, self.sent_at = picture_key, now
        return picture
