"""The bounds a live class keeps, and the token buckets that enforce its rates."""

import ipaddress
import os
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ClassLimits:
    """Every bound of a live class in one place (tests shrink them)."""

    max_message_bytes: int = 16 * 1024
    max_students: int = 500
    # A class's seats are not one address's to take: a school behind one router still seats a
    # class of 30-40 (and a lecture of 100), while one device can no longer fill the class.
    seats_per_address: int = 100
    idle_seconds: float = 4 * 3600
    hello_seconds: float = 5.0  # a page says hello as soon as its socket opens
    # Per connection: a teacher's page sends its state on every change (throttled to 20 a
    # second by the page); a student sends answers and a ping every 25 s.
    teacher_burst: int = 60
    teacher_per_second: float = 30.0
    student_burst: int = 20
    student_per_second: float = 5.0
    # Per address: a whole class may sit behind one school router, so joins allow a full class
    # at once; joins to codes that do not exist are few for honest users.
    joins_burst: int = 500
    joins_per_second: float = 5.0
    misses_burst: int = 20
    misses_per_second: float = 0.2
    creations_burst: int = 20
    creations_per_second: float = 1 / 30
    max_classes: int = 10_000  # in one worker's memory (Redis holds what its memory allows)
    outbox_bytes: int = 256 * 1024  # waiting to be sent to one connection
    # Practice: the students given a number in one class, the answers one student may have
    # checked in one practice (each a few microseconds of judging and a few bytes kept).
    max_practice_students: int = 1000
    max_practice_answers: int = 300
    heartbeat_seconds: float = 15.0
    presence_seconds: float = 60.0
    # Through Redis each instance says every beat that it lives; a crashed one's seats stop
    # counting once its word lapses.
    beat_seconds: float = 1.0
    instance_seconds: float = 5.0


ENVIRONMENT = {
    "CLASS_IDLE_SECONDS": ("idle_seconds", float),
    "CLASS_MAX_STUDENTS": ("max_students", int),
    "CLASS_SEATS_PER_ADDRESS": ("seats_per_address", int),
}


def limits_from_environment() -> ClassLimits:
    """Return the default limits with those the environment sets: CLASS_MAX_STUDENTS,
    CLASS_SEATS_PER_ADDRESS, and CLASS_IDLE_SECONDS (to shorten the idle expiry in trials)."""
    given: dict[str, float | int] = {}
    for variable, (name, kind) in ENVIRONMENT.items():
        text = os.environ.get(variable, "").strip()
        if text:
            value = kind(text)
            if value <= 0:
                raise ValueError(f"{variable} must be positive, not {text}")
            given[name] = value
    return ClassLimits(**given)  # type: ignore[arg-type]


def address_key(host: str) -> str:
    """The address a limit counts: an IPv6 address by its /64 (one household or device may
    hold a whole /64), anything else as it is."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class TokenBucket:
    """`burst` tokens refilled at `per_second`; `take()` spends one if there is one."""

    def __init__(
        self, burst: float, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self.tokens, self.last = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.per_second)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def full(self) -> bool:
        return self.tokens + (self.clock() - self.last) * self.per_second >= self.burst


class AddressBuckets:
    """One token bucket per client address; full (unused) buckets are forgotten."""

    def __init__(
        self, burst: float, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self.buckets: dict[str, TokenBucket] = {}

    def take(self, address: str) -> bool:
        if len(self.buckets) > 10_000:
            self.prune()
        bucket = self.buckets.get(address)
        if bucket is None:
            bucket = self.buckets[address] = TokenBucket(self.burst, self.per_second, self.clock)
        return bucket.take()

    def prune(self) -> None:
        self.buckets = {key: bucket for key, bucket in self.buckets.items() if not bucket.full()}
