"""A room's snapshot: what changed in the presenter's picture, ready to cross processes.

Built in the presenter's process at each change. Once the web layer's wire format
has made its numbers JSON values (the decision surface base64 float32 text), it
can go through Redis unchanged; each hub merges it into the room's whole picture,
which is sliced per student (`view.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sessions import Delivery, build_frame
from app.sessions.session import EXPORT_FORMAT

if TYPE_CHECKING:
    from app.sessions import Session


def session_snapshot(session: Session, delivery: Delivery) -> dict[str, Any]:
    """What changed in the presenter's picture since `delivery` (updated), and state for forks.

    Like a frame to a client: the curve's new points only (`history.reset` when it
    starts over), marks, sweep and surface only when they changed (else None). A hub
    merges these into the whole picture (`view.merge`).
    """
    with session.lock:
        frame = build_frame(session, delivery)
        history = session.history
        snapshot = {
            "frame": frame,
            "history": {"generation": history.generation, "width": history.width,
                        **frame.pop("history")},
            "marks_revision": session.marks_revision,
            "marks": frame.pop("marks"),
            "sweep_key": delivery.sweep_key,
            "sweep": frame.pop("sweep"),
            "state": {**session.trainer.state(), "format": EXPORT_FORMAT,
                      "seed": session.trainer.config.seed, "speed": session.speed},
        }
    return snapshot
