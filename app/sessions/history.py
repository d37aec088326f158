"""The error curve: loss per epoch, bounded for runs of any length.

Samples fall into buckets of `width` consecutive epochs (bucket k holds epochs
k*width to (k+1)*width - 1). Each bucket keeps the minimum, maximum and last loss
of its samples, so a spike stays visible after merging. When there are more than
`capacity` buckets the width doubles and neighbouring buckets merge in pairs:
the curve keeps between capacity/2 and capacity points spanning the whole run.

`generation` changes whenever points are taken away (truncate, clear): a reader
that followed the series by position must start over. A merge keeps the
generation and changes `width`: a reader merges its own copy the same way
(`rebucket`), then goes on from the bucket of the last point it had
(`bucket_start`), so a merge costs no resend of the whole curve.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Most points kept; at least half of it once the run has that many epochs. The curve is
#: drawn in a few hundred to ~1,500 pixels: 1,024 to 2,048 points are more than it can
#: show, and every new point travels to every tab and student (issue 16: 4,096 put the
#: curve at half a running tab's bytes in a run's first seconds).
CAPACITY = 2048
#: Most points an imported history may hold (exports written when CAPACITY was 4,096);
#: it is merged down to CAPACITY on import, as a long run's own history would be.
IMPORT_CAPACITY = 4096


def rebucket(points: list[list[float]], width: int) -> list[list[float]]:
    """`points` merged into buckets of `width` epochs, as the history merges its own."""
    merged: list[list[float]] = []
    for point in points:
        if merged and merged[-1][0] // width == point[0] // width:
            last = merged[-1]
            merged[-1] = [point[0], min(last[1], point[1]), max(last[2], point[2]), point[3]]
        else:
            merged.append(list(point))
    return merged


class FinitePoints(list):
    """History points ready for the wire: every number finite (the history keeps no other)."""


class LossHistory:
    """Decimated loss history; not thread safe (the session's lock guards it).

    Stored as numpy arrays (the epoch of each point, and its min, max and last
    loss), so merging buckets costs microseconds, not a Python loop over thousands
    of points, which matters with dozens of runs starting at once.
    """

    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity: need an even number >= 4")
        self.capacity = capacity
        self.width = 1
        self.generation = 0
        self._epochs = np.zeros(capacity + 1, dtype=np.int64)
        self._losses = np.zeros((capacity + 1, 3))  # min, max, last
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def points(self) -> FinitePoints:
        """Every point as [last epoch sampled, min, max, last]."""
        return self.tail(0)

    def tail(self, start: int) -> FinitePoints:
        """The points from index `start` on."""
        epochs = self._epochs[start : self._n].tolist()
        losses = self._losses[start : self._n].tolist()
        return FinitePoints([e, *v] for e, v in zip(epochs, losses, strict=True))

    def bucket_start(self, epoch: int) -> int:
        """Index of the point whose bucket holds `epoch` (or where it would go)."""
        buckets = self._epochs[: self._n] // self.width
        return int(np.searchsorted(buckets, epoch // self.width, side="left"))

    @property
    def last_epoch(self) -> int:
        """Epoch of the last point (-1 when empty)."""
        return int(self._epochs[self._n - 1]) if self._n else -1

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
        n = self._n
        if n:
            previous = int(self._epochs[n - 1])
            if previous // self.width == epoch // self.width and epoch >= previous:
                row = self._losses[n - 1]
                self._epochs[n - 1] = epoch
                row[0] = min(row[0], low)
                row[1] = max(row[1], high)
                row[2] = last
                return
        self._epochs[n] = epoch
        self._losses[n] = (low, high, last)
        self._n = n + 1
        if self._n > self.capacity:
            self._merge()

    def _merge(self) -> None:
        """Double the width: neighbouring buckets merge, keeping min, max and last."""
        while self._n > self.capacity:  # more than once if the points were sparse
            self.width *= 2
            n = self._n
            buckets = self._epochs[:n] // self.width
            starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
            ends = np.r_[starts[1:], n] - 1
            losses = self._losses[:n]
            merged = np.column_stack([np.minimum.reduceat(losses[:, 0], starts),
                                      np.maximum.reduceat(losses[:, 1], starts),
                                      losses[ends, 2]])
            self._epochs[: len(ends)] = self._epochs[ends]
            self._losses[: len(ends)] = merged
            self._n = len(ends)

    def truncate(self, epoch: int) -> None:
        """Forget every bucket sampled after `epoch` (stepping back)."""
        keep = int(np.searchsorted(self._epochs[: self._n], epoch, side="right"))
        if keep != self._n:
            self._n = keep
            self.generation += 1

    def clear(self) -> None:
        """Start a new run's curve."""
        self._n = 0
        self.width = 1
        self.generation += 1

    def sample_every(self) -> int:
        """How often a fast run should take the loss: about 4 samples per bucket."""
        return max(1, self.width // 4)

    def to_dict(self) -> dict[str, Any]:
        """The whole series, for export."""
        return {"width": self.width, "points": self.points}

    @classmethod
    def from_dict(cls, data: Any, capacity: int = CAPACITY,
                  most: int = IMPORT_CAPACITY) -> LossHistory:
        """A history from `to_dict()` output (at most `most` points, merged down to `capacity`
        like a run's own); raise ValueError naming the bad field."""
        if not isinstance(data, dict):
            raise ValueError("history: need an object {width, points}")
        width = data.get("width")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1 \
                or width & (width - 1):
            raise ValueError(f"history.width: need a power of 2, got {width!r}")
        points = data.get("points")
        most = max(most, capacity)
        if not isinstance(points, list) or len(points) > most:
            raise ValueError(f"history.points: need a list of at most {most} points")
        history = cls(max(capacity, len(points) + len(points) % 2))
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
            history._epochs[i] = int(point[0])
            history._losses[i] = (float(point[1]), float(point[2]), float(point[3]))
        history._n = len(points)
        if history.capacity > capacity:  # an older, longer export: merge like a long run
            history.capacity = capacity
            history._merge()
        return history
