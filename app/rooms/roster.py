"""Who is in a room: the students every server process reports, and how their links are.

Each process's fan-out reports its students of the room about once a second (and
at once when one joins or leaves) through the hub's queue to the presenter's
process: `{kind: "roster", host, students: [{id, name, link}], problems,
turned_away: {cap: [count, value]}}`. The
room keeps the newest report of each process; a report older than `FRESH`
seconds (a process gone, or cut off from Redis) no longer counts. The students
connected now are the union of the fresh reports: a poll's tally counts only
their answers, so it never exceeds them. A student who left stays listed as
offline (the presenter sees who dropped out), up to `MAX_KNOWN`.

`turned_away` counts the new students a cap (`CAPS`) refused on that process since
the room opened there: the presenter sees the sum over the processes, with the
cap's value.

Links: `live` (following, up to date), `behind` (connected but not reading: the
fan-out has skipped their device for a couple of seconds), `fork` (exploring their
own copy, still in the room), `offline` (gone).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from .exports import clean_name

#: Seconds a process's report counts for (it reports every second).
FRESH = 5.0
#: Students remembered (the oldest offline ones go first), and listed to the presenter.
MAX_KNOWN, MAX_LISTED = 1000, 300
#: The best of several links of one student (two tabs), best first.
LINKS = ("live", "behind", "fork")
#: The caps that turn new students away (`app/web/classroom.py`), in the order shown.
CAPS = ("ROOM_STUDENTS_PER_ADDRESS", "ROOM_MAX_STUDENTS")


def _locked(method: Callable) -> Callable:
    def run(self: Roster, *args: Any) -> Any:
        with self._lock:
            return method(self, *args)
    run.__doc__, run.__name__ = method.__doc__, method.__name__
    return run


class Roster:
    """The students of one room over every process; used by the room's broadcaster only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._reports: dict[str, tuple[float, list[dict[str, Any]], list[str]]] = {}
        self._known: dict[str, dict[str, Any]] = {}  # id -> {n, name}, in order of joining
        self._turned_away: dict[str, dict[str, tuple[int, int]]] = {}  # host -> cap -> (n, value)

    @_locked
    def report(self, message: dict[str, Any]) -> None:
        """A process's report (as drained from the hub); malformed parts are skipped."""
        host = message.get("host")
        students = message.get("students")
        if not isinstance(host, str) or not isinstance(students, list):
            return
        kept = []
        for entry in students[:MAX_KNOWN]:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            link = entry.get("link") if entry.get("link") in LINKS else "live"
            kept.append({"id": entry["id"], "name": clean_name(entry.get("name")), "link": link})
            self._remember(kept[-1])
        problems = [str(p)[:200] for p in (message.get("problems") or [])[:5]]
        self._reports[host] = (self._clock(), kept, problems)
        away = message.get("turned_away")
        if isinstance(away, dict):
            counts = {}
            for cap in CAPS:
                entry = away.get(cap)
                if (isinstance(entry, list) and len(entry) == 2
                        and all(type(n) is int and 0 <= n < 10**9 for n in entry)):
                    counts[cap] = (entry[0], entry[1])
            self._turned_away[host] = counts

    def _remember(self, entry: dict[str, Any]) -> None:
        known = self._known.get(entry["id"])
        if known is None:
            if len(self._known) >= MAX_KNOWN:
                self._known.pop(next(iter(self._known)))
            number = 1 + max((k["n"] for k in self._known.values()), default=0)
            self._known[entry["id"]] = {"n": number, "name": entry["name"]}
        elif entry["name"]:
            known["name"] = entry["name"]

    @_locked
    def present(self) -> dict[str, dict[str, Any]]:
        """The students connected now: id -> {name, link} (the best link of their tabs)."""
        now = self._clock()
        found: dict[str, dict[str, Any]] = {}
        for at, students, _problems in self._reports.values():
            if now - at > FRESH:
                continue
            for entry in students:
                best = found.get(entry["id"])
                if best is None or LINKS.index(entry["link"]) < LINKS.index(best["link"]):
                    found[entry["id"]] = entry
        return found

    @_locked
    def names(self) -> dict[str, str]:
        """The newest name of every student seen (for the answers CSV)."""
        return {viewer: known["name"] for viewer, known in self._known.items() if known["name"]}

    @_locked
    def problems(self) -> list[str]:
        """What the processes with students say is failing (their fan-out, say)."""
        now = self._clock()
        return [p for at, _s, problems in self._reports.values() if now - at <= FRESH
                for p in problems]

    @_locked
    def turned_away(self) -> list[dict[str, Any]]:
        """New students the caps refused, over every process that reported:
        [{cap, count, most}] (`most`: the cap's value, the largest a process reported)."""
        found: dict[str, list[int]] = {}
        for counts in self._turned_away.values():
            for cap, (count, most) in counts.items():
                entry = found.setdefault(cap, [0, 0])
                entry[0], entry[1] = entry[0] + count, max(entry[1], most)
        return [{"cap": cap, "count": found[cap][0], "most": found[cap][1]}
                for cap in CAPS if found.get(cap, [0])[0] > 0]

    @_locked
    def listing(self, answered: set[str] | None = None) -> list[dict[str, Any]]:
        """Every student seen, in joining order: {n, name, link, answered}, for the presenter."""
        present = self.present()
        rows = []
        for viewer, known in self._known.items():
            entry = present.get(viewer)
            rows.append({"n": known["n"], "name": known["name"],
                         "link": entry["link"] if entry else "offline",
                         "answered": viewer in (answered or ())})
        live = [r for r in rows if r["link"] != "offline"]
        gone = [r for r in rows if r["link"] == "offline"]
        return (live + gone[::-1])[:MAX_LISTED]  # connected first, then the latest to leave
