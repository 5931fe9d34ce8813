"""`make screenshots`: the README's pictures, taken again from the running app in Chromium.

Writes static/screenshots/: presentation mode at 1024×768 and 1280×720 after Step, on sub-step 9
and on the w1 card (its first page and, after PageDown, its second); the practice page at
level 3 with a named mistake, a hint and part of the worked solution; a live class with a
revealed poll, as the teacher and as a student sees it; a poll still open, as the projector and
as the students see it (its value withheld); a phone (390×844, device scale 3) following the
class at ∂E_total/∂w5, with the poll open; XOR on 2-3-3-2 with w1 selected, on the projector and
on a phone; the editor of XOR on 2-3-1 with its shape, rows of data and training open; XOR on
2-2-1 learnt in 3,000 epochs: its network, and its rows beside the output over the input square.
Every picture is taken once the page says it is done and nothing moves, never after a pause.
"""

from pathlib import Path
from typing import Any

from tests.browser.classroom import live_class, open_poll, wait_responses, wait_substep, walk_to
from tests.browser.conftest import Page, Server, browsing, launch
from tests.browser.test_phone import PHONE
from tests.browser.test_practice import (
    answer,
    correct_values,
    exercise,
    mistake_of,
    open_practice,
    wait_steps_shown,
)
from tests.browser.test_stage import next_substep, present, step_once
from tests.helpers import ROOT, serving

SCREENSHOTS = ROOT / "static" / "screenshots"
PROJECTORS = [(1024, 768), (1280, 720)]


def take(app: Page, name: str, full_page: bool = False) -> Path:
    app.wait_still()
    path = SCREENSHOTS / name
    app.page.screenshot(path=str(path), full_page=full_page)
    print(path.relative_to(ROOT))
    return path


def take_panel(app: Page, selector: str, name: str) -> Path:
    """The element `selector` where it lies in the whole page, the page scrolled to its top so
    that the header's sticky bar covers none of it."""
    app.page.evaluate("() => scrollTo(0, 0)")
    app.wait_still()
    box = app.page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
        return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }""",
        selector)
    path = SCREENSHOTS / name
    app.page.screenshot(path=str(path), full_page=True, clip=box)
    print(path.relative_to(ROOT))
    return path


def take_each(shots: list[tuple[Page, str]]) -> None:
    """Each page's picture, with nothing focused; then each page checked clean."""
    for app, _ in shots:
        app.page.evaluate("() => document.activeElement.blur()")
    for app, name in shots:
        take(app, name)
    for app, _ in shots:
        app.watch.assert_clean()


def presentation(browser: Any, server: Server, width: int, height: int) -> None:
    """After Step, on sub-step 9 (∂E_total/∂w6) and on the w1 card after the next Step, opened as a
    presenter does (a click on w1) and turned to its next page with PageDown."""
    with browsing(browser, server, width, height) as app:
        app.open()
        step_once(app)
        present(app)
        take(app, f"present-{width}x{height}-step.png")
        for index in range(9):
            next_substep(app, index)
        take(app, f"present-{width}x{height}-substep9.png")
        app.click("step")
        app.wait_iteration("2")
        app.page.get_by_test_id("weight-w1").click()
        card = app.page.get_by_test_id("card-w1")
        card.wait_for()
        app.page.wait_for_function("() => document.querySelector('[data-testid=card-w1]')"
                                   ".dataset.page === '0'")
        app.page.evaluate("() => document.activeElement.blur()")
        take(app, f"present-{width}x{height}-w1-card.png")
        app.page.keyboard.press("PageDown")
        app.page.wait_for_function("() => document.querySelector('[data-testid=card-w1]')"
                                   ".dataset.page === '1'")
        take(app, f"present-{width}x{height}-w1-card-2.png")
        app.watch.assert_clean()


def practice(browser: Any, server: Server) -> None:
    """Level 3: two right answers, a named mistake, an unexplained one, eleven solution steps."""
    level = 3
    drawn = exercise(server, level)
    values = correct_values(drawn)
    with browsing(browser, server, 1280, 720) as app:
        open_practice(app, level)
        for name in ("dE_dout_h1", "dout_h1_dnet_h1"):
            answer(app, name, f"{values[name]:.5g}")
        name, wrong, _ = mistake_of(level, drawn)
        answer(app, name, f"{wrong:.7f}")  # as a student writes it, no exponent
        answer(app, "w1_new", "0.36")
        for shown in range(1, 12):
            app.click("solution-next")
            wait_steps_shown(app, shown)
        app.page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
        take(app, "practice.png", full_page=True)
        app.watch.assert_clean()


def classroom(browser: Any, server: Server) -> None:
    """A teacher and a student at ∂E_total/∂w5: the poll answered right and revealed."""
    with live_class(browser, server) as (teacher, student):
        walk_to(teacher, "gradient-w5")
        open_poll(teacher, student)
        wait_substep(student, teacher)
        gradient = server.post("/api/step")["trace"]["gradients"]["w5"]  # the example's first
        choice = student.page.locator(f"[data-testid=poll-choice][data-value='{gradient!r}']")
        choice.click()
        wait_responses(teacher, 1)
        teacher.click("poll-reveal")
        student.page.get_by_test_id("poll-verdict").wait_for()
        take_each([(teacher, "class-teacher.png"), (student, "class-student.png")])


def poll_open(browser: Any, server: Server) -> None:
    """A poll on ∂E_total/∂w6 before the reveal: the projector (1024×768, presenting) and a
    student, each with the value withheld ("?") while the class answers."""
    with live_class(browser, server, {"width": 1024, "height": 768}) as (teacher, student):
        present(teacher)
        walk_to(teacher, "gradient-w6")
        open_poll(teacher, student)
        wait_substep(student, teacher)
        for app in (teacher, student):
            app.page.wait_for_function(
                "() => document.querySelector('[data-testid=grad-w6]').textContent === '?'")
        take_each([(teacher, "class-poll-projector.png"), (student, "class-poll-student.png")])


def class_practice(browser: Any, server: Server) -> None:
    """A class's practice at level 2: two students, one answer right, one with the sign flipped;
    the teacher's dashboard with the mistake counted, then with the names hidden."""
    from app import practice as exercises

    with live_class(browser, server, students=[{}, {}]) as (teacher, ada, ben):
        teacher.page.get_by_test_id("practice-level").select_option("2")
        teacher.click("practice-assign")
        for student, answer_id, sign in ((ada, "dE_dout_o1", 1), (ben, "dE_dw5", -1)):
            box = student.page.get_by_test_id("practice")
            box.wait_for()
            seed = int(box.get_attribute("data-seed") or 0)
            right = exercises.answers(exercises.exercise(2, seed).state)[answer_id]
            field = student.page.get_by_test_id(f"answer-{answer_id}")
            field.fill(repr(sign * right))
            field.press("Enter")
            student.page.wait_for_function(
                "id => document.querySelector(`[data-testid=verdict-${id}]`).dataset.correct",
                arg=answer_id)  # fmt: skip
        name = ada.page.get_by_test_id("practice-nickname")
        name.fill("Ada")
        name.press("Enter")
        teacher.page.locator("[data-testid=practice-mistake][data-code=sign_error]").wait_for()
        teacher.page.wait_for_function(
            "() => [...document.querySelectorAll('.practice-name')]"
            ".some(n => n.textContent === 'Ada')")
        for app in (teacher, ben):
            app.page.evaluate("() => document.activeElement.blur()")
        take(teacher, "class-practice-teacher.png")
        take(ben, "class-practice-student.png")
        teacher.page.get_by_test_id("practice-anonymous").check()
        teacher.page.wait_for_function(
            "() => !document.querySelector('[data-testid=practice-student]')")
        take(teacher, "class-practice-anonymous.png")
        for app in (teacher, ada, ben):
            app.watch.assert_clean()


def phone_following(browser: Any, server: Server) -> None:
    """A student's phone following the teacher to ∂E_total/∂w5, then the poll there opened."""
    with live_class(browser, server, students=[PHONE]) as (teacher, student):
        walk_to(teacher, "gradient-w5")
        wait_substep(student, teacher)
        take(student, "phone-following-substep.png")
        open_poll(teacher, student)
        take(student, "phone-following-poll.png")
        teacher.watch.assert_clean()
        student.watch.assert_clean()


def deeper(browser: Any, server: Server) -> None:
    """XOR on 2-3-3-2 after Step at 1280×720 in presentation mode, w1 selected: its numbers in
    the band at the top, its paths marked, the first page of its card; and on a phone."""
    for width, height, name in ((1280, 720, "present-1280x720-deep-2332.png"), (390, 844, None)):
        size = PHONE if name is None else {"width": width, "height": height}
        with browsing(browser, server, **size) as app:
            app.open()
            app.page.select_option("[data-testid=preset]", "deep-2332")
            app.wait_idle()
            step_once(app)
            if name:
                present(app)
            app.page.locator("#diagram .edge[data-param=w1]").dispatch_event("click")
            app.page.get_by_test_id("card-w1").wait_for()
            app.page.evaluate("() => document.activeElement.blur()")
            if name:
                take(app, name)
            else:
                app.wait_still()
                path = SCREENSHOTS / "phone-deep-2332.png"
                app.page.locator("#diagram").screenshot(path=str(path))
                print(path.relative_to(ROOT))
            app.watch.assert_clean()


def editor(browser: Any, server: Server) -> None:
    """The initial values of XOR on 2-3-1 at 1280×720, its shape, rows and training unfolded."""
    with browsing(browser, server) as app:
        app.open()
        app.page.select_option("[data-testid=preset]", "xor-231")
        app.wait_idle()
        app.page.get_by_test_id("input-w9").wait_for()
        app.page.get_by_test_id("editor-shape").locator("summary").click()
        app.page.evaluate("() => document.activeElement.blur()")
        take_panel(app, ".editor-panel", "editor-xor-231.png")
        app.watch.assert_clean()


def xor_learnt(browser: Any, server: Server) -> None:
    """XOR on 2-2-1 after 3,000 epochs at 1280×720: the network, then its rows of data with
    their outputs and the output over the input square, the rows marked."""
    with browsing(browser, server) as app:
        app.open()
        app.page.select_option("[data-testid=preset]", "xor-221")
        app.wait_idle()
        app.page.get_by_test_id("input-w6").wait_for()
        app.run(3000, reaching=4 * 3000)
        app.page.evaluate("() => document.activeElement.blur()")
        take(app, "xor-221-stage.png")
        panel = app.page.get_by_test_id("data-panel")
        panel.scroll_into_view_if_needed()
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=map-plot]')?.dataset.rows === '4'")
        take_panel(app, "#data-panel", "xor-221-data.png")
        app.watch.assert_clean()


def main() -> None:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with serving() as running, sync_playwright() as playwright:
        server = Server(running.origin)
        browser = launch(playwright)
        try:
            for width, height in PROJECTORS:
                presentation(browser, server, width, height)
            practice(browser, server)
            classroom(browser, server)
            poll_open(browser, server)
            class_practice(browser, server)
            phone_following(browser, server)
            deeper(browser, server)
            editor(browser, server)
            xor_learnt(browser, server)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
