"""A hub across server processes, through Redis (with `--message-queue redis://...`).

The presenter's process publishes each snapshot on a channel and keeps a key
alive that says the room exists; every process listens to all room channels and
keeps the newest snapshot of each room, which its fan-out sends to its own
students. Viewer counts are a hash per room (one field per process, with the time
of the report); poll answers are a list per room that the presenter's process
drains. Redis only relays; each room's state stays in its presenter's process.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from .hub import COUNT_TTL, Hub

log = logging.getLogger(__name__)

PREFIX = "backprop-xor"
#: A room's "alive" key outlives its last refresh by this much.
ALIVE_TTL = 15
REFRESH = 2.0


class RedisHub(Hub):
    """Snapshots, room directory, viewer counts and answers shared through Redis."""

    def __init__(self, url: str) -> None:
        import redis  # only needed with a message queue

        super().__init__()
        self._redis = redis.Redis.from_url(url)
        self._redis.ping()
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._pubsub.psubscribe(f"{PREFIX}:snap:*")
        self._refreshed: dict[str, float] = {}
        self._closing = threading.Event()
        self._listener = threading.Thread(target=self._listen, name="room-hub", daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        prefix = f"{PREFIX}:snap:"
        while not self._closing.is_set():
            try:
                message = self._pubsub.get_message(timeout=0.5)
            except Exception:  # the connection dropped: say so, try again
                if self._closing.is_set():
                    return
                log.warning("room hub: lost Redis, retrying", exc_info=True)
                time.sleep(0.5)
                continue
            if message is None or message.get("type") != "pmessage":
                continue
            code = message["channel"].decode().removeprefix(prefix)
            try:
                self._store(code, json.loads(message["data"]))
            except ValueError:
                log.warning("room hub: a malformed snapshot for %s was dropped", code)

    def publish(self, code: str, snapshot: dict[str, Any]) -> None:
        """Send the snapshot to every process (this one hears it too, through Redis)."""
        self._redis.publish(f"{PREFIX}:snap:{code}", json.dumps(snapshot, allow_nan=False))
        now = time.monotonic()
        if now - self._refreshed.get(code, 0.0) > REFRESH:
            self._redis.set(f"{PREFIX}:alive:{code}", "1", ex=ALIVE_TTL)
            self._refreshed[code] = now

    def announce(self, code: str) -> None:
        """The room exists."""
        super().announce(code)
        self._redis.set(f"{PREFIX}:alive:{code}", "1", ex=ALIVE_TTL)
        self._refreshed[code] = time.monotonic()

    def withdraw(self, code: str) -> None:
        """The room closed."""
        super().withdraw(code)
        self._redis.delete(f"{PREFIX}:alive:{code}", f"{PREFIX}:viewers:{code}",
                           f"{PREFIX}:answers:{code}")
        self._refreshed.pop(code, None)

    def exists(self, code: str) -> bool:
        """True while the room's presenter process keeps it alive."""
        return bool(self._redis.exists(f"{PREFIX}:alive:{code}"))

    def report_viewers(self, code: str, count: int) -> None:
        """This process has `count` students in the room."""
        self._redis.hset(f"{PREFIX}:viewers:{code}", self.host, f"{count}:{time.time()}")

    def viewers(self, code: str) -> int:
        """Students over every process (fresh reports only)."""
        now = time.time()
        total = 0
        for value in self._redis.hvals(f"{PREFIX}:viewers:{code}"):
            count, at = value.decode().split(":", 1)
            if now - float(at) < COUNT_TTL:
                total += int(count)
        return total

    def submit_answer(self, code: str, answer: dict[str, Any]) -> None:
        """Queue a student's answer for the presenter's process."""
        self._redis.rpush(f"{PREFIX}:answers:{code}", json.dumps(answer))

    def drain_answers(self, code: str) -> list[dict[str, Any]]:
        """Answers queued since the last call."""
        key = f"{PREFIX}:answers:{code}"
        with self._redis.pipeline() as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            raw, _ = pipe.execute()
        answers = []
        for item in raw:
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
        self._pubsub.close()
        self._redis.close()
