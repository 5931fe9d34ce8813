"""What a presenter relies on: Undo after Reset or a step from an earlier iteration, the keys of
a clicker and of presentation tools (→ ← Space PageDown PageUp, B, L, Esc), focus that stays in
an open overlay and comes back, and arrows that never change a list after choosing from it."""

from typing import Any

from tests.browser.conftest import Page


def substep_index(app: Page) -> int | None:
    return app.page.evaluate(
        "() => { const p = document.querySelector('[data-testid=substep-panel]');"
        " return p.hidden ? null : Number(p.dataset.index); }")


def wait_substep(app: Page, index: int | None) -> None:
    app.page.wait_for_function(
        "i => { const p = document.querySelector('[data-testid=substep-panel]');"
        " return i === null ? p.hidden : !p.hidden && p.dataset.index === String(i); }", arg=index)


def undo(app: Page, says: str, back_to: str, points: int) -> None:
    """Check the notice says `says`, click Undo, and wait for iteration `back_to` and its curve."""
    notice = app.page.get_by_test_id("undo-notice")
    notice.wait_for()
    assert says in (notice.text_content() or "")
    app.click("undo")
    app.wait_iteration(back_to)
    app.wait_points(points)
    notice.wait_for(state="hidden")


def test_undo_brings_back_what_reset_discarded(app_page: Page) -> None:
    app, page = app_page, app_page.page
    for k in range(1, 4):
        app.click("step")
        app.wait_iteration(str(k))
    before = {name: app.value(f"weight-{name}") for name in ("w1", "w5")}
    loss = app.value("loss")
    assert page.get_by_test_id("undo-notice").is_hidden()
    app.click("reset")
    app.wait_iteration("0")
    app.wait_points(1)
    undo(app, "Reset", "3", 4)
    assert {name: app.value(f"weight-{name}") for name in ("w1", "w5")} == before
    assert app.value("loss") == loss
    # Ctrl+Z does the same
    page.locator("body").press("r")
    app.wait_iteration("0")
    page.locator("body").press("Control+z")
    app.wait_iteration("3")
    app.wait_points(4)


def test_undo_brings_back_the_iterations_a_step_from_the_past_discarded(app_page: Page) -> None:
    app, page = app_page, app_page.page
    app.run(200)
    app.wait_points(201)
    latest = app.value("loss")
    page.get_by_test_id("history-slider").fill("50")
    app.wait_iteration("50")
    app.click("step")
    app.wait_iteration("51")
    app.wait_points(52)
    undo(app, "51–200", "50", 201)
    page.get_by_test_id("history-slider").fill("200")
    app.wait_iteration("200")
    assert app.value("loss") == latest


def test_clicker_keys_walk_the_substeps_wherever_focus_is(app_page: Page) -> None:
    app, page = app_page, app_page.page
    body = page.locator("body")
    body.press("PageDown")
    wait_substep(app, 0)
    body.press("Space")
    wait_substep(app, 1)
    body.press("ArrowRight")
    wait_substep(app, 2)
    body.press("PageUp")
    wait_substep(app, 1)
    body.press("ArrowLeft")
    wait_substep(app, 0)
    # after choosing a language, → moves the lesson on, not the language
    language = page.get_by_test_id("language-select")
    language.select_option("en")
    language.focus()
    language.press("ArrowRight")
    wait_substep(app, 1)
    assert language.input_value() == "en"
    # the digits list too, and the timeline
    digits = page.get_by_test_id("precision")
    digits.focus()
    digits.press("PageDown")
    wait_substep(app, 2)
    assert digits.input_value() == "0"
    # a text field keeps its own keys
    epochs = page.get_by_test_id("input-epochs")
    epochs.focus()
    epochs.press("ArrowLeft")
    epochs.press("Space")
    assert substep_index(app) == 2
    app.watch.assert_clean()


def test_escape_closes_the_worksheet_and_focus_returns(app_page: Page) -> None:
    app, page = app_page, app_page.page
    button = page.get_by_test_id("print-view")
    button.focus()
    button.press("Enter")
    page.get_by_test_id("worksheet").wait_for()
    # Tab never leaves the open worksheet
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("() => Boolean(document.activeElement.closest('#worksheet'))"
                             " || document.activeElement === document.body")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Escape")
    page.get_by_test_id("worksheet").wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.id") == "print-view"
    assert page.evaluate("() => [...document.body.children].every(e => !e.inert)")
    app.watch.assert_clean()
    # the keys' list: Esc closes it and focus comes back to its button
    keys = page.get_by_test_id("keys-button")
    keys.focus()
    keys.press("Enter")
    page.get_by_test_id("keys-help").wait_for()
    page.keyboard.press("Escape")
    page.get_by_test_id("keys-help").wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.id") == "keys-button"


def test_b_blanks_the_screen_and_any_key_brings_it_back(app_page: Page) -> None:
    app, page = app_page, app_page.page
    assert substep_index(app) is None
    body = page.locator("body")
    body.press("b")
    page.wait_for_function("() => document.body.classList.contains('blanked')")
    assert page.evaluate("() => getComputedStyle(document.body, '::after').backgroundColor") \
        == "rgb(0, 0, 0)"
    body.press("ArrowRight")  # brings the page back and does nothing else
    page.wait_for_function("() => !document.body.classList.contains('blanked')")
    assert substep_index(app) is None
    body.press("ArrowRight")
    wait_substep(app, 0)


def test_l_shows_the_curve_in_place_of_the_explanation_at_1024(browser: Any, server: Any) -> None:
    from tests.browser.conftest import browsing
    from tests.browser.test_stage import on_screen, present

    with browsing(browser, server, 1024, 768) as app:
        app.open()
        app.click("step")
        app.wait_iteration("1")
        present(app)
        assert not on_screen(app.page, "[data-testid=loss-chart]")
        app.page.locator("body").press("l")
        app.page.wait_for_function(
            "() => { const box = document.querySelector('[data-testid=loss-chart]');"
            " const svg = box.querySelector('.main-svg'); const r = box.getBoundingClientRect();"
            " return r.bottom <= innerHeight && r.height > 150 && svg"
            " && Math.abs(svg.getBoundingClientRect().height - box.clientHeight) < 1.5; }")
        assert on_screen(app.page, "[data-testid=loss-chart]")
        assert on_screen(app.page, "#diagram")
        app.page.keyboard.press("Escape")
        app.page.wait_for_function("() => !document.body.classList.contains('showing-curve')")
        app.watch.assert_clean()


def test_a_copied_link_reproduces_the_screen_in_a_fresh_browser(browser: Any, server: Any) -> None:
    from tests.browser.conftest import browsing

    with browsing(browser, server) as app:
        app.open()
        app.run(300)
        for k in (301, 302):
            app.click("step")
            app.wait_iteration(f"{k:,}")
        app.wait_points(303)
        url = app.attr("copy-link", "data-url")
        shown = {
            "weights": {f"w{i}": app.value(f"weight-w{i}") for i in range(1, 9)},
            "before": {f"w{i}": app.attr(f"weight-w{i}", "data-before") for i in range(1, 9)},
            "loss": app.value("loss"),
            "curve": app.chart_points(),
        }
        app.watch.assert_clean()
    assert "#" in url
    with browsing(browser, server) as fresh:
        fresh.page.goto(url)
        fresh.wait_iteration("302")
        fresh.wait_points(303)
        assert {f"w{i}": fresh.value(f"weight-w{i}") for i in range(1, 9)} == shown["weights"]
        assert {f"w{i}": fresh.attr(f"weight-w{i}", "data-before")
                for i in range(1, 9)} == shown["before"]
        assert fresh.value("loss") == shown["loss"]
        assert fresh.chart_points() == shown["curve"]
        fresh.watch.assert_clean()


def test_the_first_minute_one_cue_one_primary_button_and_names_that_say_what(
        app_page: Page) -> None:
    app, page = app_page, app_page.page
    cue = page.get_by_test_id("first-cue")
    assert cue.is_visible()
    assert "Step" in (cue.text_content() or "")
    primary = page.evaluate("() => [...document.querySelectorAll('.bar .primary,"
                            " .teachbar .primary, .stage .primary')]"
                            ".filter(b => b.getClientRects().length).map(b => b.dataset.testid)")
    assert primary == ["step"]
    assert page.get_by_role("textbox", name="w5 = 0.4, edit").count() == 1
    assert page.get_by_role("button", name="w5 = 0.4, show its chain rule").count() == 1
    app.click("step")
    app.wait_iteration("1")
    cue.wait_for(state="hidden")
    assert page.get_by_role(
        "button", name="w5 = 0.4 → 0.35891648, show its chain rule").count() == 1
    assert app.attr("weight-w5", "data-before") == "0.4"
    # the boxes show the forward pass the update came from; E_total above, the new weights'
    assert app.text("diagram-caption") == "boxes: iteration 0"
    assert app.text("loss-note") == "new weights"
    app.watch.assert_clean()


def test_presentation_mode_has_no_serious_accessibility_violation(
        browser: Any, server: Any) -> None:
    from tests.browser.conftest import browsing
    from tests.browser.test_a11y import violations
    from tests.browser.test_stage import present

    for width, height in ((1024, 768), (1920, 1080)):
        with browsing(browser, server, width, height, bypass_csp=True) as app:
            page = app.page
            app.open()
            present(app)
            assert violations(page) == []
            app.click("step")
            app.wait_iteration("1")
            page.locator("body").press("r")
            app.wait_iteration("0")
            page.get_by_test_id("undo-notice").wait_for()
            assert violations(page) == []
            page.locator("body").press("Control+z")
            app.wait_iteration("1")
            page.get_by_test_id("card-w1").get_by_test_id("factor-dnet_h1_dw1").focus()
            assert violations(page) == []
            page.locator("body").press("ArrowRight")
            wait_substep(app, 0)
            assert violations(page) == []
            app.watch.assert_clean()


def test_the_landscape_shows_curvature_and_keeps_the_whole_path(app_page: Page) -> None:
    from tests.browser.test_lessons import open_tab

    app, page = app_page, app_page.page
    open_tab(app, "landscape")
    plot = "document.querySelector('[data-testid=landscape-plot]')"
    page.wait_for_function(f"() => {plot}.data && {plot}.dataset.points === '1'")
    z = page.evaluate(f"() => {plot}.data[0].z")
    # the error bends along both default axes: through the middle, each way, the slope changes
    # by more than a fifth of its largest size (a plane, or a direction with no effect, would not)
    mid = len(z) // 2

    def bends(values: list[float]) -> bool:
        slopes = [b - a for a, b in zip(values, values[1:], strict=False)]
        return max(slopes) - min(slopes) > 0.2 * max(map(abs, slopes))

    assert bends(z[mid]) and bends([row[mid] for row in z])
    app.run(10_000)
    page.wait_for_function(f"() => {plot}.dataset.points === '402'")
    drawn = page.evaluate("() => { const d = document.querySelector('[data-testid=landscape-plot]')"
                          ".data; return {sx: d[0].x, sy: d[0].y, px: d[1].x, py: d[1].y}; }")
    assert min(drawn["sx"]) <= min(drawn["px"]) and max(drawn["px"]) <= max(drawn["sx"])
    assert min(drawn["sy"]) <= min(drawn["py"]) and max(drawn["py"]) <= max(drawn["sy"])
    app.watch.assert_clean()
