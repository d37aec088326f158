"""The speeds a session can run at, from slow motion to unlimited.

Slow speeds step through the derivation (traced steps the page can animate phase
by phase); fast ones run the compiled kernel in short chunks with no trace. The
page fetches this table (`GET /api/settings`) to build its speed control, and a
`speed` command names an entry by its index.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Speed:
    """One speed: `per_second` steps of `unit` (None: as fast as the machine goes)."""

    label: str
    unit: str
    per_second: float | None
    traced: bool

    def to_dict(self, level: int) -> dict[str, Any]:
        """The entry as sent to the page."""
        return {"level": level, **asdict(self)}


SPEEDS: tuple[Speed, ...] = (
    Speed("1 phase/s", "phase", 1, True),
    Speed("2 phases/s", "phase", 2, True),
    Speed("1 pattern/s", "pattern", 1, True),
    Speed("4 patterns/s", "pattern", 4, True),
    Speed("10 epochs/s", "epoch", 10, True),
    Speed("100 epochs/s", "epoch", 100, False),
    Speed("1,000 epochs/s", "epoch", 1_000, False),
    Speed("10,000 epochs/s", "epoch", 10_000, False),
    Speed("unlimited", "epoch", None, False),
)

#: A new session's speed: fast enough to converge in seconds, slow enough to watch.
DEFAULT_SPEED = 6


def speeds_table() -> list[dict[str, Any]]:
    """SPEEDS as JSON-ready dicts, indexed by level."""
    return [speed.to_dict(level) for level, speed in enumerate(SPEEDS)]
