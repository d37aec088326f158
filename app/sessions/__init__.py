"""Sessions: one trainer per browser tab, its history, its background run and its frames.

Depends on the engine only; the web layer plugs in how to send (a function) and
how to start background tasks (`socketio.start_background_task`).
"""

from .frames import Delivery, build_frame
from .history import CAPACITY, LossHistory
from .registry import GRACE_SECONDS, MAX_SESSIONS, RegistryFull, SessionRegistry
from .schema import CommandError
from .session import EXPORT_FORMAT, Session
from .speeds import DEFAULT_SPEED, SPEEDS, speeds_table
from .stream import MIN_INTERVAL, FrameStream
from .surface import SURFACE_RESOLUTION, surface_grid

__all__ = [
    "CAPACITY", "DEFAULT_SPEED", "EXPORT_FORMAT", "GRACE_SECONDS", "MAX_SESSIONS",
    "MIN_INTERVAL", "SPEEDS", "SURFACE_RESOLUTION", "CommandError", "Delivery",
    "FrameStream", "LossHistory", "RegistryFull", "Session", "SessionRegistry",
    "build_frame", "speeds_table", "surface_grid",
]
