"""A class end to end over the WebSocket, on each store: what the teacher sends reaches the
students exactly, and every refusal leaves the class unharmed."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import presets
from app.classes import protocol
from app.classes.limits import ClassLimits
from tests.classes.conftest import POLL, Classroom, answered_poll, closed_with, until
from tests.helpers import class_page, preset_class_page, run_alone


def test_a_students_page_receives_the_teachers_state_with_every_digit(classroom: Classroom):
    code, token = classroom.create()
    teacher, welcome = classroom.join(code, "teacher", token=token)
    assert welcome["role"] == "teacher" and welcome["students"] == 0
    student, welcome = classroom.join(code)
    assert welcome["role"] == "student" and welcome["state"] is None
    assert until(teacher, "count")["students"] == 1
    state = class_page(10**12 - 1, 3, weights={"w5": 0.35891647971788465, "w1": 0.1 + 0.2})
    state["network"]["forward"]["E_total"] = 5e-324
    teacher.send_json({"type": "state", "state": state})
    received = until(student, "state")
    assert received["state"] == state and received["seq"] == 1
    # a late student catches up from the welcome
    late, welcome = classroom.join(code)
    assert welcome["state"] == state and welcome["seq"] == 1


def test_numbers_travel_exactly(classroom: Classroom):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)

    page = class_page()
    names = list(page["network"]["forward"])

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=len(names),
                    max_size=len(names)))  # fmt: skip
    def travels(numbers: list[float]) -> None:
        page["network"]["forward"] = dict(zip(names, numbers, strict=True))
        teacher.send_json({"type": "state", "state": page})
        received = until(student, "state")["state"]["network"]["forward"]
        assert [float(received[name]).hex() for name in names] == [x.hex() for x in numbers]

    travels()


def test_the_teacher_token_is_required_for_control_and_never_reaches_a_student(
    classroom: Classroom,
):
    code, token = classroom.create()
    wrong = classroom.connect(code)
    wrong.send_json({"type": "hello", "role": "teacher", "token": "not-the-token"})
    assert closed_with(wrong)[0] == protocol.BAD_TOKEN
    missing = classroom.connect(code)
    missing.send_json({"type": "hello", "role": "teacher"})
    assert closed_with(missing)[0] == protocol.BAD_TOKEN

    teacher, _ = classroom.join(code, "teacher", token=token)
    student, welcome = classroom.join(code)
    texts = [json.dumps(welcome)]
    for control in ({"type": "state", "state": class_page(9)}, POLL, {"type": "end"}):
        student.send_json(control)
        error = student.receive_json()
        texts.append(json.dumps(error))
        assert error["type"] == "error" and "not a student's message" in error["message"]
    teacher.send_json({"type": "state", "state": class_page(1)})
    teacher.send_json(POLL)
    teacher.send_json({"type": "poll-reveal", "poll": until(teacher, "poll")["poll"]["id"]})
    while (received := student.receive_json())["type"] != "poll-reveal":
        texts.append(json.dumps(received))
    texts.append(json.dumps(received))
    assert not any(token in text for text in texts)
    snapshot = classroom.run(classroom.hub.store.snapshot, code)
    assert json.loads(snapshot.state) == class_page(1)  # the student's state never landed


def test_a_student_sees_neither_the_answer_nor_the_mistakes_until_the_reveal(
    classroom: Classroom,
):
    code, teacher = classroom.open_class()
    first, _ = classroom.join(code)
    second, _ = classroom.join(code)
    teacher.send_json(POLL)
    poll = until(first, "poll")["poll"]
    assert "correct" not in poll and all(set(choice) == {"value"} for choice in poll["choices"])
    assert [c["value"] for c in poll["choices"]] == [c["value"] for c in POLL["choices"]]
    until(second, "poll")
    first.send_json({"type": "answer", "poll": poll["id"], "choice": 1})
    assert until(first, "answered") == {"type": "answered", "poll": poll["id"], "choice": 1}
    first.send_json({"type": "answer", "poll": poll["id"], "choice": 0})
    assert "one answer per student" in until(first, "error")["message"]
    second.send_json({"type": "answer", "poll": poll["id"], "choice": 0})
    until(second, "answered")
    results = until(teacher, "poll-results")
    while results["responses"] < 2:
        results = until(teacher, "poll-results")
    assert results["counts"] == [1, 1, 0]
    teacher.send_json({"type": "poll-reveal", "poll": poll["id"]})
    revealed = until(first, "poll-reveal")
    assert revealed["poll"]["correct"] == 0 and revealed["counts"] == [1, 1, 0]
    assert revealed["poll"]["choices"][1]["mistake"] == "missing_activation_derivative"
    second.send_json({"type": "answer", "poll": poll["id"], "choice": 2})
    assert "revealed" in until(second, "error")["message"]


def test_a_reconnected_student_keeps_their_answer_and_cannot_answer_twice(
    classroom: Classroom,
):
    code, teacher = classroom.open_class()
    student, welcome = classroom.join(code)
    poll = answered_poll(teacher, student, 2)
    student.close()
    again, rewelcome = classroom.join(code, student=welcome["student"])
    assert rewelcome["student"] == welcome["student"]
    assert rewelcome["poll"]["id"] == poll["id"] and rewelcome["answer"] == 2
    again.send_json({"type": "answer", "poll": poll["id"], "choice": 0})
    assert until(again, "error")["type"] == "error"


def test_the_count_is_of_students_only_and_follows_them_out(classroom: Classroom):
    code, token = classroom.create()
    teacher, _ = classroom.join(code, "teacher", token=token)
    other_teacher, welcome = classroom.join(code, "teacher", token=token)
    assert welcome["students"] == 0
    students = [classroom.join(code)[0] for _ in range(3)]
    count = until(teacher, "count")["students"]
    while count != 3:
        count = until(teacher, "count")["students"]
    students[0].close()
    while count != 2:
        count = until(teacher, "count")["students"]


def test_a_message_over_16_kib_closes_that_connection_only(classroom: Classroom):
    code, token = classroom.create()
    teacher, _ = classroom.join(code, "teacher", token=token)
    bystander, _ = classroom.join(code)
    teacher.send_json({"type": "state", "state": {"text": "x" * (16 * 1024)}})
    assert closed_with(teacher)[0] == protocol.TOO_BIG
    again, _ = classroom.join(code, "teacher", token=token)
    again.send_json({"type": "state", "state": class_page(5)})
    assert until(bystander, "state")["state"] == class_page(5)


def test_malformed_messages_get_an_error_and_the_class_goes_on(classroom: Classroom):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)
    for text in ['{"type": "state", "state": ', "[1, 2]", '{"no": "type"}', "NaN",
                 '{"type": "state", "state": {"w5": NaN}}', '{"type": "state", "state": 5}',
                 '{"type": "state", "state": {"w5": 1e999}}', '{"type": "nonsense"}',
                 "[" * 5000]:  # fmt: skip
        teacher.send_text(text)
        assert until(teacher, "error")["message"]
    teacher.send_bytes(b'{"type": "ping"}')
    assert "not binary" in until(teacher, "error")["message"]
    teacher.send_json({**POLL, "correct": 5})
    assert "correct" in until(teacher, "error")["message"]
    teacher.send_json({"type": "state", "state": class_page(25)})
    assert until(student, "state")["state"] == class_page(25)


@pytest.mark.parametrize("limits", [ClassLimits(student_burst=5, student_per_second=0.001)])
def test_a_flood_closes_the_flooding_connection_only(classroom: Classroom):
    code, teacher = classroom.open_class()
    flooder, _ = classroom.join(code)
    calm, _ = classroom.join(code)
    for _ in range(10):
        flooder.send_json({"type": "ping"})
    code_, reason = closed_with(flooder)
    assert code_ == protocol.POLICY and "messages a second" in reason
    teacher.send_json({"type": "state", "state": class_page(2)})
    assert until(calm, "state")["state"] == class_page(2)


@pytest.mark.parametrize("limits", [ClassLimits(joins_burst=3, joins_per_second=0.001,
                                                misses_burst=2, misses_per_second=0.001)])
def test_joins_are_limited_per_address(classroom: Classroom):
    code, token = classroom.create()
    for _ in range(3):
        classroom.join(code)
    refused = classroom.connect(code)
    assert closed_with(refused)[0] == protocol.TOO_MANY_JOINS


@pytest.mark.parametrize("limits", [ClassLimits(misses_burst=2, misses_per_second=0.001)])
def test_guessing_codes_is_limited_per_address(classroom: Classroom):
    closes = []
    for _ in range(3):
        socket = classroom.connect("ABCDEFGHJ")
        socket.send_json({"type": "hello", "role": "student"})
        closes.append(closed_with(socket)[0])
    assert closes == [protocol.NO_CLASS, protocol.NO_CLASS, protocol.TOO_MANY_JOINS]


@pytest.mark.parametrize("limits", [ClassLimits(max_students=2)])
def test_a_full_class_refuses_the_next_student_but_not_the_teacher(classroom: Classroom):
    code, token = classroom.create()
    first, _ = classroom.join(code)
    classroom.join(code)
    late = classroom.connect(code)
    late.send_json({"type": "hello", "role": "student"})
    assert closed_with(late) == (protocol.FULL, "the class is full (2 students)")
    classroom.join(code, "teacher", token=token)
    first.close()
    classroom.join(code)  # a place came free


@pytest.mark.parametrize("text", ["", "nonsense", '{"type": "ping"}',
                                  '{"type": "hello", "role": "admin"}'])  # fmt: skip
def test_a_connection_must_begin_with_a_hello(classroom: Classroom, text: str):
    code, _ = classroom.create()
    socket = classroom.connect(code)
    socket.send_text(text)
    assert closed_with(socket)[0] == protocol.BAD_HELLO


@pytest.mark.parametrize("code", ["ABCDEFGHJ", "0000", "x" * 300])
def test_an_unknown_class_is_refused_with_a_reason(classroom: Classroom, code: str):
    socket = classroom.connect(code)
    socket.send_json({"type": "hello", "role": "student"})
    close, reason = closed_with(socket)
    assert close == protocol.NO_CLASS and "no class" in reason and len(reason) < 124


def test_ending_the_class_closes_everyone_and_refuses_newcomers(classroom: Classroom):
    code, token = classroom.create()
    teacher, _ = classroom.join(code, "teacher", token=token)
    students = [classroom.join(code)[0] for _ in range(2)]
    teacher.send_json({"type": "end"})
    for student in students:
        assert until(student, "ended")["reason"] == "the teacher ended the class"
        assert closed_with(student)[0] == protocol.ENDED
    assert closed_with(teacher)[0] == protocol.ENDED
    for role, hello in (("student", {}), ("teacher", {"token": token})):
        socket = classroom.connect(code)
        socket.send_json({"type": "hello", "role": role, **hello})
        assert closed_with(socket) == (protocol.ENDED, "the teacher ended the class")
    assert classroom.client.get(f"/api/classes/{code}/qr.svg").status_code == 404


@pytest.mark.parametrize("limits", [ClassLimits(idle_seconds=1.0)])
def test_a_class_expires_after_its_idle_time(classroom: Classroom, store_kind: str):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)
    if store_kind == "memory":
        classroom.clock.now += 1.5
    else:  # Redis lets the keys lapse on its own clock
        import time

        deadline = time.monotonic() + 10
        while classroom.run(classroom.hub.exists, code) and time.monotonic() < deadline:
            time.sleep(0.05)
    classroom.run(classroom.hub.check)
    for socket in (teacher, student):
        reason = until(socket, "ended")["reason"]
        assert reason == ("the class is gone: it expired after 0.000277778 idle hours or the "
                          "class store lost it")  # fmt: skip
        assert closed_with(socket)[0] == protocol.NO_CLASS
    newcomer = classroom.connect(code)
    newcomer.send_json({"type": "hello", "role": "student"})
    assert closed_with(newcomer)[0] == protocol.NO_CLASS


@pytest.mark.parametrize("store_kind", ["memory"])  # the fake clock drives this store
def test_activity_keeps_a_class_alive(classroom: Classroom):
    code, teacher = classroom.open_class()
    for _ in range(5):
        classroom.clock.now += 3 * 3600
        teacher.send_json({"type": "state", "state": class_page(1)})
        teacher.send_json({"type": "ping"})
        until(teacher, "pong")  # the state was handled before the ping
    assert classroom.run(classroom.hub.exists, code)
    classroom.clock.now += 4 * 3600 + 1
    assert not classroom.run(classroom.hub.exists, code)


def test_ping_answers_pong(classroom: Classroom):
    code, _ = classroom.create()
    student, _ = classroom.join(code)
    student.send_json({"type": "ping"})
    assert student.receive_json() == {"type": "pong"}


def test_the_size_limit_counts_bytes_not_characters(classroom: Classroom):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)
    teacher.send_json({"type": "state", "state": {"text": "ü" * 7000}})  # 14,000 bytes
    assert "text" in until(teacher, "error")["message"]  # read, and refused as no page
    teacher.send_json({"type": "state", "state": {"text": "ü" * 9000}})  # 9,000 characters
    assert closed_with(teacher)[0] == protocol.TOO_BIG
    student.send_json({"type": "ping"})
    assert until(student, "pong")


@pytest.mark.parametrize("limits", [ClassLimits(outbox_bytes=6000)])
def test_a_connection_whose_queue_would_pass_its_bytes_is_closed_to_reconnect(
    classroom: Classroom,
):
    code, teacher = classroom.open_class()
    student, welcome = classroom.join(code)
    assert len(json.dumps(welcome)) < 6000
    teacher.send_json({"type": "state", "state": class_page(1)})  # about 4.6 KB
    assert until(student, "state")["state"] == class_page(1)  # a small one fits
    big = class_page(2)
    walk = big["walk"]
    big["network"]["last"] = {"sent": walk["sent"], "trace": walk["result"]["trace"]}  # 7 KB
    teacher.send_json({"type": "state", "state": big})
    code_, reason = closed_with(student)
    assert code_ == protocol.TRY_LATER and "reconnect" in reason
    teacher.send_json({"type": "ping"})
    assert until(teacher, "pong")  # the class goes on


def test_an_outbox_counts_bytes_and_a_close_always_fits():
    from app.classes.hub import Close, Outbox

    async def fill() -> list[object]:
        outbox = Outbox(10)
        assert outbox.push("12345") and outbox.push("67890")
        assert not outbox.push("x") and outbox.size == 10
        assert outbox.push(Close(protocol.TRY_LATER, "too slow"))
        taken = [await outbox.get()]
        assert outbox.size == 5 and outbox.push("abcde")
        return taken + [await outbox.get() for _ in range(3)]

    assert run_alone(fill()) == ["12345", "67890", Close(protocol.TRY_LATER, "too slow"),
                                   "abcde"]  # fmt: skip


def test_a_network_of_any_shape_reaches_the_students_and_an_absurd_one_is_refused(
    classroom: Classroom,
):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)
    page = preset_class_page(presets.PRESETS["xor-231"][1], "online")
    xor = page["network"]["state"]["data"]
    teacher.send_json({"type": "state", "state": page})
    assert until(student, "state")["state"] == page
    for change, field in (
        (lambda p: p["network"]["state"].update(layers=[2, 10**9, 1]), "network.state.layers.1"),
        (lambda p: p["network"]["initial"].update(data=xor * 5), "network.initial.data"),
        (lambda p: p["walk"]["sent"].update(layers=[2, 2, 1]), "walk.sent"),
    ):
        hostile = json.loads(json.dumps(page))
        change(hostile)
        teacher.send_json({"type": "state", "state": hostile})
        assert field in until(teacher, "error")["message"]
    page["network"]["state"]["iteration"] = 8
    teacher.send_json({"type": "state", "state": page})
    assert until(student, "state")["state"] == page  # nothing hostile reached the student
