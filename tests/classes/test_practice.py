"""Practice in a live class, over the WebSocket on each store: an exercise of their own for each
student, answers judged on the server, the teacher's dashboard, and every hostile message
refused without harm to the class."""

import csv
import io
import json
from typing import Any

import pytest

from app import practice as exercises
from app.classes import practice, protocol
from app.classes.limits import ClassLimits
from tests.classes.conftest import Classroom, FakeClock, app_with, closed_with, make_store, until


def right(level: int, seed: int, answer_id: str) -> float:
    return exercises.answers(exercises.exercise(level, seed).state)[answer_id]


def sign_flipped(level: int, seed: int, answer_id: str) -> float:
    return -right(level, seed, answer_id)


def assign(
    classroom: Classroom, level: int, students: int = 2, expected: int | None = None
) -> tuple[Any, list[Any], list[dict]]:
    """A class with a teacher and `students` students; the teacher assigns `level`. Return the
    teacher's socket, the students' sockets and the exercises of the first `expected`."""
    code, token = classroom.create()
    classroom.code, classroom.token = code, token
    teacher, welcome = classroom.join(code, "teacher", token=token)
    assert welcome["practice"] is None and welcome["board"] == []
    sockets = [classroom.join(code)[0] for _ in range(students)]
    teacher.send_json({"type": "practice-assign", "level": level})
    count = students if expected is None else expected
    given = [until(socket, "practice")["practice"] for socket in sockets[:count]]
    return teacher, sockets, given


def first_of(socket: Any, *kinds: str) -> dict:
    """Read messages until one of `kinds` arrives; return it."""
    for _ in range(100):
        if (received := socket.receive_json())["type"] in kinds:
            return received
    raise AssertionError(f"none of {kinds} in 100 messages")


def answer(socket: Any, given: dict, **answers: float) -> dict:
    socket.send_json({"type": "practice-answer", "practice": given["id"], "answers": answers})
    return until(socket, "practice-verdicts")


def row_of(teacher: Any, number: int, attempts: int) -> dict:
    """Read the teacher's messages until student `number`'s row has `attempts`."""
    for _ in range(100):
        received = teacher.receive_json()
        if received["type"] == "practice-row":
            rows = [received["row"]]
        else:
            rows = received["board"] if received["type"] == "practice-board" else []
        for row in rows:
            if row["number"] == number and row["attempts"] == attempts:
                return row
    raise AssertionError(f"no row of student {number} with {attempts} attempts")


def test_each_student_gets_an_exercise_of_their_own(classroom: Classroom):
    teacher, students, given = assign(classroom, 2, students=3)
    assert [g["level"] for g in given] == [2, 2, 2]
    assert len({g["seed"] for g in given}) == 3  # distinct seeds, chosen by the server
    assert sorted(g["number"] for g in given) == [1, 2, 3]
    assert all(g["answers"] == {} for g in given)
    board = until(teacher, "practice-board")
    assert board["practice"] == {"id": given[0]["id"], "level": 2}
    while len(board["board"]) < 3:
        board = until(teacher, "practice-board")
    assert {row["seed"] for row in board["board"]} == {g["seed"] for g in given}
    assert all(row["attempts"] == 0 and row["solved"] == 0 and row["asks"] == 5
               for row in board["board"])  # fmt: skip


def test_an_answer_is_judged_on_the_server_and_reaches_the_teacher_only(classroom: Classroom):
    teacher, (first, second), (mine, theirs) = assign(classroom, 2)
    level, seed = 2, mine["seed"]
    verdicts = answer(first, mine, dE_dw5=sign_flipped(level, seed, "dE_dw5"),
                      dE_dout_o1=right(level, seed, "dE_dout_o1"))  # fmt: skip
    by_id = {result["id"]: result for result in verdicts["results"]}
    assert by_id["dE_dout_o1"]["correct"] is True
    assert by_id["dE_dw5"]["correct"] is False
    assert by_id["dE_dw5"]["misconceptions"][0] == "sign_error"
    row = row_of(teacher, mine["number"], 2)
    assert row["solved"] == 1 and row["mistakes"] == {"sign_error": 1}
    assert row["substeps"]["sign_error"] == "gradient-w5"
    # the same answers again (as the page sends the right ones along) are no new attempts
    answer(first, mine, dE_dout_o1=right(level, seed, "dE_dout_o1"),
           dE_dw5=right(level, seed, "dE_dw5"))  # fmt: skip
    row = row_of(teacher, mine["number"], 3)
    assert row["solved"] == 2 and row["mistakes"] == {"sign_error": 1}
    # the other student heard nothing of it: the next message they get is their own pong
    second.send_json({"type": "ping"})
    assert second.receive_json() == {"type": "pong"}


def test_a_reconnected_student_gets_their_exercise_and_verdicts_back(classroom: Classroom):
    code, token = classroom.create()
    teacher, _ = classroom.join(code, "teacher", token=token)
    student, welcome = classroom.join(code)
    teacher.send_json({"type": "practice-assign", "level": 1})
    given = until(student, "practice")["practice"]
    answer_id = exercises.exercise(1, given["seed"]).asks[0]
    answer(student, given, **{answer_id: right(1, given["seed"], answer_id)})
    again, welcome = classroom.join(code, student=welcome["student"])
    assert welcome["practice"]["seed"] == given["seed"]
    assert welcome["practice"]["answers"][answer_id]["correct"] is True
    late, welcome = classroom.join(code)
    assert welcome["practice"]["seed"] != given["seed"]
    teacher_again, welcome = classroom.join(code, "teacher", token=token)
    assert [row["number"] for row in welcome["board"]] == [1, 2]
    assert welcome["board"][0]["solved"] == 1


def test_a_nickname_is_bounded_plain_text_and_shown_to_the_teacher(classroom: Classroom):
    teacher, (student, _), (given, _) = assign(classroom, 1)
    student.send_json({"type": "nickname", "nickname": "  Ada\u0301  <b>L</b> "})
    assert until(student, "nickname")["nickname"] == "Adá <b>L</b>"  # NFC, spaces folded
    for _ in range(20):
        rows = {row["number"]: row for row in until(teacher, "practice-board")["board"]}
        if rows.get(given["number"], {}).get("nickname"):
            break
    assert rows[given["number"]]["nickname"] == "Adá <b>L</b>"  # text: the page shows it as such
    refused = [
        "x" * (practice.MAX_NICKNAME + 1),
        "a\u202eb",  # reorders the text after it
        "bell\u0007",
    ]
    for name in refused:
        student.send_text(json.dumps({"type": "nickname", "nickname": name}))
        error = until(student, "error")
        assert error["message"].startswith("nickname:"), error
    student.send_text(json.dumps({"type": "nickname", "nickname": "\ud800"}))
    assert "not valid Unicode" in until(student, "error")["message"]  # a lone surrogate
    for wrong in (12, None, ["Ada"], "y" * 10_000):
        student.send_text(json.dumps({"type": "nickname", "nickname": wrong}))
        error = student.receive_json()
        assert error["type"] == "error", error
    student.send_json({"type": "nickname", "nickname": ""})
    assert until(student, "nickname")["nickname"] is None  # back to a number
    student.send_text(json.dumps({"type": "nickname", "nickname": "y" * 100_000}))
    assert closed_with(student)[0] == protocol.TOO_BIG


@pytest.mark.parametrize(
    "extra",
    [
        {"level": "2"},
        {"level": 5},
        {"level": 0},
        {"level": True},
        {"level": 2.5},
        {},
    ],
)
def test_an_assignment_needs_a_level_of_one_to_four(classroom: Classroom, extra: dict):
    code, teacher = classroom.open_class()
    teacher.send_json({"type": "practice-assign", **extra})
    error = teacher.receive_json()
    assert error["type"] == "error" and "level" in error["message"]


def test_hostile_answers_are_refused_and_the_row_stays_as_it_was(classroom: Classroom):
    teacher, (student, other), (given, theirs) = assign(classroom, 2)
    seed = given["seed"]
    good = right(2, seed, "dE_dw5")
    hostile: list[tuple[dict[str, Any], str]] = [
        ({"answers": {"dE_dw5": str(good)}}, "answers.dE_dw5"),
        ({"answers": {"dE_dw5": True}}, "answers.dE_dw5"),
        ({"answers": {"dE_dw5": None}}, "answers.dE_dw5"),
        ({"answers": {"dE_dw5": 1e300}}, "answers.dE_dw5"),
        ({"answers": {"dE_dw1": 0.1}}, "answers.dE_dw1"),  # not in a level-2 exercise
        ({"answers": {"nonsense": 0.1}}, "answers"),
        ({"answers": {}}, "answers"),
        ({"answers": []}, "answers"),
        ({"answers": {"dE_dw5": good}, "student": theirs["number"]}, "student"),
        ({"answers": {"dE_dw5": good}, "number": theirs["number"]}, "number"),
        ({"answers": {"dE_dw5": good}, "seed": theirs["seed"]}, "seed"),
        ({"answers": {"dE_dw5": good}, "practice": "not-this-one"}, "practice"),
        ({"answers": {"dE_dw5": good}, "language": "fr"}, "language"),
    ]
    for fields, named in hostile:
        sent = {"type": "practice-answer", "practice": given["id"], **fields}
        student.send_json(sent)
        error = student.receive_json()
        assert error["type"] == "error" and named in error["message"], (fields, error)
    practice_id = json.dumps(given["id"])
    student.send_text(f'{{"type": "practice-answer", "practice": {practice_id}, '
                      '"answers": {"dE_dw5": NaN}}')  # fmt: skip
    assert student.receive_json()["type"] == "error"
    # none of it counted: the first real answer is the first attempt
    answer(student, given, dE_dw5=good)
    row = row_of(teacher, given["number"], 1)
    assert row["solved"] == 1 and row["mistakes"] == {}


def test_a_student_can_neither_assign_nor_read_the_dashboard(classroom: Classroom):
    teacher, (student, other), (given, theirs) = assign(classroom, 1)
    for control in ({"type": "practice-assign", "level": 1}, {"type": "practice-board"},
                    {"type": "practice-row"}):  # fmt: skip
        student.send_json(control)
        error = student.receive_json()
        assert error["type"] == "error", error
    other_id = exercises.exercise(1, theirs["seed"]).asks[0]
    answer(other, theirs, **{other_id: sign_flipped(1, theirs["seed"], other_id)})
    row_of(teacher, theirs["number"], 1)
    student.send_json({"type": "ping"})
    while (received := student.receive_json())["type"] != "pong":
        assert received["type"] not in ("practice-row", "practice-board"), received
        assert "mistakes" not in json.dumps(received)


def test_an_answer_before_any_assignment_is_refused(classroom: Classroom):
    code, token = classroom.create()
    student, welcome = classroom.join(code)
    assert "practice" not in welcome
    student.send_json({"type": "practice-answer", "practice": "abcdefgh", "answers": {"dE_dw5": 1}})
    assert "not the practice assigned" in until(student, "error")["message"]


def test_what_one_student_can_make_the_class_hold_is_bounded(
    store_kind: str, request: pytest.FixtureRequest
):
    limits = ClassLimits(max_practice_answers=3, max_practice_students=2)
    url = request.getfixturevalue("redis_url") if store_kind == "redis" else ""
    clock = FakeClock()
    with app_with(make_store(store_kind, limits, clock, url), limits, clock) as classroom:
        teacher, sockets, _ = assign(classroom, 4, students=3, expected=0)
        got = [first_of(socket, "practice", "error") for socket in sockets]
        kinds = sorted(received["type"] for received in got)
        assert kinds == ["error", "practice", "practice"]  # no exercise for a third student
        left_out = next(k for k, received in enumerate(got) if received["type"] == "error")
        assert "2 students" in got[left_out]["message"]
        third = sockets[left_out]
        first, *_ = [s for k, s in enumerate(sockets) if k != left_out]
        given = [received["practice"] for received in got if received["type"] == "practice"]
        given = [g for g in given if got[sockets.index(first)].get("practice") == g]
        third.send_json({"type": "nickname", "nickname": "Eve"})
        assert "students named" in until(third, "error")["message"]
        mine = given[0]
        first.send_json({"type": "practice-answer", "practice": mine["id"],
                         "answers": {"dE_dw1": 0.1, "dE_dw2": 0.2, "dE_dw3": 0.3, "dE_dw4": 0.4}})
        assert "at most 3 answers" in until(first, "error")["message"]
        answer(first, mine, dE_dw1=0.1, dE_dw2=0.2, dE_dw3=0.3)
        answer(first, mine, dE_dw1=0.1)  # the same again: no new attempt, still allowed
        first.send_json({"type": "practice-answer", "practice": mine["id"],
                         "answers": {"dE_dw1": 0.11}})  # fmt: skip
        assert "at most 3 answers" in until(first, "error")["message"]
        row = row_of(teacher, mine["number"], 3)
        assert row["attempts"] == 3


def test_a_new_assignment_replaces_the_old_one_and_its_dashboard(classroom: Classroom):
    teacher, (student, _), (given, _) = assign(classroom, 1)
    answer_id = exercises.exercise(1, given["seed"]).asks[0]
    answer(student, given, **{answer_id: 0.5})
    teacher.send_json({"type": "practice-assign", "level": 3})
    again = until(student, "practice")["practice"]
    assert again["level"] == 3 and again["id"] != given["id"] and again["answers"] == {}
    assert again["number"] == given["number"]  # a student keeps their number in the class
    student.send_json({"type": "practice-answer", "practice": given["id"],
                       "answers": {answer_id: 0.5}})  # fmt: skip
    assert "not the practice assigned" in until(student, "error")["message"]


def test_the_dashboard_as_csv_is_the_teachers_only(classroom: Classroom):
    teacher, (student, other), (given, theirs) = assign(classroom, 2)
    student.send_json({"type": "nickname", "nickname": '=HYPERLINK("x")'})
    until(student, "nickname")
    answer(student, given, dE_dw5=sign_flipped(2, given["seed"], "dE_dw5"))
    row_of(teacher, given["number"], 1)
    url = f"/api/classes/{classroom.code}/practice.csv"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": classroom.token}):
        refused = classroom.client.get(url, headers=headers)
        assert refused.status_code == 401 and "teacher token" in refused.json()["detail"]
    assert classroom.client.get("/api/classes/ABCDEFGHJ/practice.csv").status_code == 404
    answered = classroom.client.get(url, headers={"Authorization": f"Bearer {classroom.token}"})
    assert answered.status_code == 200, answered.text
    assert answered.headers["content-type"].startswith("text/csv")
    assert answered.headers["cache-control"] == "no-store"
    lines = list(csv.DictReader(io.StringIO(answered.text)))
    assert [line["number"] for line in lines] == ["1", "2"]
    mine = lines[given["number"] - 1]
    assert mine["nickname"] == "'" + '=HYPERLINK("x")'  # shown by a sheet, never run
    assert (mine["level"], mine["seed"]) == ("2", str(given["seed"]))
    assert (mine["answers checked"], mine["solved"], mine["asked"]) == ("1", "0", "5")
    assert mine["sign_error"] == "1" and mine["rounding"] == "0"
    assert lines[theirs["number"] - 1]["answers checked"] == "0"
