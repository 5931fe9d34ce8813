"""The live class on the stage: a poll keeps its answer off every screen, the DOM and the socket
until the reveal; a following student never drifts; a teacher's reload mid-walk brings the
class back to the same sub-step; End class in presentation says so."""

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.browser.classroom import (
    join_by_link,
    live_class,
    open_poll,
    start_class,
    wait_count,
    wait_responses,
    wait_status,
    walk_to,
)
from tests.browser.conftest import Page, Server, browsing
from tests.helpers import RunningApp, free_port, redis_server, start_app

# Everything a page holds outside the poll's list of choices: its text (hidden text too), every
# attribute (titles, aria labels, data-value), the SVG <title>s.
PAGE_OUTSIDE_POLL = """() => {
  const poll = document.querySelector('.class-poll');
  const parts = [];
  const walker = document.createTreeWalker(
    document.documentElement, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (poll && poll.contains(node)) continue;
    if (node.nodeType === Node.TEXT_NODE) {
      const tag = node.parentElement?.tagName;
      if (tag && !['SCRIPT', 'STYLE'].includes(tag)) parts.push(node.textContent);
    } else {
      for (const attribute of node.attributes) parts.push(attribute.value);
    }
  }
  return parts.join('\\n');
}"""


@pytest.fixture(scope="module")
def two_instances() -> Iterator[tuple[Server, Server]]:
    with redis_server() as url:
        ports = [free_port(), free_port()]
        apps: list[RunningApp] = [start_app(port, env={"REDIS_URL": url}) for port in ports]
        try:
            yield Server(apps[0].origin), Server(apps[1].origin)
        finally:
            for app in apps:
                app.stop()


def record_frames(app: Page) -> list[dict[str, Any]]:
    """The messages the page's class socket receives, as they arrive."""
    frames: list[dict[str, Any]] = []

    def on_socket(socket: Any) -> None:
        socket.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    app.page.on("websocket", on_socket)
    return frames


def assert_socket_keeps(frames: list[dict[str, Any]], hidden: list[float]) -> None:
    """From the poll's opening to its reveal no message marks the right choice: no `correct`,
    no mistakes, and no hidden value outside the poll's list of choices."""
    kinds = [frame["type"] for frame in frames]
    opened = kinds.index("poll")
    revealed = kinds.index("poll-reveal")
    assert "state" in kinds[opened:revealed]  # the teacher's state, without the answer
    for frame in frames[opened:revealed]:
        frame = json.loads(json.dumps(frame))
        poll = frame.pop("poll", None)
        if isinstance(poll, dict):
            assert "correct" not in poll, frame
            assert all(set(choice) == {"value"} for choice in poll["choices"]), poll
        text = json.dumps(frame)
        for value in hidden:
            assert repr(value) not in text, f"{value!r} sent in a {frame['type']} message"


def assert_page_keeps(app: Page, hidden: list[float], shown_as: list[str]) -> None:
    """Nothing outside the poll's choices shows or holds a hidden value, nor marks a choice."""
    whole = app.page.evaluate(PAGE_OUTSIDE_POLL)
    for value in hidden:
        assert repr(value) not in whole, f"{value!r} on the page"
    for text in shown_as:
        assert text not in whole, f"{text} on the page"
    assert app.page.locator("[data-correct]").count() == 0
    assert app.page.locator(".poll-row.right").count() == 0


def right_choice(app: Page, value: float) -> Any:
    return app.page.locator(f"[data-testid=poll-choice][data-value='{value!r}']")


def poll_withholding(
    teacher: Page, apps: tuple[Page, ...], substep: str, cell: str, right: float
) -> None:
    """Walk to `substep` and open its poll; wait until every page offers the right value
    among the choices and shows "?" in the diagram's `cell` in its place."""
    walk_to(teacher, substep)
    teacher.click("poll-open")
    for app in apps:
        right_choice(app, right).wait_for()
        app.page.wait_for_function(
            "id => document.querySelector(`[data-testid=${id}]`).textContent === '?'", arg=cell)
        app.wait_idle()


def reveal(teacher: Page, apps: tuple[Page, ...], cell: str, right: float) -> None:
    """Reveal the poll; wait until every page marks the right choice and shows its value in the
    diagram's `cell`, to the last digit."""
    teacher.click("poll-reveal")
    for app in apps:
        right_choice(app, right).and_(app.page.locator("[data-correct=true]")).wait_for()
        app.page.wait_for_function(
            "([id, v]) => document.querySelector(`[data-testid=${id}]`).dataset.value === v",
            arg=[cell, repr(right)])


def test_a_poll_keeps_its_answer_off_every_stage_until_the_reveal(
    browser: Any, two_instances: tuple[Server, Server]
) -> None:
    one, two = two_instances
    trace = one.post("/api/step")["trace"]  # the worked example's first update
    with ExitStack() as stack:
        teacher = stack.enter_context(browsing(browser, one, width=1024, height=768))
        first = stack.enter_context(browsing(browser, one))
        second = stack.enter_context(browsing(browser, two, width=1920, height=1080))
        teacher.open()
        code, _ = start_class(teacher)
        frames = {}
        for student in (first, second):
            frames[id(student)] = record_frames(student)
            join_by_link(student, f"{student.server.origin}/?class={code}")
        wait_count(teacher, 2)
        second.page.get_by_test_id("language-select").select_option("zh-Hant")
        teacher.click("lesson-tab-check")  # the gradient check would give ∂E/∂w away
        for student in (first, second):
            student.page.wait_for_function(
                "() => document.querySelector('#lesson-tab-check')"
                ".getAttribute('aria-selected') === 'true'"
            )
        teacher.click("presentation-toggle")

        # a poll on δ_o1: it and what is computed from it stay hidden
        right = trace["deltas"]["o1"]
        follows = [trace["gradients"][w] for w in ("w5", "w6", "w1")] + [trace["deltas"]["h1"]]
        poll_withholding(teacher, (teacher, first, second), "delta-o1", "delta-o1", right)
        shown = right_choice(teacher, right).text_content()
        assert shown and shown[:7] == repr(right)[:7]  # as the page prints it
        for app in (teacher, first, second):
            assert_page_keeps(app, [right, *follows], [shown])
            assert app.page.get_by_test_id("poll-choice").count() >= 2
        assert "0.1401" not in first.page.locator("[data-tab=check]").inner_text()
        first.page.locator("[data-testid=poll-choice]").first.click()

        reveal(teacher, (teacher, first, second), "delta-o1", right)
        assert teacher.page.locator("[data-correct]").count() == 1
        for student in (first, second):
            assert_socket_keeps(frames[id(student)], [right, *follows])
            frames[id(student)].clear()

        # the poll at ∂E/∂w6 the issue saw on every screen
        right = trace["gradients"]["w6"]
        poll_withholding(teacher, (teacher, first, second), "gradient-w6", "grad-w6", right)
        shown = right_choice(teacher, right).text_content() or ""
        assert shown[:7] == repr(right)[:7]
        for app in (teacher, first, second):
            assert_page_keeps(app, [right], [shown])
        title = second.page.get_by_test_id("substep-title").text_content()
        assert title and "w6" in title
        teacher.screenshot("class-poll-projector.png")
        first.screenshot("class-poll-student.png")
        reveal(teacher, (teacher, first, second), "grad-w6", right)
        for student in (first, second):
            assert_socket_keeps(frames[id(student)], [right])

        # End class in presentation says so, on every screen, in the reader's language
        second.click("presentation-toggle")
        teacher.click("class-end")
        for app in (teacher, first, second):
            wait_status(app, "closed")
        assert teacher.page.get_by_test_id("class-status").is_visible()
        assert teacher.text("class-status") == f"Class {code} has ended."
        assert first.text("class-status") == "The teacher ended the class."
        assert second.page.get_by_test_id("class-status").is_visible()
        assert second.text("class-status") == "老師已結束課堂。"
        for app in (teacher, first, second):
            app.watch.assert_clean()


def test_a_following_student_never_drifts(browser: Any, server: Server) -> None:
    with live_class(browser, server) as (teacher, student):
        assert student.page.get_by_test_id("class-follow").is_checked()
        walk_to(teacher, "delta-o2")
        student.page.wait_for_function(
            "() => document.querySelector('#substeps').dataset.substep === 'delta-o2'"
        )

        # Step on a following student's page: it explores alone, and says so
        student.click("step")
        student.wait_iteration("1")
        assert not student.page.get_by_test_id("class-follow").is_checked()
        assert "own" in student.text("class-status")
        assert teacher.text("iteration") == "0"

        # following again: the teacher's iteration and sub-step at once
        student.page.get_by_test_id("class-follow").check()
        student.wait_iteration("0")
        student.page.wait_for_function(
            "() => document.querySelector('#substeps').dataset.substep === 'delta-o2'"
        )

        # → on a following student's page: no silent jump either
        student.click("substep-next")
        student.page.wait_for_function(
            "() => !document.querySelector('[data-testid=class-follow]').checked"
        )
        teacher.click("step")
        teacher.wait_iteration("1")
        student.wait_idle()
        assert "own" in student.text("class-status")
        for app in (teacher, student):
            app.watch.assert_clean()


def test_a_teacher_reload_mid_walk_brings_the_class_back(browser: Any, server: Server) -> None:
    with live_class(browser, server, {"width": 1024, "height": 768}) as (teacher, student):
        teacher.click("presentation-toggle")
        walk_to(teacher, "paths-h1")
        open_poll(teacher, student)

        teacher.page.reload()  # F5, as a clicker sends
        teacher.wait_ready()
        wait_status(teacher, "open")
        for app in (teacher, student):
            app.page.wait_for_function(
                "() => document.querySelector('#substeps').dataset.substep === 'paths-h1'"
            )
            assert app.text("iteration") == "0"
        assert teacher.page.evaluate("document.body.classList.contains('presenting')")
        assert teacher.attr("presentation-toggle", "aria-pressed") == "true"
        assert student.page.get_by_test_id("poll-choice").count() >= 2  # the poll is still open
        assert teacher.page.get_by_test_id("poll-reveal").is_visible()
        assert student.page.get_by_test_id("class-follow").is_checked()

        # while the poll is open the teacher cannot step past its iteration
        teacher.click("step")
        teacher.page.wait_for_function(
            "() => document.querySelector('#message').textContent.includes('Reveal the poll')"
        )
        assert teacher.text("iteration") == "0"
        teacher.click("poll-reveal")
        teacher.click("step")
        teacher.wait_iteration("1")
        student.wait_iteration("1")
        for app in (teacher, student):
            app.watch.assert_clean()


# The open poll's box, and every box of the diagram (neurons, weights, biases) or of the sub-step
# panel that it overlaps; its texts under 18 px.
POLL_OVER_JS = """() => {
  const poll = document.querySelector('.class-poll').getBoundingClientRect();
  const over = r => r.width > 0 && r.height > 0 && r.left < poll.right && poll.left < r.right
    && r.top < poll.bottom && poll.top < r.bottom;
  const covered = [...document.querySelectorAll(
      '#diagram .node-box, #diagram .label-bg, #substeps, #substeps math')]
    .filter(el => over(el.getBoundingClientRect()))
    .map(el => el.closest('[data-testid]')?.dataset.testid || el.id || el.tagName);
  const small = [...document.querySelectorAll('.class-poll *')]
    .filter(el => el.getClientRects().length && [...el.childNodes].some(
      n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
    .filter(el => parseFloat(getComputedStyle(el).fontSize) < 18)
    .map(el => el.textContent);
  return {poll: {left: poll.left, top: poll.top, right: poll.right, bottom: poll.bottom},
          covered, small, width: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1920, 1080)],
                         ids=lambda v: str(v))
def test_an_open_poll_lies_over_neither_the_diagram_nor_the_substep(
    browser: Any, server: Server, width: int, height: int
) -> None:
    """On the projector and on a student's screen in presentation, from the poll's opening to
    after its reveal, at δ_o1 (o1 highlighted), ∂E/∂w5 (w5) and ∂E/∂out_h1 (five choices)."""
    size = {"width": width, "height": height}
    with live_class(browser, server, size, [size]) as (teacher, student):
        for app in (teacher, student):
            app.click("presentation-toggle")
            app.page.wait_for_function("() => document.body.classList.contains('presenting')")
        for substep in ("delta-o1", "gradient-w5", "paths-h1"):
            walk_to(teacher, substep)
            open_poll(teacher, student)
            student.page.get_by_test_id("poll-choice").first.click()
            wait_responses(teacher, 1)
            for moment in ("open", "revealed"):
                for app, who in ((teacher, "teacher"), (student, "student")):
                    app.page.evaluate("() => document.activeElement.blur()")
                    app.wait_still()
                    app.screenshot(f"poll-{width}x{height}-{substep}-{moment}-{who}.png")
                    found = app.page.evaluate(POLL_OVER_JS)
                    where = (substep, moment, who, found["poll"])
                    assert found["covered"] == [], where
                    assert found["small"] == [], where
                    assert found["poll"]["left"] >= 0 and found["poll"]["top"] >= 0, where
                    assert found["poll"]["right"] <= found["width"] + 0.5, where
                    # the walk's sub-step is still there to read, its heading in the window
                    title = app.page.get_by_test_id("substep-title").bounding_box()
                    assert title and title["y"] + title["height"] <= height, where
                if moment == "open":
                    teacher.click("poll-reveal")
                    student.page.get_by_test_id("poll-verdict").wait_for()
            teacher.click("poll-close")
            teacher.page.get_by_test_id("poll-question").wait_for(state="detached")
        for app in (teacher, student):
            app.watch.assert_clean()
