"""The answers CSV, safe to open in a spreadsheet, and the names students type.

A student's name is theirs to type: it is cut to `MAX_NAME` characters with
control and formatting characters (bidi overrides, zero-width joiners, line
breaks) removed and spaces collapsed (`clean_name`), when they join and again
here. Every text cell that a spreadsheet could read as a formula (one that begins
with `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's CSV injection
guidance) gets a leading apostrophe, so it shows as typed and never runs;
numbers stay numbers. Answers are written as the page shows them (up, h₁, r, yes,
stuck), with the names of `names.py`.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from .polls import Poll

#: Longest name kept.
MAX_NAME = 40
#: What a spreadsheet may read as the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
HEADER = ["room", "poll", "kind", "question", "about", "asked_at", "outcome", "correct",
          "before", "after", "student", "name", "answer", "right", "counted", "answered_at"]
UNITS = {"phase": "the next phase", "pattern": "the next pattern", "epoch": "the next epoch"}


def clean_name(text: Any) -> str:
    """A name as kept: no control or format characters, single spaces, at most MAX_NAME."""
    if not isinstance(text, str):
        return ""
    kept = []
    for c in text:
        if c.isspace():
            kept.append(" ")
        elif unicodedata.category(c)[0] != "C":  # Cc control, Cf format (bidi), Cs, Co, Cn
            kept.append(c)
    kept = "".join(kept)
    return " ".join(kept.split())[:MAX_NAME].strip()


def safe_cell(value: Any) -> Any:
    """A cell that no spreadsheet runs: numbers as they are, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if NUMBER.fullmatch(text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stamp(at: float | None) -> str:
    """A Unix time as ISO 8601 UTC."""
    return "" if at is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


def about(poll: Poll) -> str:
    """What a poll asked about, in the page's words."""
    d = poll.detail
    if poll.kind == "weight_direction":
        return f"{d.get('weight', '?')} over {UNITS.get(d.get('unit'), 'the next step')}"
    if poll.kind == "largest_delta":
        epoch, pattern = d.get("pattern", [0, 0])
        return f"the local gradients δ of pattern {pattern + 1} of epoch {epoch + 1}"
    return f"training on for up to {d.get('horizon', 0):,} epochs"


def outcome(poll: Poll) -> str:
    """revealed, revealed (predicted), cancelled: why, ended or open."""
    if poll.cancelled:
        return f"cancelled: {poll.cancelled}"
    if poll.revealed:
        return "revealed (predicted before the step)" if poll.predicted else "revealed"
    return "ended" if poll.closed else "open"


def polls_csv(code: str, polls: Iterable[Poll], names: Mapping[str, str] | None = None) -> str:
    """Every answer of every poll of a room, one row each, for a spreadsheet.

    `names`: the newest name of each student (viewer id), when they changed it.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for poll in polls:
        revealed = poll.revealed and not poll.cancelled
        for viewer, entry in poll.answers.items():
            name = clean_name((names or {}).get(viewer) or entry.get("name", ""))
            right = ("yes" if entry["choice"] == poll.correct else "no") if revealed else ""
            counted = "" if poll.counted is None else ("yes" if viewer in poll.counted else "no")
            writer.writerow([safe_cell(cell) for cell in (
                code, poll.id, poll.kind, poll.question, about(poll), stamp(poll.opened_at),
                outcome(poll), poll.label(poll.correct) if revealed else "",
                poll.detail.get("before") if revealed else None,
                poll.detail.get("after") if revealed else None,
                viewer, name, poll.label(entry["choice"]), right, counted, stamp(entry["at"]),
            )])
    return out.getvalue()
