"""The lesson in front of a room, in presentation mode: every chain-rule card seen whole with a
clicker's keys alone (a page at a time, nothing cut, nothing under 18 px), during a walk too;
every text on screen large enough for the back row at load, after Step and at every sub-step;
E_total said in words; → after Step walks the update just made; the first screen says how to
walk the worked example."""

import math
from typing import Any

import pytest

from tests.browser.conftest import Page, browsing
from tests.browser.readable import texts, too_small
from tests.browser.test_presenter import substep_index, wait_substep
from tests.browser.test_stage import SUBSTEPS, next_substep, present, step_once

PARAMETERS = [f"w{k}" for k in range(1, 9)] + ["b1", "b2"]
FLOOR = {1024: 18, 1280: 18, 1920: 24}

# The factors of a card that are seen whole: their formula line inside the window, not scrolled
# inside itself, and inside every box above it that clips its overflow.
WHOLE_JS = """(card) => {
  const element = document.querySelector(`[data-testid=card-${card}]`);
  const window_ = {left: 0, top: 0, right: document.documentElement.clientWidth,
                   bottom: document.documentElement.clientHeight};
  const inside = (r, c) => r.left >= c.left - 0.5 && r.top >= c.top - 0.5
    && r.right <= c.right + 0.5 && r.bottom <= c.bottom + 0.5;
  const whole = [];
  for (const factor of element.querySelectorAll('[data-testid^=factor-]')) {
    if (!factor.getClientRects().length) continue;
    const line = factor.closest('math');
    const box = line.getBoundingClientRect();
    if (!inside(box, window_) || line.scrollWidth > line.clientWidth + 1) continue;
    let cut = false;
    for (let above = line.parentElement; above; above = above.parentElement) {
      const style = getComputedStyle(above);
      if ((style.overflowX !== 'visible' || style.overflowY !== 'visible')
          && !inside(box, above.getBoundingClientRect())) cut = true;
    }
    if (!cut) whole.push(factor.dataset.testid);
  }
  return whole;
}"""

CARD_JS = """(card) => { const c = document.querySelector(`[data-testid=card-${card}]`);
  return c && c.getClientRects().length
    ? {page: Number(c.dataset.page), pages: Number(c.dataset.pages)} : null; }"""


def factors(page: Any, card: str) -> set[str]:
    """The factors of the card `name`, but for a part it does not show (a fixed bias's update)."""
    return set(page.evaluate(
        "card => [...document.querySelectorAll(`[data-testid=card-${card}]"
        " [data-testid^=factor-]`)].filter(f => !f.closest('[hidden]'))"
        ".map(f => f.dataset.testid)", card))


def open_card(app: Page, name: str) -> None:
    """Click the weight or bias `name` on the diagram and wait until its card is on screen."""
    cell = f"weight-{name}" if name.startswith("w") else f"bias-{name}"
    app.page.get_by_test_id(cell).click()
    app.page.wait_for_function(f"() => ({CARD_JS})('{name}')?.page === 0")
    app.wait_still()


def page_through(app: Page, name: str, floor: float) -> set[str]:
    """Turn every page of the card `name` with PageDown and Space in turn; return the factors
    seen whole. Every page is checked: the card stays open, its texts >= `floor` px, and the
    keys never move the walk at the same time."""
    page = app.page
    walking_before = substep_index(app)
    shown = page.evaluate(CARD_JS, name)
    assert shown is not None and shown["page"] == 0
    seen: set[str] = set()
    keys = ["PageDown", "Space"]
    for k in range(shown["pages"]):
        assert page.evaluate(CARD_JS, name) == {"page": k, "pages": shown["pages"]}
        seen |= set(page.evaluate(WHOLE_JS, name))
        small = too_small(page, floor, root=f"[data-testid=card-{name}]")
        assert small == [], (name, k, small[:5])
        assert substep_index(app) == walking_before
        if k < shown["pages"] - 1:
            page.keyboard.press(keys[k % 2])
            page.wait_for_function(f"() => ({CARD_JS})('{name}')?.page === {k + 1}")
            app.wait_still()
    return seen


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720)], ids=lambda v: str(v))
def test_every_card_is_seen_whole_with_the_presenters_keys(
        browser: Any, server: Any, width: int, height: int) -> None:
    with browsing(browser, server, width, height) as app:
        page = app.page
        app.open()
        present(app)
        step_once(app)
        for name in PARAMETERS:
            open_card(app, name)
            expected = factors(page, name)
            assert len(expected) >= 3, name
            seen = page_through(app, name, FLOOR[width])
            assert seen == expected, (name, sorted(expected - seen))
            # past the last page the card leaves the stage; that key does nothing else
            page.keyboard.press("PageDown")
            page.wait_for_function(
                "n => !document.querySelector(`.card.current[data-testid=card-${n}]`)"
                " || document.querySelector(`[data-testid=card-${n}]`).dataset.page === '0'",
                arg=name)
            app.wait_still()
            assert substep_index(app) is None
        if width == 1024:
            open_card(app, "w1")
            app.screenshot("projector-1024x768-w1-card.png")
        # the keys are the lesson's again: → walks
        page.keyboard.press("Escape")
        app.wait_still()
        page.keyboard.press("PageDown")
        wait_substep(app, 0)
        app.watch.assert_clean()


def test_a_card_before_the_first_step_is_its_chain_rule_on_one_page(
        browser: Any, server: Any) -> None:
    """Before any Step a card has no numbers: the projector shows its chain rule and "press
    Step", on one page, never pages of blanks."""
    blanks = ("n => [...document.querySelectorAll(`[data-testid=card-${n}] mn[data-key]`)]"
              ".filter(m => m.getClientRects().length).length")
    with browsing(browser, server, 1024, 768) as app:
        app.open()
        present(app)
        for name in ("w5", "w1", "b1"):
            open_card(app, name)
            assert app.page.evaluate(CARD_JS, name) == {"page": 0, "pages": 1}, name
            card = app.page.get_by_test_id(f"card-{name}")
            assert card.locator(".card-pending").is_visible()
            assert card.locator("math").first.is_visible()
            assert app.page.evaluate(blanks, name) == 0, name
        step_once(app)
        app.wait_still()
        assert app.page.evaluate(blanks, "b1") > 0  # the numbers come with the Step
        assert not app.page.get_by_test_id("card-b1").locator(".card-pending").is_visible()
        app.watch.assert_clean()


def test_a_card_opens_during_a_walk_and_the_walk_waits(browser: Any, server: Any) -> None:
    with browsing(browser, server, 1024, 768) as app:
        page = app.page
        app.open()
        present(app)
        step_once(app)
        for index in range(4):
            next_substep(app, index)
        open_card(app, "w1")
        assert page.get_by_test_id("substep-panel").is_hidden()
        # the card's numbers are the walk's update: after Step, the example's first
        first = app.server.post("/api/step")["trace"]
        assert app.value("factor-gradient_w1", "card-w1") == first["gradients"]["w1"]
        expected = factors(page, "w1")
        assert page_through(app, "w1", 18) == expected
        # the last page's PageDown brings the sub-step back, where it was
        page.keyboard.press("PageDown")
        wait_substep(app, 3)
        page.keyboard.press("PageDown")
        wait_substep(app, 4)
        # Esc takes a card off the stage too; B and ? still work over it
        open_card(app, "w6")
        page.keyboard.press("b")
        page.wait_for_function("() => document.body.classList.contains('blanked')")
        page.keyboard.press("PageDown")  # brings the screen back and does nothing else
        page.wait_for_function("() => !document.body.classList.contains('blanked')")
        assert page.evaluate(CARD_JS, "w6")["page"] == 0
        page.keyboard.press("?")
        page.get_by_test_id("keys-help").wait_for()
        page.keyboard.press("Escape")
        page.get_by_test_id("keys-help").wait_for(state="hidden")
        assert page.evaluate(CARD_JS, "w6") is not None
        page.keyboard.press("Escape")
        wait_substep(app, 4)
        app.watch.assert_clean()


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1920, 1080)],
                         ids=lambda v: str(v))
def test_every_text_on_screen_is_readable_from_the_back_row(
        browser: Any, server: Any, width: int, height: int) -> None:
    floor = FLOOR[width]
    with browsing(browser, server, width, height) as app:
        page = app.page
        app.open()
        present(app)
        app.wait_still()

        def check(when: str) -> None:
            shown = texts(page)
            assert len(shown) > 40, when  # the walk sees the stage
            small = too_small(page, floor)
            assert small == [], (when, small[:8])

        check("load")
        step_once(app)
        app.wait_still()
        check("after Step")
        for index in range(SUBSTEPS):
            next_substep(app, index)
            check(f"sub-step {index + 1}")
        app.watch.assert_clean()


def test_the_text_walk_finds_what_is_too_small(app_page: Page) -> None:
    """The walk measures what is drawn: a fraction's parts shrunk by MathML, an SVG text scaled
    down, a script; it skips what is hidden or off screen."""
    page = app_page.page
    page.evaluate("""() => {
      const probe = document.createElement('div');
      probe.id = 'probe';
      probe.style.cssText = 'position: fixed; left: 10px; top: 10px; font-size: 18px';
      probe.innerHTML = '<span>plain</span>'
        + '<math><mfrac><mi>numerator</mi><mi>denominator</mi></mfrac>'
        + '<msub><mi>base</mi><mi>script</mi></msub></math>'
        + '<svg width="100" height="20" viewBox="0 0 200 40">'
        + '<text x="0" y="30" font-size="20">scaled</text></svg>'
        + '<span style="display: none">hidden</span>'
        + '<span style="position: absolute; left: -5000px">away</span>';
      document.body.append(probe);
    }""")
    found = {t["text"]: t for t in texts(page, "#probe")}
    assert set(found) == {"plain", "numerator", "denominator", "base", "script", "scaled"}
    assert found["plain"]["px"] == 18
    # inline math is compact: a fraction's parts are drawn a step smaller
    assert found["numerator"]["px"] < 14 and not found["numerator"]["script"]
    assert found["script"]["script"] and not found["base"]["script"]
    assert found["scaled"]["px"] == 10
    small = {t["text"] for t in too_small(page, 18, root="#probe")}
    assert small == {"numerator", "denominator", "scaled"}
    assert {t["text"] for t in too_small(page, 20, root="#probe")} >= {"plain", "script"}


def test_e_total_after_step_is_said_in_words(browser: Any, server: Any) -> None:
    example = server.post("/api/reset")
    first = server.post("/api/step", {"state": example["state"]})
    with browsing(browser, server, 1024, 768) as app:
        app.open()
        present(app)
        # at load the boxes and E_total are one forward pass
        assert app.text("loss-note") == "= Eₒ₁ + Eₒ₂"
        assert app.text("diagram-caption") == "iteration 0"
        assert math.isclose(app.value("error-o1") + app.value("error-o2"), app.value("loss"),
                            rel_tol=1e-15)
        step_once(app)
        # after Step: E_total is the new weights'; the boxes are the forward pass of iteration
        # 0, the one the update came from, and say so
        assert app.value("loss") == first["loss"]
        assert app.value("error-o1") == first["trace"]["forward"]["E_o1"]
        assert app.text("loss-note") == "new weights"
        assert app.text("diagram-caption") == "boxes: iteration 0"
        assert not math.isclose(app.value("error-o1") + app.value("error-o2"), app.value("loss"))
        # in Chinese too
        app.page.evaluate("() => { const s = document.getElementById('language-select');"
                          " s.value = 'zh-Hans'; s.dispatchEvent(new Event('change')); }")
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=loss-note]').textContent === '新权重'")
        assert app.text("diagram-caption") == "方框：迭代 0"
        app.watch.assert_clean()


def test_after_step_the_arrow_walks_the_update_just_made(app_page: Page) -> None:
    app, page = app_page, app_page.page
    step_once(app)
    on_screen = {"grad-w5": app.value("grad-w5"), "weight-w5": app.value("weight-w5"),
                 "error-o1": app.value("error-o1")}
    page.locator("body").press("ArrowRight")
    wait_substep(app, 0)
    assert app.text("substep-count").startswith("Iteration 0 → 1")
    assert app.text("iteration") == "1"
    for index in range(1, SUBSTEPS):
        page.locator("body").press("PageDown")
        wait_substep(app, index)
        step_id = page.get_by_test_id("substep-panel").get_attribute("data-substep")
        if step_id == "gradient-w5":
            assert app.value("substep-value-gradient_w5") == on_screen["grad-w5"]
        if step_id == "errors":
            assert app.value("substep-value-E_o1") == on_screen["error-o1"]
        if step_id == "updates":
            assert app.value("substep-value-new_w5") == on_screen["weight-w5"]
    # the walk's end changes nothing: the update is on screen already
    page.locator("body").press("ArrowRight")
    wait_substep(app, None)
    app.wait_idle()
    assert app.text("iteration") == "1"
    assert app.value("weight-w5") == on_screen["weight-w5"]
    # the next → walks the next iteration, and its end makes it
    page.locator("body").press("ArrowRight")
    wait_substep(app, 0)
    assert app.text("substep-count").startswith("Iteration 1 → 2")
    for index in range(1, SUBSTEPS):
        page.locator("body").press("Space")
        wait_substep(app, index)
    page.locator("body").press("Space")
    app.wait_iteration("2")
    wait_substep(app, None)
    # an update walked through is not walked again: → goes on to the next
    page.locator("body").press("ArrowRight")
    wait_substep(app, 0)
    assert app.text("substep-count").startswith("Iteration 2 → 3")
    app.watch.assert_clean()


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Walk the worked example"),
    ("zh-Hans", "逐个分步讲解原例"),
    ("zh-Hant", "逐個分步講解原例"),
])
def test_the_first_screen_says_how_to_walk_the_worked_example(
        browser: Any, server: Any, language: str, words: str) -> None:
    with browsing(browser, server, 1024, 768) as app:
        app.open()
        app.page.get_by_test_id("language-select").select_option(language)
        present(app)
        cue = app.page.get_by_test_id("first-cue")
        app.page.wait_for_function(
            "w => document.querySelector('[data-testid=first-cue]').textContent.includes(w)",
            arg=words)
        text = cue.text_content() or ""
        assert "→" in text and "PgDn" in text
        box = cue.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768
        assert too_small(app.page, 18, root="[data-testid=first-cue]") == []
        app.watch.assert_clean()
