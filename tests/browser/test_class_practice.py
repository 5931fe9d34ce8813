"""Practice in a live class in the browser: a teacher and two students, one of them on another
instance of the app sharing one Redis; each student's own exercise, answers judged on the
server, the teacher's dashboard live, a mistake explained on the projector, names hidden,
the CSV."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from app import practice
from tests.browser.classroom import live_class
from tests.browser.conftest import Page, Server
from tests.helpers import RunningApp, redis_server, serving


@pytest.fixture(scope="module")
def two_instances() -> Iterator[tuple[Server, Server]]:
    with redis_server() as url, serving(env={"REDIS_URL": url}) as one, \
            serving(env={"REDIS_URL": url}) as two:  # fmt: skip
        apps: tuple[RunningApp, RunningApp] = (one, two)
        yield Server(apps[0].origin), Server(apps[1].origin)


def exercise_of(student: Page) -> tuple[int, int]:
    box = student.page.get_by_test_id("practice")
    box.wait_for()
    return int(box.get_attribute("data-level") or 0), int(box.get_attribute("data-seed") or 0)


def type_answer(student: Page, answer_id: str, value: float) -> None:
    field = student.page.get_by_test_id(f"answer-{answer_id}")
    field.fill(repr(value))
    field.press("Enter")
    student.page.wait_for_function(
        "id => document.querySelector(`[data-testid=verdict-${id}]`).dataset.correct",
        arg=answer_id,
    )


def row(teacher: Page, number: int) -> Any:
    return teacher.page.locator(f"[data-testid=practice-student][data-number='{number}']")


def wait_row(teacher: Page, number: int, attempts: int, solved: int) -> None:
    teacher.page.wait_for_function(
        "([n, a, s]) => { const r = document.querySelector("
        "`[data-testid=practice-student][data-number='${n}']`);"
        " return r && r.dataset.attempts === String(a) && r.dataset.solved === String(s); }",
        arg=[number, attempts, solved],
    )


def test_practice_in_a_class_across_two_instances(
    browser: Any, two_instances: tuple[Server, Server]
) -> None:
    one, two = two_instances
    with live_class(browser, one, students=[{}, {"server": two}]) as (teacher, ada, ben):

        teacher.page.get_by_test_id("practice-level").select_option("2")
        teacher.click("practice-assign")
        (level_a, seed_a), (level_b, seed_b) = exercise_of(ada), exercise_of(ben)
        assert level_a == level_b == 2 and seed_a != seed_b
        numbers = {}
        for student, seed in ((ada, seed_a), (ben, seed_b)):
            placeholder = student.page.get_by_test_id("practice-nickname").get_attribute(
                "placeholder"
            )
            numbers[seed] = int((placeholder or "").rsplit(" ", 1)[-1])
        teacher.page.get_by_test_id("practice-dashboard").wait_for()
        wait_row(teacher, numbers[seed_a], 0, 0)
        wait_row(teacher, numbers[seed_b], 0, 0)

        # a nickname is text, whatever it holds
        name = ada.page.get_by_test_id("practice-nickname")
        name.fill("<b>Ada</b> 🙂")
        name.press("Enter")
        name.blur()
        teacher.page.wait_for_function(
            "n => document.querySelector(`[data-testid=practice-student][data-number='${n}']"
            " .practice-name`)?.textContent === '<b>Ada</b> 🙂'",
            arg=numbers[seed_a],
        )
        assert row(teacher, numbers[seed_a]).locator("b").count() == 0

        right_a = practice.answers(practice.exercise(2, seed_a).state)
        right_b = practice.answers(practice.exercise(2, seed_b).state)
        type_answer(ada, "dE_dout_o1", right_a["dE_dout_o1"])
        assert ada.attr("verdict-dE_dout_o1", "data-correct") == "true"
        type_answer(ben, "dE_dw5", -right_b["dE_dw5"])
        assert ben.attr("verdict-dE_dw5", "data-correct") == "false"
        assert ben.attr("verdict-dE_dw5", "data-misconception") == "sign_error"
        wait_row(teacher, numbers[seed_a], 1, 1)
        wait_row(teacher, numbers[seed_b], 1, 0)
        mistake = teacher.page.locator("[data-testid=practice-mistake][data-code=sign_error]")
        mistake.wait_for()
        assert mistake.get_attribute("data-count") == "1"
        # a student sees no dashboard and no other student's name
        for student in (ada, ben):
            assert student.page.get_by_test_id("practice-dashboard").count() == 0
            assert "Ada" not in ben.page.locator("#classroom").inner_text()

        # the mistake explained on the projector: the walk opens at its sub-step, and the
        # students following see it too
        mistake.get_by_test_id("practice-explain").click()
        substep = mistake.get_by_test_id("practice-explain").get_attribute("data-substep")
        for page in (teacher, ada, ben):
            page.page.wait_for_function(
                "s => document.querySelector('#substeps')?.dataset.substep === s", arg=substep
            )

        teacher.screenshot("class-practice-teacher.png")
        ben.screenshot("class-practice-student.png")

        # the projector without names: the counts stay
        teacher.page.get_by_test_id("practice-anonymous").check()
        teacher.page.wait_for_function(
            "() => !document.querySelector('[data-testid=practice-student]')"
        )
        assert mistake.get_attribute("data-count") == "1"
        assert "Ada" not in teacher.page.get_by_test_id("practice-dashboard").inner_text()

        with teacher.page.expect_download() as download:
            teacher.click("practice-export")
        lines = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
        by_seed = {int(line["seed"]): line for line in lines}
        assert by_seed[seed_a]["nickname"] == "<b>Ada</b> 🙂"
        assert by_seed[seed_a]["solved"] == "1" and by_seed[seed_b]["sign_error"] == "1"

        for app in (teacher, ada, ben):
            app.watch.assert_clean()
