"""One device cannot take down, fill, silence or inject into a class: on each store, what a
teacher sends is the page's message or refused, a lone surrogate silences nobody, a student
keeps their seat and vote across reconnections, and a device cannot vote again by coming
back without its id."""

import pytest

from app.classes import protocol
from app.classes.limits import ClassLimits
from tests.classes.conftest import Classroom, answered_poll, closed_with, until
from tests.helpers import class_page


def test_a_lone_surrogate_is_refused_and_the_class_goes_on(classroom: Classroom):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)
    teacher.send_text('{"type": "state", "state": {"a": "\\ud800"}}')
    assert "Unicode" in until(teacher, "error")["message"]
    page = class_page(2)
    page["settings"]["tab"] = "\udfff"
    teacher.send_text(protocol.json.dumps({"type": "state", "state": page}))
    assert "Unicode" in until(teacher, "error")["message"]
    student.send_text('{"type": "answer", "poll": "\\ud800", "choice": 0}')
    assert "Unicode" in until(student, "error")["message"]
    student.send_json({"type": "ping"})
    assert until(student, "pong")
    teacher.send_json({"type": "state", "state": class_page(3)})
    assert until(student, "state")["state"] == class_page(3)


def test_markup_in_a_teachers_state_never_reaches_a_student(classroom: Classroom):
    code, teacher = classroom.open_class()
    student, _ = classroom.join(code)
    page = class_page(1, 2)
    page["walk"]["result"]["trace"]["forward"]["net_h1"] = '<img src=x onerror="alert(1)">'
    teacher.send_json({"type": "state", "state": page})
    error = until(teacher, "error")["message"]
    assert "walk.result.trace.forward.net_h1" in error
    teacher.send_json({"type": "state", "state": class_page(4)})
    assert until(student, "state")["state"] == class_page(4)  # the first never came


def test_a_reconnecting_student_keeps_their_vote_and_without_an_id_cannot_vote_again(
    classroom: Classroom,
):
    code, teacher = classroom.open_class()
    student, welcome = classroom.join(code)
    poll = answered_poll(teacher, student, 1)
    for _ in range(5):  # a device that comes back as someone new, again and again
        student.close()
        while until(teacher, "count")["students"] != 0:
            pass  # gone before it comes back: one seat at a time, as a single device holds
        student, fresh = classroom.join(code)
        assert fresh["student"] != welcome["student"] and fresh["answer"] is None
        student.send_json({"type": "answer", "poll": poll["id"], "choice": 1})
        assert "your address has answered" in until(student, "error")["message"]
    student.close()
    again, rewelcome = classroom.join(code, student=welcome["student"])
    assert rewelcome["answer"] == 1
    assert classroom.run(classroom.hub.store.answers, code, poll["id"]) == {welcome["student"]: 1}


@pytest.mark.parametrize("limits", [ClassLimits(max_students=2)])
def test_a_student_takes_their_own_seat_back_in_a_full_class(classroom: Classroom):
    code, teacher = classroom.open_class()
    first, welcome = classroom.join(code)
    classroom.join(code)
    # the first one's link dropped unnoticed: their page comes back while the seat is held
    back, rewelcome = classroom.join(code, student=welcome["student"])
    assert rewelcome["student"] == welcome["student"]
    assert closed_with(first) == (protocol.REPLACED, "you joined this class again elsewhere")
    stranger = classroom.connect(code)
    stranger.send_json({"type": "hello", "role": "student"})
    assert closed_with(stranger)[0] == protocol.FULL
    back.send_json({"type": "ping"})
    assert until(back, "pong")
    count = until(teacher, "count")["students"]
    while count != 2:
        count = until(teacher, "count")["students"]


@pytest.mark.parametrize("limits", [ClassLimits(max_students=5, seats_per_address=2)])
def test_one_address_takes_at_most_its_share_of_the_seats(classroom: Classroom):
    code, _ = classroom.create()
    classroom.join(code)
    classroom.join(code)
    third = classroom.connect(code)
    third.send_json({"type": "hello", "role": "student"})
    reason = "this address holds 2 seats of the class, its most"
    assert closed_with(third) == (protocol.FULL, reason)
