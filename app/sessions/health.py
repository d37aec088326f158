"""What background work is failing right now: reported once in the log, listed by /healthz.

Every loop the server runs in the background (the saver and reaper, each room's
broadcaster and fan-out, the Redis listener, the kernel pool, each frame stream)
does its work through `Health.attempt`: an exception is caught, logged once with
its context (the traceback the first time, then nothing more until that part
works again), and the loop goes on. `GET /healthz` lists what is degraded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Health:
    """Parts of the server that are failing now, by name; thread safe."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failing: dict[str, dict[str, Any]] = {}
        self.failures = 0  # every failure counted, logged or not

    def failed(self, part: str, error: BaseException | str, context: str = "") -> None:
        """`part` failed: log it the first time (or when the error changes), mark it degraded."""
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        text = " ".join(text.split())[:300]
        with self._lock:
            self.failures += 1
            known = self._failing.get(part)
            new = known is None or known["error"] != text
            if known is None:
                self._failing[part] = {"part": part, "error": text, "since": self._clock()}
            else:
                known["error"] = text
        if new:
            where = f" ({context})" if context else ""
            exc_info = error if isinstance(error, BaseException) and known is None else None
            log.error("%s failed%s: %s; carrying on", part, where, text, exc_info=exc_info)

    def recovered(self, part: str) -> None:
        """`part` works again (a no-op unless it was failing)."""
        if not self._failing:  # the usual case, without the lock: cheap enough for every turn
            return
        with self._lock:
            known = self._failing.pop(part, None)
        if known is not None:
            log.info("%s works again", part)

    def forget(self, part: str) -> None:
        """`part` is gone (a room closed): drop it without an 'works again' line."""
        with self._lock:
            self._failing.pop(part, None)

    def attempt(self, part: str, work: Callable[[], Any], context: str = "") -> bool:
        """Run `work()`; False (reported, not raised) if it raised, True (recovered) if not."""
        try:
            work()
        except Exception as error:  # the loop that called this must go on
            self.failed(part, error, context)
            return False
        self.recovered(part)
        return True

    def degraded(self) -> list[dict[str, Any]]:
        """What is failing: [{part, error, since}] (since: Unix time), oldest first."""
        with self._lock:
            return sorted((dict(v) for v in self._failing.values()), key=lambda v: v["since"])

    def is_failing(self, part: str) -> bool:
        """True while `part` is marked degraded."""
        with self._lock:
            return part in self._failing
