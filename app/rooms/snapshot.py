"""A room's snapshot: the presenter's frame with the full curve, ready to cross processes.

Built in the presenter's process at each change. Once the web layer's wire format
has made its numbers JSON values (the decision surface base64 float32 text), it
can go through Redis unchanged and be sliced per student (`view.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sessions import Delivery, build_frame
from app.sessions.session import EXPORT_FORMAT

if TYPE_CHECKING:
    from app.sessions import Session


def session_snapshot(session: Session) -> dict[str, Any]:
    """The presenter's whole picture: frame, full history, marks, and state for forks."""
    with session.lock:
        frame = build_frame(session, Delivery())
        history = session.history
        snapshot = {
            "frame": frame,
            "history": {"generation": history.generation, "width": history.width},
            "marks_revision": session.marks_revision,
            "state": {**session.trainer.state(), "format": EXPORT_FORMAT,
                      "seed": session.trainer.config.seed, "speed": session.speed},
        }
    snapshot["history"]["points"] = frame.pop("history")["points"]
    snapshot["marks"] = frame.pop("marks") or []
    return snapshot
