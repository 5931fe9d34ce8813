"""When Redis goes away, the class's connections are closed with a code that says reconnect,
new ones are refused the same way and HTTP answers 503 with Retry-After, never a 500 nor a
connection left hanging; a Redis that kept its data (appendonly) brings the class back, one
that lost it has every page told that the class is gone."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.classes import protocol
from app.classes.limits import ClassLimits
from app.classes.redis_store import RedisStore
from tests.classes.conftest import Classroom, app_with, closed_with
from tests.classes.test_instances import Client, class_at_iteration_7, create, open_socket
from tests.helpers import START_SECONDS, class_page, free_port, serving


@contextmanager
def restartable_redis(persist: bool) -> Iterator[tuple[str, "RedisProcess"]]:
    """A redis-server of this test's own on a free port, with its data in a directory of its
    own: appended to a file (`appendonly yes`) when `persist`, kept nowhere otherwise."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make redis installs it)")
    with tempfile.TemporaryDirectory() as directory:
        server = RedisProcess(free_port(), Path(directory), persist)
        server.start()
        try:
            yield f"redis://127.0.0.1:{server.port}/0", server
        finally:
            server.stop()


class RedisProcess:
    def __init__(self, port: int, directory: Path, persist: bool) -> None:
        self.port, self.directory, self.persist = port, directory, persist
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persist else [
            "--appendonly", "no"]  # fmt: skip
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.directory), *persistence],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def lonely_redis() -> Iterator[tuple[Classroom, RedisProcess]]:
    """The app on a Redis of this test's own, which the test may stop."""
    with restartable_redis(persist=False) as (url, server), app_with(
        RedisStore(url, 3600.0), ClassLimits(), None
    ) as room:
        yield room, server


def test_losing_redis_closes_connections_with_a_code_to_reconnect(lonely_redis):
    room, server = lonely_redis
    code, token = room.create()
    student, _ = room.join(code)
    server.stop()
    assert closed_with(student)[0] in (protocol.RESTART, protocol.TRY_LATER)
    newcomer = room.connect(code)
    newcomer.send_json({"type": "hello", "role": "student"})
    assert closed_with(newcomer)[0] == protocol.TRY_LATER


def test_without_redis_http_answers_503_with_retry_after(lonely_redis):
    room, server = lonely_redis
    code, _ = room.create()
    server.stop()
    for method, path in (("POST", "/api/classes"), ("GET", f"/api/classes/{code}/qr.svg"),
                         ("GET", "/api/classes/ABCDEFGHJ/qr.svg")):  # fmt: skip
        answer = room.client.request(method, path)
        assert answer.status_code == 503, (path, answer.text)
        assert int(answer.headers["retry-after"]) > 0
        assert "try again" in answer.json()["detail"]
    server.start()  # and once Redis is back, so is the service
    assert room.client.get(f"/api/classes/{code}/qr.svg").status_code == 404  # not kept
    room.create()


def wait_for_welcome(app, code: str, role: str = "student", **hello) -> Client:
    """Connect until welcomed (the page retries after a close that says reconnect)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return Client(app, code, role, **hello)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_class_survives_a_redis_restart_with_appendonly():
    with restartable_redis(persist=True) as (url, server), serving(env={"REDIS_URL": url}) as app:
        code, token, teacher, student = class_at_iteration_7(app)
        server.stop()
        server.start()
        assert student.closed()[0] in (protocol.RESTART, protocol.TRY_LATER)
        teacher = wait_for_welcome(app, code, "teacher", token=token)
        assert teacher.welcome["state"] == class_page(7)
        student = wait_for_welcome(app, code, student=student.welcome["student"])
        assert student.welcome["state"] == class_page(7)
        teacher.send(type="state", state=class_page(8))
        assert student.until("state", seq=2)["state"] == class_page(8)


def test_a_class_redis_lost_is_said_to_be_gone():
    with restartable_redis(persist=False) as (url, server), serving(env={"REDIS_URL": url}) as app:
        code, token = create(app)
        teacher = Client(app, code, "teacher", token=token)
        student = Client(app, code)
        server.stop()
        server.start()
        for client in (teacher, student):
            assert client.closed()[0] in (protocol.RESTART, protocol.TRY_LATER)
        for hello in ({"role": "teacher", "token": token}, {"role": "student"}):
            deadline = time.monotonic() + 30
            while (closed := refusal(app, code, **hello))[0] == protocol.TRY_LATER:
                assert time.monotonic() < deadline, "Redis did not come back"
                time.sleep(0.2)  # Redis is starting: the page tries again, as here
            assert closed[0] == protocol.NO_CLASS and "no class" in closed[1]


def refusal(app, code: str, **hello) -> tuple[int, str]:
    """The close code and reason a connection saying `hello` gets."""
    socket = open_socket(app, code)
    socket.send(json.dumps({"type": "hello", **hello}))
    return Client.closed(SimpleNamespace(socket=socket))  # type: ignore[arg-type]
