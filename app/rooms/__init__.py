"""Classroom rooms: a presenter's session mirrored live to every student's device.

Same layer as `app.sessions` (which it builds on): no Flask here. A room lives in
the process of its presenter's session; a `Hub` carries its snapshots to every
process that has students (in memory in one process, through Redis across
several), and each process fans them out to its own students with per-student
backpressure.
"""

from .codes import ALPHABET, CODE_LENGTH, new_code, normalize_code
from .fanout import Fanout, Viewer
from .hub import Hub, MemoryHub
from .polls import POLL_KINDS, Poll, open_poll
from .room import Room
from .rooms import RoomRegistry

__all__ = [
    "ALPHABET", "CODE_LENGTH", "POLL_KINDS", "Fanout", "Hub", "MemoryHub", "Poll", "Room",
    "RoomRegistry", "Viewer", "new_code", "normalize_code", "open_poll",
]
