"""A room's polls: asking the class, taking answers, and following the step asked about.

The part of `Room` (`room.py`) that holds its polls. A poll is asked about the
next step from the state on screen (`polls.open_poll`); the room's broadcaster
then follows the presenter's network every tick (`_follow_poll`): the poll is
revealed once its step is complete and cancelled if the network changes first
(`question.Watch`). Answers reach the room through the hub's queue, with the
processes' reports of who is connected (`roster.py`), which the tally counts.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from app.engine.errors import FieldError
from app.sessions import Delivery

from .exports import polls_csv
from .hub import Hub
from .polls import Poll, open_poll, watch_again
from .question import fingerprint
from .roster import Roster

if TYPE_CHECKING:
    from app.sessions import Session

#: Most polls kept per room (the oldest go first).
MAX_POLLS = 200
#: What a restored poll says when the network is no longer where it was asked.
RESTARTED = "the server restarted and the network is not where the poll was asked"


class RoomPolls:
    """Polls and answers (a part of `Room`, which sets these attributes)."""

    code: str
    session: Session
    hub: Hub
    lock: threading.Lock
    polls: list[Poll]
    revision: int
    roster: Roster
    _delivery: Delivery
    _roster_seen: Any
    _poll_seen: int

    @property
    def poll(self) -> Poll | None:
        """The poll on screen (the newest one unless closed)."""
        if self.polls and not self.polls[-1].closed:
            return self.polls[-1]
        return None

    def open_poll(self, kind: Any, question: Any = None, target: Any = None,
                  unit: Any = "pattern") -> Poll:
        """Ask the room about the next step from the state on screen now (`polls.open_poll`).

        Refused while the network runs (except "is it stuck?", whose step is running on):
        a question about the next step needs a network that holds still.
        """
        with self.session.lock:
            if self.session.running and kind != "stuck":
                raise FieldError("poll", "poll: pause the network first: a poll asks about "
                                 "the next step from the state on screen")
            poll = open_poll(self.session.trainer, kind, question, target, unit,
                             self.session.marks_revision)
        with self.lock:
            if self.poll is not None:
                self.poll.closed = True
            self.polls.append(poll)
            del self.polls[:-MAX_POLLS]
            self.revision += 1
        return poll

    def reveal(self) -> None:
        """Show the current poll's answer now, before its step: the look-ahead's prediction
        from the state it was asked on (marked as predicted)."""
        with self.lock:
            poll = self.poll
            if poll is None or poll.cancelled:
                raise FieldError("poll", "poll: no poll is open")
            if poll.revealed:
                return
            watch = poll.watch
            answer = dict(watch.prediction) if watch else {"correct": poll.correct}
            poll.reveal(answer, set(self.roster.present()), predicted=True)
            self.revision += 1

    def close_poll(self) -> None:
        """Take the current poll off the screens (its answers are kept)."""
        with self.lock:
            if self.poll is not None:
                self.poll.closed = True
                self.revision += 1

    def answers_csv(self) -> str:
        """Every poll's answers as CSV (`exports.py`: safe in a spreadsheet, with names)."""
        with self.lock:
            return polls_csv(self.code, list(self.polls), self.roster.names())

    def _apply_answers(self) -> bool:
        """Students' answers and the processes' rosters; True if the room changed."""
        changed = False
        for message in self.hub.drain_answers(self.code):
            kind = message.get("kind") if isinstance(message, dict) else None
            if kind == "roster":
                self.roster.report(message)
            elif kind == "full":  # a process without the room's picture asks for all of it
                self._delivery = Delivery()
                with self.lock:
                    self.revision += 1
            elif isinstance(message, dict):
                changed |= self._apply_answer(message)
        seen = (sorted((k, v["link"], v["name"]) for k, v in self.roster.present().items()),
                self.roster.problems(), self.roster.turned_away())
        if seen != self._roster_seen:
            self._roster_seen = seen
            with self.lock:
                self.revision += 1
            changed = True
        return changed

    def _apply_answer(self, answer: dict[str, Any]) -> bool:
        with self.lock:
            for poll in reversed(self.polls):
                if poll.id == answer.get("poll"):
                    try:
                        poll.answer(str(answer.get("viewer")), str(answer.get("name", "")),
                                    answer.get("choice"))
                        return True
                    except ValueError:
                        return False  # late or malformed: the student's page was told already
        return False

    def _follow_poll(self) -> bool:
        """Reveal the open poll once its step is complete, cancel it if the network changed
        first (`question.Watch.check`); True if it did either."""
        poll = self.poll
        if poll is None or not poll.open:
            return False
        session = self.session
        with session.lock:
            if session.revision == self._poll_seen and poll.watch is not None:
                return False
            self._poll_seen = session.revision
            trainer = session.trainer
            if poll.watch is None and fingerprint(trainer) == poll.asked_on:
                poll.watch = watch_again(trainer, poll, session.marks_revision)  # restored
            if poll.watch is None:
                verdict: tuple[str, Any] = ("cancel", RESTARTED)
            else:
                last = session.marks[-1]["kind"] if session.marks else None
                verdict = poll.watch.check(trainer, session.marks_revision, last,
                                           session.running)
        if verdict[0] == "wait":
            return False
        with self.lock:
            if poll is not self.poll or not poll.open:
                return False
            if verdict[0] == "cancel":
                poll.cancel(verdict[1])
            else:
                poll.reveal(verdict[1], set(self.roster.present()))
            self.revision += 1
        return True
