"""A hub across server processes, through Redis (with `--message-queue redis://...`).

The presenter's process publishes each snapshot on a channel and keeps a key
alive that says the room exists; every process listens to all room channels and
keeps the newest snapshot of each room, which its fan-out sends to its own
students. Viewer counts are a hash per room (one field per process, with the time
of the report); poll answers are a list per room that the presenter's process
drains. Redis only relays; each room's state stays in its presenter's process.

Redis may go away (a restart, a crash, a full outage of a minute). Then:
- the listener notices, says so once (`health`, part "redis link"; the
  `on_link` callbacks tell presenters and students "link to other servers lost:
  reconnecting"), and reconnects with backoff (0.1 s doubling to 2 s);
- meanwhile every process goes on alone: a presenter's snapshots still reach the
  students of its own process (a snapshot is stored here before it goes out, and
  this process's echo from Redis is skipped), counts and answers stay local, and
  no call into the hub raises because of the outage;
- once Redis is back the listener resubscribes, re-announces this process's
  rooms (a restarted Redis has lost their keys), bumps `epoch` (each room then
  publishes a complete snapshot, so every process resyncs) and says "restored".
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from app.sessions.health import Health

from .hub import COUNT_TTL, Hub

log = logging.getLogger(__name__)

PREFIX = "backprop-xor"
#: A room's "alive" key outlives its last refresh by this much.
ALIVE_TTL = 15
REFRESH = 2.0
#: Reconnecting: first wait, longest wait (doubling in between).
BACKOFF_FIRST, BACKOFF_MOST = 0.1, 2.0
PART = "redis link"


class RedisHub(Hub):
    """Snapshots, room directory, viewer counts and answers shared through Redis."""

    def __init__(self, url: str, health: Health | None = None) -> None:
        import redis  # only needed with a message queue

        super().__init__()
        self.health = health or Health()
        self._errors = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self._redis.ping()  # a wrong URL fails at start, not later
        self._pubsub = self._subscribe()
        self._refreshed: dict[str, float] = {}
        self._closing = threading.Event()
        self._listener = threading.Thread(target=self._listen, name="room-hub", daemon=True)
        self._listener.start()

    # ----- the link -----------------------------------------------------------------------

    def _subscribe(self) -> Any:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.psubscribe(f"{PREFIX}:snap:*")
        return pubsub

    def _listen(self) -> None:
        while not self._closing.is_set():
            if not self.link_up:  # a publish found the link down before the listener did
                self._reconnect()
                continue
            try:
                message = self._pubsub.get_message(timeout=0.5)
            except self._errors as error:
                if self._closing.is_set():
                    return
                self._lost(error)
                self._reconnect()
                continue
            except Exception as error:  # anything else: report it, go on listening
                self.health.failed("redis listener", error, "a message was dropped")
                continue
            if message is not None and message.get("type") == "pmessage":
                self.health.attempt("redis listener", lambda m=message: self._receive(m),
                                    "a snapshot was dropped")

    def _receive(self, message: dict[str, Any]) -> None:
        code = message["channel"].decode().removeprefix(f"{PREFIX}:snap:")
        envelope = json.loads(message["data"])
        if envelope.get("host") != self.host:  # this process stored its own already
            self._store(code, envelope["snapshot"])

    def _lost(self, error: BaseException) -> None:
        if self.link_up:
            self.health.failed(PART, error, "rooms go on within each process; reconnecting")
            self._set_link(False)

    def _reconnect(self) -> None:
        """Try again, waiting longer each time, until Redis answers (or the hub closes)."""
        wait = BACKOFF_FIRST
        while not self._closing.wait(wait):
            try:
                self._redis.ping()
                old, self._pubsub = self._pubsub, self._subscribe()
                self._close_quietly(old)
                self._reannounce()
            except self._errors:
                wait = min(BACKOFF_MOST, wait * 2)
                continue
            with self._cond:
                self.epoch += 1  # rooms publish complete snapshots: every process resyncs
                self._cond.notify_all()
            self.health.recovered(PART)
            self._set_link(True)
            return

    def _reannounce(self) -> None:
        """The alive keys of this process's rooms (a restarted Redis has none)."""
        with self._cond:
            codes = set(self._rooms)
        for code in codes:
            self._redis.set(f"{PREFIX}:alive:{code}", "1", ex=ALIVE_TTL)
            self._refreshed[code] = time.monotonic()

    def _call(self, fallback: Any, work: Any) -> Any:
        """`work()` through Redis, or `fallback()` (this process's own view) while it is down."""
        if self.link_up:
            try:
                return work()
            except self._errors as error:
                self._lost(error)
        return fallback()

    @staticmethod
    def _close_quietly(pubsub: Any) -> None:
        try:
            pubsub.close()
        except Exception:  # closing a dead connection
            log.debug("closing a dead pubsub", exc_info=True)

    # ----- snapshots and the room directory ---------------------------------------------------

    def publish(self, code: str, snapshot: dict[str, Any]) -> None:
        """Store the snapshot here and send it to every other process (if the link is up)."""
        self._store(code, snapshot)
        text = json.dumps({"host": self.host, "snapshot": snapshot}, allow_nan=False)

        def send() -> None:
            self._redis.publish(f"{PREFIX}:snap:{code}", text)
            now = time.monotonic()
            if now - self._refreshed.get(code, 0.0) > REFRESH:
                self._redis.set(f"{PREFIX}:alive:{code}", "1", ex=ALIVE_TTL)
                self._refreshed[code] = now

        self._call(lambda: None, send)

    def announce(self, code: str) -> None:
        """The room exists."""
        super().announce(code)

        def send() -> None:
            self._redis.set(f"{PREFIX}:alive:{code}", "1", ex=ALIVE_TTL)
            self._refreshed[code] = time.monotonic()

        self._call(lambda: None, send)

    def withdraw(self, code: str) -> None:
        """The room closed."""
        super().withdraw(code)
        self._refreshed.pop(code, None)
        self._call(lambda: None, lambda: self._redis.delete(
            f"{PREFIX}:alive:{code}", f"{PREFIX}:viewers:{code}", f"{PREFIX}:answers:{code}"))

    def exists(self, code: str) -> bool:
        """True while the room's presenter process keeps it alive (while the link is down:
        a room of this process, or one whose snapshots this process has)."""
        def here() -> bool:
            with self._cond:
                return code in self._rooms or code in self._latest
        return self._call(here, lambda: bool(self._redis.exists(f"{PREFIX}:alive:{code}")))

    def taken(self) -> set[str]:
        """Codes in use: this process's, and (when reachable) every process's alive keys."""
        def everywhere() -> set[str]:
            keys = self._redis.keys(f"{PREFIX}:alive:*")
            return super(RedisHub, self).taken() | {
                k.decode().removeprefix(f"{PREFIX}:alive:") for k in keys}
        return self._call(super().taken, everywhere)

    # ----- viewers and answers ----------------------------------------------------------------

    def report_viewers(self, code: str, count: int) -> None:
        """This process has `count` students in the room."""
        super().report_viewers(code, count)  # kept here too, for when the link is down
        self._call(lambda: None, lambda: self._redis.hset(
            f"{PREFIX}:viewers:{code}", self.host, f"{count}:{time.time()}"))

    def viewers(self, code: str) -> int:
        """Students over every process (fresh reports only); this process's while cut off."""
        def everywhere() -> int:
            now = time.time()
            total = 0
            for value in self._redis.hvals(f"{PREFIX}:viewers:{code}"):
                count, at = value.decode().split(":", 1)
                if now - float(at) < COUNT_TTL:
                    total += int(count)
            return total
        return self._call(lambda: Hub.viewers(self, code), everywhere)

    def submit_answer(self, code: str, answer: dict[str, Any]) -> None:
        """Queue a student's answer for the presenter's process (kept here while cut off)."""
        self._call(lambda: Hub.submit_answer(self, code, answer),
                   lambda: self._redis.rpush(f"{PREFIX}:answers:{code}", json.dumps(answer)))

    def drain_answers(self, code: str) -> list[dict[str, Any]]:
        """Answers queued since the last call (here, and through Redis when reachable)."""
        answers = Hub.drain_answers(self, code)

        def remote() -> list[Any]:
            key = f"{PREFIX}:answers:{code}"
            with self._redis.pipeline() as pipe:
                pipe.lrange(key, 0, -1)
                pipe.delete(key)
                raw, _ = pipe.execute()
            return raw

        for item in self._call(list, remote):
            try:
                answers.append(json.loads(item))
            except ValueError:
                continue
        return answers

    def close(self) -> None:
        """Stop listening and drop the connection."""
        self._closing.set()
        super().close()
        self._listener.join(timeout=2)
        self._close_quietly(self._pubsub)
        self._redis.close()
