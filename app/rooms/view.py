"""What one student receives: the room's snapshot, cut to what that student lacks.

Students that have the same part of the curve get the same message, so a fan-out
encodes one message per group of students, not one per student. The decision surface and
the settings go to a student only when they changed since the ones they have.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from app.sessions.history import rebucket

#: Parts of a frame sent only when they changed (null otherwise): the decision surface is
#: about twice the size of the rest of a frame, the settings a tenth of it.
SENT_WHEN_CHANGED = ("surface", "settings")


@dataclass(frozen=True)
class Have:
    """What a student already has: which curve (generation), how many points, which marks,
    which view of the seed sweep, which decision surface."""

    generation: int = -1
    count: int = 0
    marks_revision: int = -1
    width: int = 1
    last_epoch: int = -1
    sweep_key: str | None = None
    keys: tuple[int, ...] | None = None  # which version of each of SENT_WHEN_CHANGED


def merge(whole: dict[str, Any] | None, change: dict[str, Any]) -> dict[str, Any] | None:
    """The room's whole picture after a snapshot of changes; None if they don't follow on.

    A snapshot carries the curve's new points from `start` (or all of it, `reset`),
    and marks and surface only when changed. One that does not follow on from
    `whole` (a snapshot lost between processes) is dropped until the next complete
    one, which the presenter's process sends every couple of seconds.
    """
    history = change["history"]
    if history["reset"]:
        points = list(history["points"])
    elif whole is None or whole["history"]["generation"] != history["generation"]:
        return None
    else:
        before = whole["history"]["points"]
        if whole["history"]["width"] != history["width"]:  # buckets merged since
            before = rebucket(before, history["width"])
        if history["start"] > len(before):
            return None
        points = before[: history["start"]] + history["points"]
    frame = dict(change["frame"])
    keys = dict(whole.get("keys", {})) if whole is not None else {}
    for part in SENT_WHEN_CHANGED:  # kept in the whole picture; a counter says it changed
        if frame.get(part) is None:
            if whole is None:
                return None
            frame[part] = whole["frame"][part]
        else:
            keys[part] = keys.get(part, 0) + 1
    marks = change["marks"]
    if marks is None:
        marks = whole["marks"] if whole is not None else []
    sweep = change.get("sweep")
    if sweep is None and whole is not None:
        sweep = whole.get("sweep")
    return {**change, "frame": frame, "marks": marks, "sweep": sweep, "keys": keys,
            "history": {"generation": history["generation"], "width": history["width"],
                        "points": points}}


def student_view(snapshot: dict[str, Any], have: Have, room: dict[str, Any]) -> tuple[dict, Have]:
    """The `room_frame` payload for a student who `have`s this much, and what they have after."""
    history = snapshot["history"]
    points, width = history["points"], history["width"]
    if have.generation != history["generation"] or have.count == 0:
        start, reset = 0, True
    elif have.width != width:  # buckets merged: the student merges too, we go on from there
        # (before the count check: a merge halves the points, and resending the whole curve
        # to every student at each merge was most of a room's bytes)
        start = bisect_left([p[0] // width for p in points], have.last_epoch // width)
        reset = False
    elif have.count > len(points):
        start, reset = 0, True
    else:
        start, reset = have.count - 1, False  # the last point may have grown since
    payload = dict(snapshot["frame"])
    payload["history"] = {"reset": reset, "start": start, "width": width,
                          "points": points[start:]}
    marks_changed = have.marks_revision != snapshot["marks_revision"]
    payload["marks"] = snapshot["marks"] if marks_changed else None
    sweep_key = have.sweep_key
    payload["sweep"] = None
    if snapshot.get("sweep") is not None and have.sweep_key != snapshot.get("sweep_key"):
        payload["sweep"], sweep_key = snapshot["sweep"], snapshot["sweep_key"]
    keys = tuple(snapshot.get("keys", {}).get(part, 0) for part in SENT_WHEN_CHANGED)
    for part, key, had in zip(SENT_WHEN_CHANGED, keys, have.keys or (), strict=False):
        if key == had:
            payload[part] = None  # the student has it: it goes only when it changed
    payload["room"] = room
    after = Have(history["generation"], len(points), snapshot["marks_revision"], width,
                 points[-1][0] if points else -1, sweep_key, keys)
    return payload, after
