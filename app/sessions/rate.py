"""Measured training speed: epochs per second over the last half second or so."""

from __future__ import annotations

from collections import deque

WINDOW = 0.5


class RateMeter:
    """Epoch counts sampled over time; `per_second` is the slope over the window."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, epoch: int) -> None:
        """Record that `epoch` epochs were done at time `now` (seconds)."""
        if self._samples and epoch < self._samples[-1][1]:
            self._samples.clear()  # stepped back or reset: start measuring again
        self._samples.append((now, epoch))
        while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW:
            self._samples.popleft()

    def clear(self) -> None:
        """Forget the samples (paused)."""
        self._samples.clear()

    def per_second(self) -> float:
        """Epochs per second over the window; 0 without two samples."""
        if len(self._samples) < 2:
            return 0.0
        (t0, e0), (t1, e1) = self._samples[0], self._samples[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0
