"""Frames to one client: at most one in flight, at most ~30 per second, always the newest.

A client's stream is its only sender of frames. It sleeps until the session
changed and the last frame was acknowledged, waits out the minimum interval
(commands' answers skip that wait), then builds one frame from the newest state
and sends it. States in between are never queued, so a client that stops
acknowledging costs nothing: it just gets no more frames.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .frames import Delivery, build_frame
from .health import Health

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger(__name__)

#: Shortest time between two frames to one client while running (about 30 per second).
MIN_INTERVAL = 1 / 30
#: After a frame could not be built (a bug), wait this long before trying again.
RETRY_AFTER_FAILURE = 1.0

Send = Callable[[dict[str, Any], Callable[..., None]], None]


class FrameStream:
    """The frames of one session to one connection."""

    def __init__(self, session: Session, send: Send, spawn: Callable[..., Any],
                 min_interval: float = MIN_INTERVAL,
                 clock: Callable[[], float] = time.monotonic,
                 health: Health | None = None) -> None:
        self._session = session
        self.health = health or Health()
        self._send = send
        self._spawn = spawn
        self._interval = min_interval
        self._clock = clock
        self._cond = threading.Condition()
        self.delivery = Delivery()
        self._in_flight = False
        self._sent_revision = -1
        self._urgent = True
        self._idle = False
        self._closed = False
        self._last_sent = float("-inf")
        self.frames_sent = 0

    def start(self) -> None:
        """Start sending (the first frame goes out at once)."""
        self._spawn(self._loop)

    def poke(self, urgent: bool = True) -> None:
        """The session changed; `urgent` (a command's answer) skips the interval."""
        with self._cond:
            if urgent:
                self._urgent = True
            if urgent or self._idle:
                self._cond.notify()

    def acknowledge(self, *_args: Any) -> None:
        """The client acknowledged the frame in flight."""
        with self._cond:
            self._in_flight = False
            self._cond.notify()

    def close(self) -> None:
        """Stop for good (the client left)."""
        with self._cond:
            self._closed = True
            self._cond.notify()

    @property
    def in_flight(self) -> bool:
        """True while a frame waits for its acknowledgement."""
        return self._in_flight

    def _ready(self) -> bool:
        return not self._in_flight and self._session.revision != self._sent_revision

    def _loop(self) -> None:
        cond = self._cond
        while True:
            with cond:
                while not self._closed and not self._ready():
                    self._idle = not self._in_flight
                    cond.wait()
                self._idle = False
                while not self._closed and not self._urgent:
                    remaining = self._last_sent + self._interval - self._clock()
                    if remaining <= 0:
                        break
                    cond.wait(remaining)
                if self._closed:
                    return
                self._urgent = False
                self._in_flight = True
            session = self._session
            try:
                with session.lock:
                    revision = session.revision
                    frame = build_frame(session, self.delivery)
            except Exception as error:  # reported once; the stream and the session go on
                self.health.failed("frames", error, "retried in a second")
                with cond:
                    self._in_flight = False
                    self.delivery = Delivery(seq=self.delivery.seq)  # next one complete
                    cond.wait(RETRY_AFTER_FAILURE)
                continue
            self.health.recovered("frames")
            with cond:
                self._sent_revision = revision
                self._last_sent = self._clock()
                self.frames_sent += 1
            try:
                self._send(frame, self.acknowledge)
            except Exception:  # a broken connection must not kill the stream silently
                log.info("a frame could not be sent (the connection closed?); its stream stops")
                self.close()
                return
