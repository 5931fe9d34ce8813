"""Where classes live: the interface, and the store that keeps them in this process.

One server process uses exactly one store: `MemoryStore` when it is the only worker,
`redis_store.RedisStore` when REDIS_URL is set. Both keep the same things (the teacher
token's hash, the latest state and its sequence number, the open poll and its answers, the
students present, the practice assigned with its rows, the students' numbers and nicknames)
and deliver the same packets to the one subscriber of a class in each process, so the hub
above them is written once.
"""

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Deliver = Callable[[str], None]


@dataclass(frozen=True)
class Snapshot:
    """A class as a newcomer needs it."""

    token_hash: str
    state: str | None  # the teacher's serialized state, as JSON text
    seq: int
    poll: dict[str, Any] | None
    practice: dict[str, Any] | None = None  # the assignment (app.classes.practice)


@dataclass(frozen=True)
class Ended:
    reason: str


class FullError(RuntimeError):
    """The store holds as many classes as it may."""


class ClassStore(ABC):
    """Storage and fan-out of live classes, shared by every worker that can reach it."""

    # told when published packets may have been lost (the hub then has everyone reconnect)
    on_lost: Callable[[], None] = staticmethod(lambda: None)
    # what a call raises when the store cannot be reached (a connection then reconnects)
    unreachable: tuple[type[Exception], ...] = ()

    @abstractmethod
    async def create(self, code: str, token_hash: str) -> bool:
        """Create a class; False if the code is taken."""

    @abstractmethod
    async def snapshot(self, code: str) -> Snapshot | Ended | None:
        """The class, the reason it ended, or None if there is no such class (or it expired)."""

    @abstractmethod
    async def touch(self, code: str) -> None:
        """Note activity: the class lives another `idle_seconds` from now."""

    @abstractmethod
    async def save_state(self, code: str, state: str) -> int:
        """Keep the teacher's latest state; return its sequence number."""

    @abstractmethod
    async def save_poll(self, code: str, poll: dict[str, Any] | None, new: bool) -> None:
        """Keep the open poll (None: no poll); `new` forgets the previous poll's answers."""

    @abstractmethod
    async def add_answer(self, code: str, poll: str, student: str, choice: int) -> bool:
        """Record a student's answer; False if they had already answered that poll."""

    @abstractmethod
    async def answers(self, code: str, poll: str) -> dict[str, int]:
        """Every answer to a poll, by student."""

    @abstractmethod
    async def save_practice(self, code: str, assignment: dict[str, Any]) -> None:
        """Keep a new practice assignment and forget the previous one's rows."""

    @abstractmethod
    async def practice_number(self, code: str, student: str, limit: int) -> int | None:
        """The student's number in this class, given now if they had none; None when `limit`
        numbers are given."""

    @abstractmethod
    async def save_nickname(self, code: str, number: int, nickname: str) -> None: ...

    @abstractmethod
    async def nickname(self, code: str, number: int) -> str | None: ...

    @abstractmethod
    async def practice_row(self, code: str, number: int) -> dict[str, Any] | None:
        """The student's row in the current assignment, if they have one."""

    @abstractmethod
    async def save_practice_row(self, code: str, number: int, row: dict[str, Any]) -> None: ...

    @abstractmethod
    async def practice_board(self, code: str) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
        """Every row of the current assignment, and every nickname, by number."""

    @abstractmethod
    async def end(self, code: str, reason: str) -> None:
        """End the class: forget it, and remember for `idle_seconds` that it ended and why."""

    @abstractmethod
    async def add_student(self, code: str, connection: str, limit: int) -> bool:
        """Count a student's connection in; False (and not counted) when `limit` are there."""

    @abstractmethod
    async def remove_student(self, code: str, connection: str) -> None: ...

    @abstractmethod
    async def refresh_students(self, code: str, connections: list[str]) -> None:
        """Confirm that these connections are still open (the others lapse)."""

    @abstractmethod
    async def count_students(self, code: str) -> int: ...

    @abstractmethod
    async def publish(self, code: str, packet: str) -> None:
        """Send a packet to the subscriber of this class in every process."""

    @abstractmethod
    async def subscribe(self, code: str, deliver: Deliver) -> None:
        """Deliver this class's packets to `deliver` from now on (returns once that holds)."""

    @abstractmethod
    async def unsubscribe(self, code: str) -> None: ...

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""


@dataclass
class _Class:
    token_hash: str
    last_active: float
    state: str | None = None
    seq: int = 0
    poll: dict[str, Any] | None = None
    answers: dict[str, int] = field(default_factory=dict)
    students: set[str] = field(default_factory=set)
    practice: dict[str, Any] | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    nicknames: dict[int, str] = field(default_factory=dict)
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)


class MemoryStore(ClassStore):
    """Classes in this process's memory: one worker only, gone when the process stops."""

    def __init__(
        self,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_classes: int = 10_000,
    ) -> None:
        self.idle_seconds, self.clock, self.max_classes = idle_seconds, clock, max_classes
        self.classes: dict[str, _Class] = {}
        self.ended: dict[str, tuple[str, float]] = {}
        self.subscribers: dict[str, Deliver] = {}

    def _expire(self) -> None:
        deadline = self.clock() - self.idle_seconds
        for code in [code for code, room in self.classes.items() if room.last_active < deadline]:
            del self.classes[code]
        for code in [code for code, (_, at) in self.ended.items() if at < deadline]:
            del self.ended[code]

    def _live(self, code: str) -> _Class | None:
        room = self.classes.get(code)
        if room is not None and room.last_active < self.clock() - self.idle_seconds:
            self._expire()
            return None
        return room

    async def create(self, code: str, token_hash: str) -> bool:
        self._expire()
        if len(self.classes) >= self.max_classes:
            raise FullError(f"this server holds {self.max_classes} classes, its most")
        if code in self.classes or code in self.ended:
            return False
        self.classes[code] = _Class(token_hash, self.clock())
        return True

    async def snapshot(self, code: str) -> Snapshot | Ended | None:
        room = self._live(code)
        if room is None:
            ended = self.ended.get(code)
            return Ended(ended[0]) if ended else None
        return Snapshot(room.token_hash, room.state, room.seq, room.poll, room.practice)

    async def touch(self, code: str) -> None:
        if (room := self._live(code)) is not None:
            room.last_active = self.clock()

    async def save_state(self, code: str, state: str) -> int:
        room = self.classes[code]
        room.state, room.seq = state, room.seq + 1
        return room.seq

    async def save_poll(self, code: str, poll: dict[str, Any] | None, new: bool) -> None:
        room = self.classes[code]
        room.poll = poll
        if new:
            room.answers = {}

    async def add_answer(self, code: str, poll: str, student: str, choice: int) -> bool:
        answers = self.classes[code].answers
        if student in answers:
            return False
        answers[student] = choice
        return True

    async def answers(self, code: str, poll: str) -> dict[str, int]:
        room = self.classes.get(code)
        if room is None or room.poll is None or room.poll["id"] != poll:
            return {}
        return dict(room.answers)

    async def save_practice(self, code: str, assignment: dict[str, Any]) -> None:
        room = self.classes[code]
        room.practice, room.rows = assignment, {}

    async def practice_number(self, code: str, student: str, limit: int) -> int | None:
        numbers = self.classes[code].numbers
        if student not in numbers:
            if len(numbers) >= limit:
                return None
            numbers[student] = len(numbers) + 1
        return numbers[student]

    async def save_nickname(self, code: str, number: int, nickname: str) -> None:
        self.classes[code].nicknames[number] = nickname

    async def nickname(self, code: str, number: int) -> str | None:
        room = self.classes.get(code)
        return room.nicknames.get(number) if room else None

    async def practice_row(self, code: str, number: int) -> dict[str, Any] | None:
        row = self.classes[code].rows.get(number)
        return json.loads(json.dumps(row)) if row is not None else None  # a copy, as Redis gives

    async def save_practice_row(self, code: str, number: int, row: dict[str, Any]) -> None:
        self.classes[code].rows[number] = json.loads(json.dumps(row))

    async def practice_board(self, code: str) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
        room = self.classes.get(code)
        return (dict(room.rows), dict(room.nicknames)) if room else ({}, {})

    async def end(self, code: str, reason: str) -> None:
        self.classes.pop(code, None)
        self.ended[code] = (reason, self.clock())

    async def add_student(self, code: str, connection: str, limit: int) -> bool:
        room = self.classes[code]
        if len(room.students) >= limit:
            return False
        room.students.add(connection)
        return True

    async def remove_student(self, code: str, connection: str) -> None:
        if (room := self.classes.get(code)) is not None:
            room.students.discard(connection)

    async def refresh_students(self, code: str, connections: list[str]) -> None:
        pass  # nothing lapses in process: a closed connection removes itself

    async def count_students(self, code: str) -> int:
        room = self.classes.get(code)
        return len(room.students) if room else 0

    async def publish(self, code: str, packet: str) -> None:
        if (deliver := self.subscribers.get(code)) is not None:
            deliver(packet)

    async def subscribe(self, code: str, deliver: Deliver) -> None:
        self.subscribers[code] = deliver

    async def unsubscribe(self, code: str) -> None:
        self.subscribers.pop(code, None)

    async def close(self) -> None:
        self.subscribers.clear()
