"""Where classes live: the interface, and the store that keeps them in this process.

One server process uses exactly one store: `MemoryStore` when it is the only worker,
`redis_store.RedisStore` when REDIS_URL is set. Both keep the same things (the teacher
token's hash, the latest state and its sequence number, the open poll and its answers, the
students' seats and the most seats each address held at once, the practice assigned with its
rows, the students' numbers and nicknames) and deliver the same packets to the one subscriber
of a class in each process, so the hub above them is written once.

A seat belongs to a student id, so a student who reconnects takes their own seat back (the
connection that held it is told to close); a class's seats are limited in all and per address.
An answer counts once per student, and an address answers a poll at most as many times as it
ever held seats at once: a device that reconnects without its id cannot vote again.
"""

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.classes.limits import AddressBuckets

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


class GoneError(LookupError):
    """The class is no longer in the store (it expired, ended, or the store lost it)."""


@dataclass(frozen=True)
class Seat:
    """A student's place in a class: held by one connection, from one address."""

    student: str
    connection: str
    address: str


@dataclass(frozen=True)
class Seating:
    refused: str | None = None  # "full" (the class) or "address" (this address's share)
    replaced: str | None = None  # the connection that held this student's seat until now


FULL, ADDRESS_FULL, AGAIN = "full", "address", "again"


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
    async def add_answer(
        self, code: str, poll: str, student: str, address: str, choice: int
    ) -> str | None:
        """Record a student's answer: None, or AGAIN (they have answered) or ADDRESS_FULL
        (their address has answered as often as it held seats at once)."""

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
    async def take_seat(self, code: str, seat: Seat, limit: int, per_address: int) -> Seating:
        """Seat a student (in their own seat if they had one), unless `limit` students or
        `per_address` from the seat's address are seated."""

    @abstractmethod
    async def release_seat(self, code: str, seat: Seat) -> None:
        """Free the seat if this connection still holds it."""

    @abstractmethod
    async def refresh_seats(self, code: str, seats: list[Seat]) -> None:
        """Confirm that these seats' connections are still open (the others lapse)."""

    @abstractmethod
    async def take_miss(self, address: str, burst: float, per_second: float) -> bool:
        """Spend one of `address`'s tries at unknown codes (a token bucket shared by every
        process on this store); False when none is left."""

    @abstractmethod
    async def beat(self) -> None:
        """Say that this process lives (its seats count while it does)."""

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
    voters: dict[str, int] = field(default_factory=dict)  # address -> answers to the open poll
    seats: dict[str, Seat] = field(default_factory=dict)
    peaks: dict[str, int] = field(default_factory=dict)  # address -> most seats held at once
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
        self.misses: AddressBuckets | None = None

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

    def _room(self, code: str) -> _Class:
        if (room := self._live(code)) is None:
            raise GoneError(code)
        return room

    async def save_state(self, code: str, state: str) -> int:
        room = self._room(code)
        room.state, room.seq = state, room.seq + 1
        return room.seq

    async def save_poll(self, code: str, poll: dict[str, Any] | None, new: bool) -> None:
        room = self._room(code)
        room.poll = poll
        if new:
            room.answers, room.voters = {}, {}

    async def add_answer(
        self, code: str, poll: str, student: str, address: str, choice: int
    ) -> str | None:
        room = self._room(code)
        if student in room.answers:
            return AGAIN
        if room.voters.get(address, 0) >= max(1, room.peaks.get(address, 0)):
            return ADDRESS_FULL
        room.answers[student] = choice
        room.voters[address] = room.voters.get(address, 0) + 1
        return None

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

    async def take_seat(self, code: str, seat: Seat, limit: int, per_address: int) -> Seating:
        room = self._room(code)
        others = [held for student, held in room.seats.items() if student != seat.student]
        if len(others) >= limit:
            return Seating(refused=FULL)
        here = sum(held.address == seat.address for held in others) + 1
        if here > per_address:
            return Seating(refused=ADDRESS_FULL)
        before = room.seats.get(seat.student)
        room.seats[seat.student] = seat
        room.peaks[seat.address] = max(here, room.peaks.get(seat.address, 0))
        return Seating(replaced=before.connection if before else None)

    async def release_seat(self, code: str, seat: Seat) -> None:
        room = self.classes.get(code)
        if room is not None and room.seats.get(seat.student) == seat:
            del room.seats[seat.student]

    async def refresh_seats(self, code: str, seats: list[Seat]) -> None:
        pass  # nothing lapses in process: a closed connection frees its seat itself

    async def count_students(self, code: str) -> int:
        room = self.classes.get(code)
        return len(room.seats) if room else 0

    async def beat(self) -> None:
        pass  # one process: it lives while its classes do

    async def take_miss(self, address: str, burst: float, per_second: float) -> bool:
        if self.misses is None:
            self.misses = AddressBuckets(burst, per_second, self.clock)
        return self.misses.take(address)

    async def publish(self, code: str, packet: str) -> None:
        if (deliver := self.subscribers.get(code)) is not None:
            deliver(packet)

    async def subscribe(self, code: str, deliver: Deliver) -> None:
        self.subscribers[code] = deliver

    async def unsubscribe(self, code: str) -> None:
        self.subscribers.pop(code, None)

    async def close(self) -> None:
        self.subscribers.clear()
