"""The error curve: loss per epoch, bounded for runs of any length.

Samples fall into buckets of `width` consecutive epochs (bucket k holds epochs
k*width to (k+1)*width - 1). Each bucket keeps the minimum, maximum and last loss
of its samples, so a spike stays visible after merging. When there are more than
`capacity` buckets the width doubles and neighbouring buckets merge in pairs:
the curve keeps between capacity/2 and capacity points spanning the whole run.

`generation` changes whenever existing points are rewritten (merge, truncate,
clear), so a reader that followed the series by position knows to start over.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Most points kept; at least half of it once the run has that many epochs.
CAPACITY = 4096


class LossHistory:
    """Decimated loss history; not thread safe (the session's lock guards it)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity: need an even number >= 4")
        self.capacity = capacity
        self.width = 1
        self.generation = 0
        # each point: [last epoch sampled, min, max, last]
        self.points: list[list[float]] = []

    def __len__(self) -> int:
        return len(self.points)

    def add(self, epoch: int, loss: float) -> None:
        """Record the loss after `epoch` epochs; non-finite losses are skipped."""
        if math.isfinite(loss):
            self._add_summary(epoch, loss, loss, loss)

    def add_many(self, epochs: Any, losses: Any) -> None:
        """Record several samples in epoch order (a fast chunk's: grouped per bucket first)."""
        epochs = np.asarray(epochs, dtype=np.int64)
        losses = np.asarray(losses, dtype=np.float64)
        keep = np.isfinite(losses)
        epochs, losses = epochs[keep], losses[keep]
        if len(epochs) == 0:
            return
        buckets = epochs // self.width
        starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
        ends = np.r_[starts[1:], len(epochs)] - 1
        lows = np.minimum.reduceat(losses, starts)
        highs = np.maximum.reduceat(losses, starts)
        for epoch, low, high, last in zip(epochs[ends].tolist(), lows.tolist(), highs.tolist(),
                                          losses[ends].tolist(), strict=True):
            self._add_summary(epoch, low, high, last)

    def _add_summary(self, epoch: int, low: float, high: float, last: float) -> None:
        """Add samples summarised as (last epoch, min, max, last loss) within one bucket."""
        points = self.points
        if points and points[-1][0] // self.width == epoch // self.width \
                and epoch >= points[-1][0]:
            point = points[-1]
            point[0] = epoch
            point[1] = min(point[1], low)
            point[2] = max(point[2], high)
            point[3] = last
            return
        points.append([epoch, low, high, last])
        if len(points) > self.capacity:
            self._merge()

    def _merge(self) -> None:
        self.width *= 2
        merged: list[list[float]] = []
        for point in self.points:
            if merged and merged[-1][0] // self.width == point[0] // self.width:
                last = merged[-1]
                last[0] = point[0]
                last[1] = min(last[1], point[1])
                last[2] = max(last[2], point[2])
                last[3] = point[3]
            else:
                merged.append(list(point))
        self.points = merged
        self.generation += 1
        if len(self.points) > self.capacity:  # sparse history (after truncations): again
            self._merge()

    def truncate(self, epoch: int) -> None:
        """Forget every bucket sampled after `epoch` (stepping back)."""
        keep = len(self.points)
        while keep and self.points[keep - 1][0] > epoch:
            keep -= 1
        if keep != len(self.points):
            del self.points[keep:]
            self.generation += 1

    def clear(self) -> None:
        """Start a new run's curve."""
        self.points = []
        self.width = 1
        self.generation += 1

    def sample_every(self) -> int:
        """How often a fast run should take the loss: about 4 samples per bucket."""
        return max(1, self.width // 4)

    def to_dict(self) -> dict[str, Any]:
        """The whole series, for export."""
        return {"width": self.width, "points": [list(p) for p in self.points]}

    @classmethod
    def from_dict(cls, data: Any, capacity: int = CAPACITY) -> LossHistory:
        """A history from `to_dict()` output; raise ValueError naming the bad field."""
        if not isinstance(data, dict):
            raise ValueError("history: need an object {width, points}")
        width = data.get("width")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1 \
                or width & (width - 1):
            raise ValueError(f"history.width: need a power of 2, got {width!r}")
        points = data.get("points")
        if not isinstance(points, list) or len(points) > capacity:
            raise ValueError(f"history.points: need a list of at most {capacity} points")
        history = cls(capacity)
        history.width = width
        previous = -1
        for i, point in enumerate(points):
            ok = isinstance(point, list) and len(point) == 4 and all(
                isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                for x in point
            )
            if not ok or point[0] < previous or point[0] != int(point[0]) \
                    or not point[1] <= point[3] <= point[2]:
                raise ValueError(
                    f"history.points: point {i} is not [epoch, min, max, last] in order"
                )
            previous = point[0]
            history.points.append([int(point[0]), float(point[1]), float(point[2]),
                                   float(point[3])])
        return history
