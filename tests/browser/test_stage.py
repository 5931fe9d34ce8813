"""The classroom stage at the sizes classrooms project (1024×768, 1280×720, 1920×1080) and on a
phone (390×844): nothing overflows sideways, the sub-step panel stays inside the window, the
numbers are large enough for the back row, and walking the sub-steps never moves or zooms the
diagram. Screenshots go to test-artifacts/ to be looked at."""

from typing import Any

import pytest

from tests.browser.conftest import Page, browsing

PROJECTORS = [(1024, 768), (1280, 720), (1920, 1080)]
PHONE = (390, 844)
SUBSTEPS = 20  # sigmoid, squared error, biases fixed: the worked example's iteration

# The smallest font of the numbers the class reads, by projector width.
SMALLEST = {1024: 18, 1280: 18, 1920: 24}

# Every element reaching past the window's right edge, outside the boxes that scroll or clip
# sideways (the phone's diagram, a long formula, the curve while it follows its box).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p); if (s.overflowX !== 'visible') return true; }
    return false; };
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    if (!el.getClientRects().length) return false;
    const r = el.getBoundingClientRect();
    return r.right > width + 0.5 && !scrolls(el)
      && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.visually-hidden');
  }).map(el => el.id || el.dataset.testid || el.className.baseVal || el.className || el.tagName);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""

# The rendered size of every number the diagram shows: font size times the SVG's scale.
DIAGRAM_NUMBERS_JS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(t => t.getClientRects().length && getComputedStyle(t).visibility !== 'hidden'
               && t.textContent.trim())
  .map(t => ({text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize)
                                              * t.getScreenCTM().a}))"""

# The rendered size of every number in the formulas shown (sub-step panel and cards).
FORMULA_NUMBERS_JS = """() => [...document.querySelectorAll(
    '#substeps:not([hidden]) mn[data-value], .cards-panel:not([hidden]) mn[data-key]')]
  .filter(n => n.getClientRects().length && !n.closest('[hidden]'))
  .map(n => ({text: n.textContent, px: parseFloat(getComputedStyle(n).fontSize)}))"""

RECT_JS = """(selector) => { const el = document.querySelector(selector);
  if (!el || !el.getClientRects().length) return null;
  const r = el.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width,
          height: r.height}; }"""

# Each formula line of the sub-step panel, top to bottom, with the panel's box.
FORMULA_LINES_JS = """() => {
  const panel = document.querySelector('#substeps').getBoundingClientRect();
  const lines = [...document.querySelectorAll('#substeps math')]
    .filter(m => m.getClientRects().length).map(m => { const r = m.getBoundingClientRect();
      return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
              scrolls: m.scrollWidth > m.clientWidth + 1}; });
  const box = {left: panel.left, top: panel.top, right: panel.right, bottom: panel.bottom};
  return {panel: box, lines};
}"""


def window(page: Any) -> dict[str, float]:
    return page.evaluate("() => ({width: document.documentElement.clientWidth,"
                         " height: document.documentElement.clientHeight})")


def rect(page: Any, selector: str) -> dict[str, float]:
    box = page.evaluate(RECT_JS, selector)
    assert box is not None, f"{selector} is not shown"
    return box


def on_screen(page: Any, selector: str) -> bool:
    box = page.evaluate(RECT_JS, selector)
    if box is None or box["width"] < 1 or box["height"] < 1:
        return False
    view = window(page)
    return (box["left"] >= -0.5 and box["top"] >= -0.5
            and box["right"] <= view["width"] + 0.5 and box["bottom"] <= view["height"] + 0.5)


def assert_no_sideways_overflow(page: Any) -> None:
    found = page.evaluate(OVERFLOW_JS)
    assert found["scrollWidth"] <= found["width"], found
    assert found["wide"] == [], found


def smallest(numbers: list[dict[str, Any]]) -> float:
    assert numbers, "no number found"
    return min(n["px"] for n in numbers)


def present(app: Page) -> None:
    app.page.get_by_test_id("presentation-toggle").click()
    app.page.wait_for_function("() => document.body.classList.contains('presenting')")
    app.page.evaluate("() => document.activeElement.blur()")
    # a curve drawn already redraws itself for its new box (one not drawn yet is drawn for it)
    app.page.wait_for_function(
        "() => { const box = document.querySelector('[data-testid=loss-chart]');"
        " const svg = box.querySelector('.main-svg');"
        " return !svg || Math.abs(svg.getBoundingClientRect().height - box.clientHeight) < 1.5"
        " && Math.abs(svg.getBoundingClientRect().width - box.clientWidth) < 1.5; }")


def step_once(app: Page) -> None:
    app.click("step")
    app.wait_iteration("1")


def next_substep(app: Page, index: int) -> None:
    """Go to sub-step `index` (0-based) with the button and wait until the panel shows it."""
    app.click("substep-next")
    app.page.wait_for_function(
        "i => { const p = document.querySelector('[data-testid=substep-panel]');"
        " return !p.hidden && p.dataset.index === String(i); }", arg=index,
    )


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize(("width", "height"), PROJECTORS, ids=lambda v: str(v))
def test_projector_layout(browser: Any, server: Any, width: int, height: int,
                          presenting: bool) -> None:
    mode = "present" if presenting else "normal"
    with browsing(browser, server, width, height) as app:
        page = app.page
        app.open()
        assert_no_sideways_overflow(page)
        step_once(app)
        if presenting:
            present(app)
        assert_no_sideways_overflow(page)
        if presenting:
            # what the presenter clicks is on screen, and so is what the class reads
            for testid in ("step", "run", "substep-back", "substep-next"):
                assert on_screen(page, f"[data-testid={testid}]"), testid
            assert on_screen(page, "#diagram")
            # the explanation at rest: the first chain-rule card's head and formula, no formula
            # cut off sideways (a long card pages down inside its panel)
            assert on_screen(page, "#cards .card .card-head")
            assert on_screen(page, "#cards .card math")
            assert page.evaluate("() => [...document.querySelectorAll('#cards .card math')]"
                                 ".every(m => m.scrollWidth <= m.clientWidth + 1)")
            if width >= 1280:
                page.locator("[data-testid=loss-chart] .main-svg").first.wait_for()
                assert on_screen(page, "[data-testid=loss-chart] .main-svg")
            floor = SMALLEST[width]
            assert smallest(page.evaluate(DIAGRAM_NUMBERS_JS, "#diagram .value")) >= floor
            assert smallest(page.evaluate(FORMULA_NUMBERS_JS)) >= floor
        app.screenshot(f"stage-{width}x{height}-{mode}-step.png")

        at_rest = rect(page, "#diagram")
        sizes: list[tuple[float, float, float, float]] = []
        for index in range(SUBSTEPS):
            next_substep(app, index)
            box = rect(page, "#diagram")
            sizes.append((box["left"], box["top"], box["width"], box["height"]))
            assert_no_sideways_overflow(page)
            lines = page.evaluate(FORMULA_LINES_JS)
            panel = lines["panel"]
            for above, below in zip(lines["lines"], lines["lines"][1:], strict=False):
                # formula lines never overlap (side by side in a grid is fine)
                side_by_side = above["right"] <= below["left"] or below["right"] <= above["left"]
                assert side_by_side or above["bottom"] <= below["top"] + 1, (index, above, below)
            for line in lines["lines"]:
                assert line["left"] >= panel["left"] - 0.5 and line["right"] <= panel["right"] + 0.5
            # nothing is cut off: no formula scrolls inside its box, on the laptop view either
            assert not any(line["scrolls"] for line in lines["lines"]), (index, lines["lines"])
            if presenting:
                # the panel is in view
                assert on_screen(page, "[data-testid=substep-panel]"), index
                assert on_screen(page, "#diagram"), index
                floor = SMALLEST[width]
                assert smallest(page.evaluate(DIAGRAM_NUMBERS_JS, "#diagram .value")) >= floor
                assert smallest(page.evaluate(FORMULA_NUMBERS_JS)) >= floor
            if index == 8:
                app.screenshot(f"stage-{width}x{height}-{mode}-substep9.png")
        # highlight, never zoom: one size and place from rest through all twenty sub-steps
        first = (at_rest["left"], at_rest["top"], at_rest["width"], at_rest["height"])
        assert all(abs(a - b) < 0.5 for size in sizes for a, b in zip(size, first, strict=True)), \
            (first, sizes)
        app.watch.assert_clean()


def test_phone(browser: Any, server: Any) -> None:
    width, height = PHONE
    with browsing(browser, server, width, height, is_mobile=True, has_touch=True) as app:
        page = app.page
        app.open()
        assert_no_sideways_overflow(page)
        assert on_screen(page, "[data-testid=step]")
        step_once(app)
        assert_no_sideways_overflow(page)
        assert on_screen(page, "[data-testid=step]")
        # every text of the diagram, labels and subscripts included
        assert smallest(page.evaluate(DIAGRAM_NUMBERS_JS, "#diagram text, #diagram tspan")) >= 14
        # what E_total is, under its number, is read too
        note = page.get_by_test_id("loss-note")
        assert note.is_visible()
        assert note.evaluate("n => parseFloat(getComputedStyle(n).fontSize)") >= 12
        # the largest run the server takes is seen whole in its field
        epochs = page.get_by_test_id("input-epochs")
        epochs.fill("100000")
        assert epochs.evaluate("e => e.scrollWidth <= e.clientWidth")
        app.screenshot("stage-390x844-step.png")
        next_substep(app, 0)
        assert_no_sideways_overflow(page)
        app.watch.assert_clean()


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720)], ids=lambda v: str(v))
def test_projector_layout_with_a_live_class(browser: Any, server: Any, width: int,
                                            height: int) -> None:
    """A class running in presentation mode is one strip: the code readable from the back row,
    the stage and its explanation still in the window, the link and QR code one click away."""
    with browsing(browser, server, width, height) as app:
        page = app.page
        app.open()
        app.click("class-start")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=class-panel]')?.dataset.status === 'open'")
        step_once(app)
        present(app)
        assert_no_sideways_overflow(page)
        for testid in ("step", "run", "substep-back", "substep-next", "class-code", "class-count",
                       "class-show-join", "class-end"):
            assert on_screen(page, f"[data-testid={testid}]"), testid
        assert page.evaluate("() => parseFloat(getComputedStyle("
                             "document.querySelector('[data-testid=class-code]')).fontSize)") >= 18
        assert on_screen(page, "#diagram")
        assert on_screen(page, "#cards .card .card-head")
        assert on_screen(page, "#cards .card math")
        app.screenshot(f"stage-{width}x{height}-class-step.png")
        for index in range(9):
            next_substep(app, index)
            assert on_screen(page, "[data-testid=substep-panel]"), index
        assert_no_sideways_overflow(page)
        assert on_screen(page, "#diagram")
        app.screenshot(f"stage-{width}x{height}-class-substep9.png")

        # the join link and QR code open over the stage; Esc closes them, focus comes back
        show = page.get_by_test_id("class-show-join")
        show.focus()
        show.press("Enter")
        dialog = page.get_by_test_id("class-join-dialog")
        is_open = "() => document.querySelector('[data-testid=class-join-dialog]').open"
        page.wait_for_function(is_open)
        url = app.attr("class-link", "data-url")
        assert url in dialog.inner_text()
        assert dialog.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        assert on_screen(page, "[data-testid=class-join-dialog] img")
        assert page.evaluate("() => document.querySelector('[data-testid=class-join-dialog]')"
                             ".contains(document.activeElement)")
        # the lesson's keys wait while the dialog is open
        page.keyboard.press("ArrowRight")
        assert page.get_by_test_id("substep-panel").get_attribute("data-index") == "8"
        app.screenshot(f"stage-{width}x{height}-class-join.png")
        page.keyboard.press("Escape")
        page.wait_for_function(f"() => !({is_open})()")
        assert page.evaluate("() => document.activeElement?.dataset.testid") == "class-show-join"
        assert page.evaluate("() => document.body.classList.contains('presenting')")
        # the rest of the walk, each sub-step whole under the strip (the two paths into a hidden
        # neuron side by side at 1280×720)
        for index in range(9, SUBSTEPS):
            next_substep(app, index)
            assert on_screen(page, "[data-testid=substep-panel]"), index
            if index == 11:
                app.screenshot(f"stage-{width}x{height}-class-substep12.png")
        app.watch.assert_clean()
