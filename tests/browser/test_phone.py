"""A student following a live class on a phone (390×844, touch, device scale 3), the teacher on
a laptop: every number of the diagram and of the sub-step's formula whole inside the screen and
at least 14 px, the class, its poll and the sub-step before any control the teacher drives, poll
buttons that hold their numbers, answer fields with a minus key. Screenshots go to
test-artifacts/ to be looked at."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.classroom import live_class, wait_substep
from tests.browser.conftest import Page, Server, browsing
from tests.browser.test_layout import assert_nothing_overlaps
from tests.browser.test_stage import assert_no_sideways_overflow

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 3}
SMALLEST_PX = 14
SUBSTEPS = 20  # sigmoid, squared error, biases fixed: the worked example's iteration

# Every text of the diagram and of the sub-step's formula that shows a digit, with its box on
# the screen and its size as drawn: an SVG text's font size times the drawing's scale (its
# screen CTM), a formula number's computed font size (MathML scripts and fractions included).
NUMBERS_JS = """() => {
  const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('[hidden]');
  const ownText = el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const svgScale = el => { const m = el.getScreenCTM(); return Math.hypot(m.a, m.b); };
  const diagram = [...document.querySelectorAll('#diagram text, #diagram tspan')]
    .filter(el => shown(el) && /\\d/.test(ownText(el)))
    .map(el => ({where: 'diagram', text: el.textContent.trim(), ...box(el),
                 px: parseFloat(getComputedStyle(el).fontSize) * svgScale(el)}));
  const formula = [...document.querySelectorAll('#substeps [data-testid=substep-formula] mn')]
    .filter(el => shown(el))
    .map(el => ({where: el.dataset.value === undefined ? 'index' : 'formula',
                 text: el.textContent.trim(), ...box(el),
                 px: parseFloat(getComputedStyle(el).fontSize)}));
  return {width: document.documentElement.clientWidth, numbers: [...diagram, ...formula]};
}"""

# Every control on screen above the sub-step panel's top, and the panel's top.
ABOVE_SUBSTEP_JS = """() => {
  const panel = document.querySelector('#substeps');
  const top = panel.getBoundingClientRect().top + scrollY;
  const controls = [...document.querySelectorAll('button, input, select, a[href], [role=button]')]
    .filter(el => el.getClientRects().length && !el.closest('.visually-hidden')
      && getComputedStyle(el).visibility !== 'hidden'
      && el.getBoundingClientRect().top + scrollY < top)
    .map(el => ({id: el.id || el.dataset.testid || el.textContent.trim().slice(0, 20),
                 usable: Boolean(el.closest('#classroom')) || el.id === 'language-select'}));
  return {top, controls};
}"""

# Each poll choice's button and the box its text takes.
POLL_JS = """() => [...document.querySelectorAll('[data-testid=poll-choice]')].map(b => {
  const range = document.createRange(); range.selectNodeContents(b);
  const text = range.getBoundingClientRect(), r = b.getBoundingClientRect();
  return {text: b.textContent, scrolls: b.scrollWidth > b.clientWidth,
          inside: text.left >= r.left && text.right <= r.right && text.top >= r.top
                  && text.bottom <= r.bottom,
          right: r.right}; })"""


def assert_numbers_fit(student: Page, where: str) -> None:
    found = student.page.evaluate(NUMBERS_JS)
    numbers, width = found["numbers"], found["width"]
    assert width == PHONE["width"]
    assert any(n["where"] == "diagram" for n in numbers), where
    outside = [(n["where"], n["text"], round(n["left"]), round(n["right"])) for n in numbers
               if n["left"] < -0.5 or n["right"] > width + 0.5]
    assert outside == [], where
    # every number the class reads; a name's index (the 5 of w₅) is a script, one size down
    small = [(n["where"], n["text"], round(n["px"], 1)) for n in numbers
             if n["where"] != "index" and n["px"] < SMALLEST_PX]
    assert small == [], where


def wait_walk(student: Page, teacher: Page, index: int) -> None:
    teacher.click("substep-next")
    teacher.page.wait_for_function(
        "i => document.querySelector('#substeps').dataset.index === String(i)", arg=index)
    wait_substep(student, teacher)
    student.wait_idle()


@pytest.fixture
def following(browser: Any, server: Server) -> Iterator[tuple[Page, Page]]:
    """A teacher at 1280×720 who has started a class, and a student on a phone following it."""
    with live_class(browser, server, students=[PHONE]) as (teacher, student):
        yield teacher, student
        teacher.watch.assert_clean()
        student.watch.assert_clean()


def test_a_phone_follows_every_substep_with_every_number_on_screen(
        following: tuple[Page, Page]) -> None:
    teacher, student = following
    page = student.page
    # the teacher shows the class in presentation mode; the phone keeps its own layout
    teacher.click("presentation-toggle")
    teacher.page.wait_for_function("() => document.body.classList.contains('presenting')")
    student.wait_idle()
    assert_numbers_fit(student, "before the walk")
    for index in range(SUBSTEPS):
        wait_walk(student, teacher, index)
        where = page.locator("#substeps").get_attribute("data-substep")
        assert page.get_by_test_id("substep-formula").is_visible(), where
        assert_numbers_fit(student, where)
        assert_no_sideways_overflow(page)
        # the sub-step comes before every control the teacher drives
        above = page.evaluate(ABOVE_SUBSTEP_JS)
        assert [c["id"] for c in above["controls"] if not c["usable"]] == [], where
        assert above["top"] < PHONE["height"], where
        if index == 7:
            student.screenshot("phone-following-substep8.png")
    page.evaluate("() => window.scrollTo(0, document.querySelector('#diagram')"
                  ".getBoundingClientRect().top + scrollY)")
    student.screenshot("phone-following-diagram.png")


def test_a_phone_answers_a_poll(following: tuple[Page, Page], server: Server) -> None:
    teacher, student = following
    page = student.page
    for index in range(8):  # to ∂E_total/∂w5, where a poll can be opened
        wait_walk(student, teacher, index)
    assert page.locator("#substeps").get_attribute("data-substep") == "gradient-w5"
    teacher.click("poll-open")
    page.get_by_test_id("poll-choice").first.wait_for()
    student.wait_still()
    choices = page.evaluate(POLL_JS)
    assert any(c["text"].startswith("−") for c in choices)  # the sign mistake's negative
    assert [c["text"] for c in choices if c["scrolls"] or not c["inside"]] == []
    assert all(c["right"] <= PHONE["width"] for c in choices)
    # the poll and then the sub-step, before anything the teacher drives
    above = page.evaluate(ABOVE_SUBSTEP_JS)
    assert [c["id"] for c in above["controls"] if not c["usable"]] == []
    assert above["top"] < PHONE["height"]
    assert_numbers_fit(student, "poll")
    student.screenshot("phone-following-poll.png")

    right = server.post("/api/step")["trace"]["gradients"]["w5"]
    page.locator(f"[data-testid=poll-choice][data-value='{right!r}']").tap()
    teacher.page.wait_for_function(
        "() => document.querySelector('[data-testid=poll-results]').dataset.responses === '1'")
    teacher.click("poll-reveal")
    page.get_by_test_id("poll-verdict").wait_for()
    student.wait_still()
    assert student.attr("poll-verdict", "data-right") == "true"
    choices = page.evaluate(POLL_JS)
    assert [c["text"] for c in choices if c["scrolls"] or not c["inside"]] == []
    assert_no_sideways_overflow(page)
    student.screenshot("phone-following-poll-revealed.png")


def test_exploring_alone_brings_the_controls_back(following: tuple[Page, Page]) -> None:
    teacher, student = following
    page = student.page
    assert page.get_by_test_id("step").is_hidden()
    page.get_by_test_id("class-follow").uncheck()
    for testid in ("step", "run", "substep-next", "history-slider", "input-w1"):
        page.get_by_test_id(testid).wait_for()
    # a weight may be negative: typed on the phone's keyboard and applied
    field = page.get_by_test_id("input-w1")
    field.fill("-0.3")
    page.get_by_test_id("apply-inputs").tap()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=weight-w1]').dataset.value === '-0.3'")
    assert_numbers_fit(student, "exploring")
    assert_no_sideways_overflow(page)
    page.get_by_test_id("class-follow").check()
    page.get_by_test_id("step").wait_for(state="hidden")
    student.wait_iteration(teacher.text("iteration"))


# Every field on a page that takes a number that may be negative: a weight, a bias, an input,
# a target, a practice answer.
SIGNED_FIELDS = "#editor input, input.answer"
NO_MINUS_KEY = {"decimal", "numeric", "tel"}  # iOS's pads for these have no minus key


@pytest.mark.parametrize("path", ["/", "/practice"])
def test_signed_fields_offer_a_minus_key(browser: Any, server: Server, path: str) -> None:
    with browsing(browser, server, **PHONE) as phone:
        phone.page.goto(server.origin + path)
        phone.page.locator(SIGNED_FIELDS).first.wait_for()
        fields = phone.page.evaluate(
            "s => [...document.querySelectorAll(s)].map(i => ({id: i.id, type: i.type,"
            " mode: i.inputMode || i.getAttribute('inputmode') || ''}))", SIGNED_FIELDS)
        assert fields
        assert [f["id"] for f in fields
                if f["type"] != "text" or f["mode"] in NO_MINUS_KEY] == []  # fmt: skip
        phone.watch.assert_clean()


def test_a_phone_outside_a_class(browser: Any, server: Server) -> None:
    """Normal use on the phone: every control there, the diagram turned and whole, its numbers
    readable after a step and during a walk."""
    with browsing(browser, server, **PHONE) as phone:
        page = phone.page
        phone.open()
        assert page.locator("#diagram").get_attribute("data-layout") == "tall"
        for testid in ("step", "run", "substep-next", "class-start"):
            assert page.get_by_test_id(testid).is_visible(), testid
        phone.click("step")
        phone.wait_iteration("1")
        phone.wait_still()
        assert_numbers_fit(phone, "after a step")
        assert_no_sideways_overflow(page)
        assert_nothing_overlaps(page)
        phone.screenshot("phone-alone-step.png")
        phone.click("substep-next")
        page.wait_for_function("() => !document.querySelector('#substeps').hidden")
        phone.wait_idle()
        assert_numbers_fit(phone, "walking")
        # long numbers, after many updates and while Play runs
        phone.run(100_000, reaching=100_001)
        phone.wait_still()
        assert_numbers_fit(phone, "after a run")
        assert_nothing_overlaps(page)
        phone.screenshot("phone-alone-run.png")
        phone.watch.assert_clean()


def test_the_diagram_turns_with_the_window(browser: Any, server: Server) -> None:
    """A window made narrow draws the network top to bottom, made wide again left to right, the
    same numbers in both."""
    with browsing(browser, server, 1280, 720) as app:
        page = app.page
        app.open()
        app.click("step")
        app.wait_iteration("1")
        wide = app.value("weight-w5")
        assert page.locator("#diagram").get_attribute("data-layout") == "wide"
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(
            "() => document.querySelector('#diagram').dataset.layout === 'tall'"
            " && document.querySelector('[data-testid=weight-w5]')?.dataset.value")
        app.wait_idle()
        assert app.value("weight-w5") == wide
        assert app.text("weight-w5") != ""
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_function("() => document.querySelector('#diagram').dataset.layout === 'wide'")
        app.wait_idle()
        assert app.value("weight-w5") == wide
        app.watch.assert_clean()
