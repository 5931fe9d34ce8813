"""Real servers on one Redis: two instances serve one class, a restart keeps it, and without
Redis a restart ends it and several workers refuse to start."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.classes import protocol
from tests.helpers import ROOT, RunningApp, class_page, free_port, serving, start_app


def open_socket(app: RunningApp, code: str, source: str = "127.0.0.1") -> ClientConnection:
    """A WebSocket to the class from the app's own page origin (closed when the server
    stops), from `source`: another loopback address is another device to the server."""
    socket = connect(f"ws://127.0.0.1:{app.port}/ws/classes/{code}", origin=app.origin,
                     open_timeout=10, source_address=(source, 0))  # fmt: skip
    return socket.__enter__()


class Client:
    """One WebSocket connection to a class, as a page would hold it."""

    def __init__(
        self, app: RunningApp, code: str, role: str = "student", source: str = "127.0.0.1",
        **hello: Any,
    ) -> None:  # fmt: skip
        self.socket = open_socket(app, code, source)
        self.socket.send(json.dumps({"type": "hello", "role": role, **hello}))
        self.welcome = self.receive()

    def send(self, **message: Any) -> None:
        self.socket.send(json.dumps(message))

    def receive(self) -> dict[str, Any]:
        return json.loads(self.socket.recv(timeout=10))

    def until(self, kind: str, **expected: Any) -> dict[str, Any]:
        while True:
            received = self.receive()
            if received["type"] == kind and expected.items() <= received.items():
                return received

    def closed(self) -> tuple[int, str]:
        try:
            while True:
                self.socket.recv(timeout=10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason


def create(app: RunningApp) -> tuple[str, str]:
    import urllib.request

    request = urllib.request.Request(app.origin + "/api/classes", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = json.load(answer)
    assert body["join_url"] == f"{app.origin}/?class={body['code']}"
    return body["code"], body["teacher_token"]


def class_at_iteration_7(
    app: RunningApp, student_app: RunningApp | None = None
) -> tuple[str, str, Client, Client]:
    """A class on `app` whose teacher has sent the page at iteration 7 and whose student (on
    `student_app`, by default `app` too) has it; (code, teacher token, teacher, student)."""
    code, token = create(app)
    teacher = Client(app, code, "teacher", token=token)
    student = Client(student_app or app, code)
    teacher.send(type="state", state=class_page(7))
    student.until("state", seq=1)
    return code, token, teacher, student


@pytest.fixture
def two_instances(redis_url: str) -> Iterator[tuple[RunningApp, RunningApp]]:
    with serving(env={"REDIS_URL": redis_url}) as first, serving(
        env={"REDIS_URL": redis_url}
    ) as second:
        yield first, second


def test_two_instances_serve_one_class(two_instances: tuple[RunningApp, RunningApp]):
    first, second = two_instances
    code, token = create(first)
    teacher = Client(first, code, "teacher", token=token)
    students = [Client(second, code), Client(second, code), Client(first, code)]
    teacher.until("count", students=3)
    state = class_page(1, 4, weights={"w5": 0.35891647971788465})
    teacher.send(type="state", state=state)
    for student in students:
        assert student.until("state")["state"] == state
    question = {"substep": "gradient-w5", "quantity": "gradient_w5", "iteration": 1}
    teacher.send(type="poll-open", question=question, correct=1,
                 choices=[{"value": 0.1, "mistake": "sign_error"}, {"value": 0.2}])  # fmt: skip
    poll = students[0].until("poll")["poll"]
    for student, choice in zip(students, (1, 1, 0), strict=True):
        student.send(type="answer", poll=poll["id"], choice=choice)
        student.until("answered")
    assert teacher.until("poll-results", responses=3)["counts"] == [1, 2]
    students[1].socket.close()
    teacher.until("count", students=2)
    teacher.send(type="end")
    for client in (teacher, students[0], students[2]):
        assert client.closed() == (protocol.ENDED, "the teacher ended the class")
    late = open_socket(second, code)
    late.send(json.dumps({"type": "hello", "role": "student"}))
    with pytest.raises(ConnectionClosed) as refused:
        late.recv(timeout=10)
    assert refused.value.rcvd is not None and refused.value.rcvd.code == protocol.ENDED


def test_a_class_in_redis_survives_a_restart(redis_url: str):
    port = free_port()
    with serving(env={"REDIS_URL": redis_url}) as other:
        app = start_app(port, env={"REDIS_URL": redis_url})
        try:
            code, token, teacher, student = class_at_iteration_7(app, other)
            app.stop()
            assert teacher.closed()[0] in (1001, 1012)  # going away / restarting
            app = start_app(port, env={"REDIS_URL": redis_url})
            teacher = Client(app, code, "teacher", token=token)
            assert teacher.welcome["state"] == class_page(7)
            teacher.send(type="state", state=class_page(8))
            assert student.until("state", seq=2)["state"] == class_page(8)
        finally:
            app.stop()


def test_without_redis_a_restart_ends_the_class():
    port = free_port()
    with serving(port) as app:
        code, token = create(app)
        Client(app, code, "teacher", token=token)
    with serving(port) as app:
        refused = open_socket(app, code)
        refused.send(json.dumps({"type": "hello", "role": "teacher", "token": token}))
        with pytest.raises(ConnectionClosed) as closed:
            refused.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == protocol.NO_CLASS


def test_several_workers_share_classes_through_redis(redis_url: str):
    with serving(workers=2, env={"REDIS_URL": redis_url}) as app:
        code, token = create(app)
        teacher = Client(app, code, "teacher", token=token)
        students = [Client(app, code) for _ in range(12)]
        teacher.until("count", students=12)
        teacher.send(type="state", state=class_page(5))
        for student in students:
            assert student.until("state")["state"] == class_page(5)


def test_several_workers_without_redis_refuse_to_start():
    environment = {**os.environ, "WORKERS": "2", "PORT": str(free_port())}
    environment.pop("REDIS_URL", None)
    finished = subprocess.run([sys.executable, "-m", "app"], cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=30)  # fmt: skip
    assert finished.returncode != 0
    assert "WORKERS > 1 needs REDIS_URL" in finished.stderr


def test_the_server_refuses_an_oversized_message_as_it_arrives():
    with serving() as app:
        code, token = create(app)
        teacher = Client(app, code, "teacher", token=token)
        teacher.socket.send("x" * (64 * 1024))
        assert teacher.closed()[0] == protocol.TOO_BIG
