"""A room's snapshot: the presenter's frame with the full curve, ready to cross processes.

Built in the presenter's process at each change. Once the web layer's wire format
has made its numbers JSON values (the decision surface is already base64 float32
text here), it can go through Redis unchanged and be sliced per student
(`view.py`).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import numpy as np

from app.sessions import Delivery, build_frame
from app.sessions.session import EXPORT_FORMAT

if TYPE_CHECKING:
    from app.sessions import Session

_F32 = np.dtype("<f4")


def b64_floats(array: np.ndarray) -> str:
    """Little-endian float32 bytes of `array`, base64: one text message, no attachments."""
    return base64.b64encode(np.asarray(array, dtype=_F32).tobytes()).decode("ascii")


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
    network = frame.pop("surface")
    frame["surface"] = {
        "resolution": network["resolution"],
        "output": b64_floats(network["output"]),
        "hidden": [b64_floats(h) for h in network["hidden"]],
        "encoding": "base64-float32le",
    }
    snapshot["history"]["points"] = frame.pop("history")["points"]
    snapshot["marks"] = frame.pop("marks") or []
    return snapshot
