"""Seats on real servers: one address cannot take every seat of a class, and a crashed
instance's students (SIGKILL, no goodbye) are seated again within seconds through Redis."""

import json
import signal
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from app.classes import protocol
from tests.classes.test_instances import Client, create, open_socket
from tests.helpers import RunningApp, serving

SEATS = {"CLASS_MAX_STUDENTS": "6", "CLASS_SEATS_PER_ADDRESS": "3"}


def refusal(app: RunningApp, code: str, source: str = "127.0.0.1") -> tuple[int, str]:
    """The close code and reason a new student from `source` gets."""
    socket = open_socket(app, code, source)
    socket.send(json.dumps({"type": "hello", "role": "student"}))
    try:
        while True:
            socket.recv(timeout=10)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code, closed.rcvd.reason


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_one_address_cannot_take_every_seat_and_a_real_student_still_joins(
    store: str, request: pytest.FixtureRequest
):
    env = {**SEATS, **({"REDIS_URL": request.getfixturevalue("redis_url")}
                       if store == "redis" else {})}  # fmt: skip
    with serving(env=env) as app:
        code, token = create(app)
        teacher = Client(app, code, "teacher", token=token)
        taken = [Client(app, code) for _ in range(3)]  # one device, as many joins as it may
        closed = refusal(app, code)
        assert closed == (protocol.FULL, "this address holds 3 seats of the class, its most")
        student = Client(app, code, source="127.0.0.2")
        assert student.welcome["type"] == "welcome"
        teacher.until("count", students=4)
        assert len(taken) == 3


def join_until_seated(app: RunningApp, code: str, deadline: float, **hello: str) -> Client:
    """Join as a page does: after a refusal that says try again (a full class, a restart),
    try again until seated or `deadline` passes."""
    while True:
        try:
            return Client(app, code, **hello)
        except (ConnectionClosed, OSError, InvalidHandshake) as refused:
            if time.monotonic() > deadline:
                raise AssertionError(f"not seated in time: {refused!r}") from None
            time.sleep(0.2)


def test_a_crashed_instances_students_are_back_within_10_seconds(redis_url: str):
    env = {"REDIS_URL": redis_url, "CLASS_MAX_STUDENTS": "6", "CLASS_SEATS_PER_ADDRESS": "6"}
    with serving(env=env) as survivor, serving(env=env) as doomed:
        code, token = create(survivor)
        teacher = Client(survivor, code, "teacher", token=token)
        students = [Client(doomed, code) for _ in range(6)]
        teacher.until("count", students=6)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(timeout=10)
        killed = time.monotonic()
        deadline = killed + 10
        # half come back with the id their page kept, half as new pages without one
        back = [join_until_seated(survivor, code, deadline, student=s.welcome["student"])
                for s in students[:3]]  # fmt: skip
        back += [join_until_seated(survivor, code, deadline) for _ in range(3)]
        assert time.monotonic() <= deadline
        assert all(client.welcome["type"] == "welcome" for client in back)
        teacher.until("count", students=6)  # the dead instance's seats no longer count
