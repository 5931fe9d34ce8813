"""Fixtures for the live-class tests: a Redis of their own, and the app with a fresh hub on
either store (the same tests run against both)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from app.classes.hub import Hub
from app.classes.limits import ClassLimits
from app.classes.store import ClassStore, MemoryStore
from app.main import app
from tests.helpers import redis_server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Classroom:
    """The app on one store, with the ways a test talks to a class."""

    client: TestClient
    hub: Hub
    clock: FakeClock
    sockets: list[Any] = field(default_factory=list)

    def create(self) -> tuple[str, str]:
        answer = self.client.post("/api/classes")
        assert answer.status_code == 201, answer.text
        return answer.json()["code"], answer.json()["teacher_token"]

    def open_class(self) -> tuple[str, Any]:
        """Create a class and connect its teacher; return the code and the teacher's socket."""
        code, token = self.create()
        teacher, _ = self.join(code, "teacher", token=token)
        return code, teacher

    def connect(self, code: str, **headers: str) -> WebSocketTestSession:
        """Open a connection (closed at the end of the test)."""
        socket = self.client.websocket_connect(f"/ws/classes/{code}", headers=headers)
        self.sockets.append(socket)
        return socket.__enter__()

    def join(self, code: str, role: str = "student", **hello: Any) -> tuple[Any, dict]:
        """Open a connection, say hello, return it with its welcome."""
        socket = self.connect(code)
        socket.send_json({"type": "hello", "role": role, **hello})
        welcome = socket.receive_json()
        assert welcome["type"] == "welcome", welcome
        return socket, welcome

    def run(self, function: Any, *args: Any) -> Any:
        """Run a coroutine function on the app's event loop."""
        return self.client.portal.call(function, *args)


# A poll on ∂E_total/∂w5 of the worked example's first update, as a teacher's page opens it.
POLL = {
    "type": "poll-open",
    "question": {"substep": "gradient-w5", "quantity": "gradient_w5", "iteration": 1},
    "choices": [
        {"value": 0.08216704056423078},
        {"value": 0.7413650695523157, "mistake": "missing_activation_derivative"},
        {"value": -0.08216704056423078, "mistake": "sign_error"},
    ],
    "correct": 0,
}


def answered_poll(teacher: Any, student: Any, choice: int) -> dict:
    """The teacher opens POLL and the student answers `choice`; return the poll as the student
    got it."""
    teacher.send_json(POLL)
    poll = until(student, "poll")["poll"]
    student.send_json({"type": "answer", "poll": poll["id"], "choice": choice})
    until(student, "answered")
    return poll


def until(socket: Any, kind: str) -> dict:
    """Read messages until one of `kind` arrives; return it."""
    for _ in range(100):
        received = socket.receive_json()
        if received["type"] == kind:
            return received
    raise AssertionError(f"no {kind!r} message in 100")


def closed_with(socket: Any) -> tuple[int, str]:
    """Read until the server closes the connection; return its code and reason."""
    from starlette.websockets import WebSocketDisconnect

    try:
        for _ in range(1000):
            socket.receive_text()
    except WebSocketDisconnect as closed:
        return closed.code, closed.reason
    raise AssertionError("the connection stayed open")


def make_store(kind: str, limits: ClassLimits, clock: FakeClock, redis_url: str) -> ClassStore:
    if kind == "memory":
        return MemoryStore(limits.idle_seconds, clock, limits.max_classes)
    import redis

    from app.classes.redis_store import RedisStore

    # each test starts from an empty Redis: the limits kept there are shared by design
    redis.Redis.from_url(redis_url).flushdb()
    return RedisStore(
        redis_url, limits.idle_seconds, limits.presence_seconds, limits.instance_seconds
    )


@pytest.fixture(params=["memory", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def limits() -> ClassLimits:
    return ClassLimits()


@contextmanager
def app_with(
    store: ClassStore, limits: ClassLimits, clock: FakeClock | None
) -> Iterator[Classroom]:
    """The real app with a hub of its own on `store` (driven by `clock` if given)."""
    with TestClient(app) as client:
        hub = Hub(store, limits, clock or time.monotonic)
        app.state.classroom = hub
        room = Classroom(client, hub, clock or FakeClock())
        try:
            yield room
        finally:
            for socket in room.sockets:
                try:
                    socket.__exit__(None, None, None)
                except Exception:
                    pass  # already closed by the server
            del app.state.classroom
            client.portal.call(hub.close)


@pytest.fixture
def classroom(
    store_kind: str, limits: ClassLimits, request: pytest.FixtureRequest
) -> Iterator[Classroom]:
    url = request.getfixturevalue("redis_url") if store_kind == "redis" else ""
    clock = FakeClock()
    store = make_store(store_kind, limits, clock, url)
    with app_with(store, limits, clock if store_kind == "memory" else None) as room:
        yield room
