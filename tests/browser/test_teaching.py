"""The lesson: one iteration unfolded sub-step by sub-step from a single /api/step, predictions
answered before the value appears, the history timeline, and the keyboard."""

from typing import Any

from tests.browser.conftest import Page

# The worked example's published figures (nine significant digits as printed).
W5_AFTER = 0.35891648
W1_AFTER = 0.149780716


def substep(app: Page) -> str:
    return app.page.get_by_test_id("substep-panel").get_attribute("data-substep") or ""


def visible(app: Page, testid: str) -> bool:
    return app.page.evaluate(
        "id => getComputedStyle(document.querySelector(`#diagram [data-testid=${id}]`)).visibility"
        " === 'visible'", testid)


def count_api(app: Page, path: str) -> int:
    return sum(1 for url in app.watch.requests if url.endswith(path))


PANEL = "document.querySelector('[data-testid=substep-panel]')"


def wait_substep(app: Page, expected: str) -> None:
    app.page.wait_for_function(f"s => {PANEL}.dataset.substep === s", arg=expected)


def wait_walk_over(app: Page) -> None:
    app.page.wait_for_function(f"() => {PANEL}.hidden")


def next_substep(app: Page, expected: str) -> None:
    app.click("substep-next")
    wait_substep(app, expected)


def test_substeps_unfold_one_step_in_the_worked_examples_order(app_page: Page) -> None:
    app = app_page
    steps_before = count_api(app, "/api/step")
    next_substep(app, "forward-h1")
    # h1's values are reached, everything after them is hidden, not stale
    assert visible(app, "net-h1") and visible(app, "out-h1")
    for later in ["net-h2", "out-o1", "error-o1", "delta-o1", "grad-w5", "change-w5", "delta-h1"]:
        assert not visible(app, later), later
    formula = app.page.get_by_test_id("substep-formula")
    net_h1 = formula.get_by_test_id("substep-value-net_h1").get_attribute("data-value")
    assert float(net_h1) == 0.3775
    # what it reads and what it writes are highlighted in the diagram
    assert app.page.locator('#diagram [data-node="h1"].writes').count() == 1
    assert app.page.locator('#diagram .edge[data-param="w1"].reads').count() == 1
    assert app.page.locator('#diagram [data-node="i1"].reads').count() == 1
    assert app.page.locator('#diagram [data-node="o1"].reads').count() == 0

    order = ["forward-h2", "forward-o1", "forward-o2", "errors", "delta-o1", "delta-o2",
             "gradient-w5", "gradient-w6", "gradient-w7", "gradient-w8", "paths-h1", "paths-h2",
             "delta-h1", "delta-h2", "gradient-w1", "gradient-w2", "gradient-w3", "gradient-w4",
             "updates"]
    for expected in order:
        next_substep(app, expected)
        if expected == "gradient-w5":
            value = formula.get_by_test_id("substep-value-gradient_w5").get_attribute("data-value")
            assert abs(float(value) - 0.082167041) < 5e-10
            assert visible(app, "grad-w5") and not visible(app, "grad-w6")
        if expected == "paths-h1":
            assert abs(float(formula.get_by_test_id("substep-value-dE_dout_h1_via_o1")
                             .get_attribute("data-value")) - 0.055399425) < 5e-10
            assert abs(float(formula.get_by_test_id("substep-value-dE_dout_h1_via_o2")
                             .get_attribute("data-value")) + 0.019049119) < 1e-9
    assert app.text("iteration") == "0"  # the iteration is not done until the walk ends
    assert abs(float(formula.get_by_test_id("substep-value-new_w5").get_attribute("data-value"))
               - W5_AFTER) < 5e-9
    assert app.page.locator("#diagram .edge-label.writes").count() == 8
    # one request for the whole walk
    assert count_api(app, "/api/step") == steps_before + 1
    app.click("substep-next")
    app.wait_iteration("1")
    assert app.page.get_by_test_id("substep-panel").is_hidden()
    assert abs(app.value("weight-w5") - W5_AFTER) < 5e-9
    assert abs(app.value("weight-w1") - W1_AFTER) < 5e-10
    assert app.page.get_by_test_id("card-w5").is_visible()
    assert count_api(app, "/api/step") == steps_before + 1


def test_back_goes_one_substep_then_leaves_the_walk(app_page: Page) -> None:
    app = app_page
    next_substep(app, "forward-h1")
    next_substep(app, "forward-h2")
    app.click("substep-back")
    wait_substep(app, "forward-h1")
    assert not visible(app, "net-h2")
    app.click("substep-back")
    wait_walk_over(app)
    assert visible(app, "net-h2")
    assert app.text("iteration") == "0"


def test_shift_right_finishes_the_iteration_at_once(app_page: Page) -> None:
    app = app_page
    next_substep(app, "forward-h1")
    app.page.locator("body").press("Shift+ArrowRight")
    app.wait_iteration("1")
    assert abs(app.value("weight-w5") - W5_AFTER) < 5e-9
    app.page.locator("body").press("Shift+ArrowRight")
    app.wait_iteration("2")


def answer(app: Page, at: str, choice: str) -> Any:
    while substep(app) != at:
        app.click("substep-next")
        app.wait_idle()
    predict = app.page.get_by_test_id("predict")
    assert app.page.get_by_test_id("substep-formula").is_hidden()  # not before the answer
    app.click(f"predict-{choice}")
    answer = app.page.get_by_test_id("predict-answer")
    answer.wait_for()
    assert app.page.get_by_test_id("substep-formula").is_visible()
    return predict, answer


def test_predictions_are_answered_before_the_value_appears(app_page: Page) -> None:
    app = app_page
    app.page.get_by_test_id("predict-toggle").check()
    next_substep(app, "forward-h1")
    # w5: all three factors are positive, so the gradient is positive and w5 goes down
    _, w5 = answer(app, "gradient-w5", "up")
    assert w5.get_attribute("data-correct") == "down"
    assert w5.get_attribute("data-verdict") == "wrong"
    assert not visible(app, "grad-w6")
    assert "positive" in w5.inner_text() and "0.74136507" in w5.inner_text()
    # the path through o1 (0.055399425) outweighs the one through o2 (−0.019049119)
    _, path = answer(app, "paths-h1", "o1")
    assert path.get_attribute("data-correct") == "o1"
    assert path.get_attribute("data-verdict") == "right"
    assert "0.055399425" in path.inner_text() and "−0.01904911" in path.inner_text()
    assert "opposite signs" in path.inner_text()
    # E_total falls: 0.298371109 → 0.291027774
    _, loss = answer(app, "updates", "yes")
    assert loss.get_attribute("data-correct") == "yes"
    assert "0.298371109" in loss.inner_text() and "0.291027774" in loss.inner_text()


def test_next_reveals_an_unanswered_question_without_an_answer(app_page: Page) -> None:
    app = app_page
    app.page.get_by_test_id("predict-toggle").check()
    next_substep(app, "forward-h1")
    while substep(app) != "gradient-w5":
        app.click("substep-next")
        app.wait_idle()
    app.page.get_by_test_id("predict-up").wait_for()
    app.click("substep-next")
    skipped = app.page.get_by_test_id("predict-answer")
    skipped.wait_for()
    assert skipped.get_attribute("data-verdict") == "skipped"
    assert substep(app) == "gradient-w5"


def test_the_timeline_goes_back_and_forth_and_discards_the_future(app_page: Page) -> None:
    app = app_page
    slider = app.page.get_by_test_id("history-slider")
    assert slider.is_disabled()
    for k in range(1, 4):
        app.click("step")
        app.wait_iteration(str(k))
    w5 = {3: app.value("weight-w5")}
    app.run(100, reaching=103)
    assert slider.get_attribute("max") == "103" and slider.input_value() == "103"
    # the loss at iteration 103, as the API computes it from the state at iteration 3
    # ← goes back one iteration: every number, the card and the curve's marker follow
    app.click("substep-back")
    app.wait_iteration("102")
    api_state_102 = app.page.evaluate(
        "() => JSON.parse(localStorage['backprop-lab/page']).network.state")
    assert api_state_102["iteration"] == 102
    # drag to iteration 50 (inside the Run): recomputed by the server, not by the page
    slider.fill("50")
    app.wait_iteration("50")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=loss-chart]').dataset.marker === '50'")
    marker = app.page.evaluate(
        "() => { const d = document.querySelector('[data-testid=loss-chart]').data[1];"
        " return [d.x[0], d.y[0]]; }")
    assert marker[0] == 50 and marker[1] == app.value("loss")
    start = app.server.post("/api/reset")["state"]
    expected = app.server.post("/api/epoch", {"state": start, "epochs": 49})["state"]
    expected = app.server.post("/api/step", {"state": expected})
    assert abs(app.value("weight-w5") - expected["state"]["weights"]["w5"]) < 1e-14
    assert abs(app.value("loss") - expected["loss"]) < 1e-14
    card = float(app.page.get_by_test_id("card-w5").get_by_test_id("factor-gradient_w5")
                 .get_attribute("data-value"))
    assert abs(card - expected["trace"]["gradients"]["w5"]) < 1e-14
    slider.fill("3")
    app.wait_iteration("3")
    assert app.value("weight-w5") == w5[3]
    # stepping from here discards iterations 4..103
    app.click("step")
    app.wait_iteration("4")
    assert slider.get_attribute("max") == "4"
    assert app.chart_points()["x"] == [0, 1, 2, 3, 4]


def test_keys_and_presentation_mode(app_page: Page) -> None:
    app = app_page
    body = app.page.locator("body")
    body.press("ArrowRight")
    wait_substep(app, "forward-h1")
    body.press("ArrowLeft")
    wait_walk_over(app)
    body.press("Shift+ArrowRight")
    app.wait_iteration("1")
    body.press("p")
    app.page.wait_for_function("() => document.querySelector('#play').ariaPressed === 'true'")
    body.press("p")
    app.page.wait_for_function("() => document.querySelector('#play').ariaPressed === 'false'")
    body.press("r")
    app.wait_iteration("0")
    body.press("f")
    app.page.wait_for_function("() => document.body.classList.contains('presenting')")
    assert app.page.get_by_test_id("presentation-toggle").get_attribute("aria-pressed") == "true"
    assert app.page.locator(".editor-panel").is_hidden()
    body.press("?")
    help_dialog = app.page.get_by_test_id("keys-help")
    help_dialog.wait_for()
    assert "next sub-step" in help_dialog.inner_text()
    app.page.keyboard.press("Escape")
    help_dialog.wait_for(state="hidden")
    app.click("presentation-toggle")
    app.page.wait_for_function("() => !document.body.classList.contains('presenting')")
    assert app.page.locator(".editor-panel").is_visible()


def test_every_control_is_reachable_by_tab_with_a_visible_focus(app_page: Page) -> None:
    app = app_page
    wanted = {"substep-next", "substep-back", "presentation-toggle", "history-slider", "copy-link",
              "export-csv", "export-json", "print-view", "language-select", "step", "run", "play",
              "reset"}
    app.click("step")
    app.wait_iteration("1")
    app.page.locator("body").focus()
    reached = set()
    for _ in range(300):  # round the whole page (every chain-rule factor is a stop) to Step
        if reached == wanted:
            break
        app.page.keyboard.press("Tab")
        info = app.page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return {id: e.dataset.testid || '', outline: s.outlineStyle,"
            " width: s.outlineWidth}; }")
        if info["id"] in wanted:
            reached.add(info["id"])
            assert info["outline"] != "none" and info["width"] != "0px", info
    assert reached == wanted


def test_walking_from_an_earlier_iteration_keeps_the_later_ones_until_it_is_done(
    app_page: Page,
) -> None:
    app = app_page
    slider = app.page.get_by_test_id("history-slider")
    app.run(10)
    slider.fill("6")
    app.wait_iteration("6")
    next_substep(app, "forward-h1")
    assert slider.get_attribute("max") == "10"  # nothing is forgotten while walking
    app.click("substep-back")
    wait_walk_over(app)
    assert slider.get_attribute("max") == "10" and slider.input_value() == "6"
    assert len(app.chart_points()["x"]) == 11
    # finishing the walk makes iteration 7 the latest: 8..10 go, 0..7 stay reachable
    next_substep(app, "forward-h1")
    app.page.keyboard.press("Shift+ArrowRight")
    app.wait_iteration("7")
    assert slider.get_attribute("max") == "7"
    assert app.chart_points()["x"] == list(range(8))
    slider.fill("5")
    app.wait_iteration("5")


def test_at_the_first_iteration_nothing_of_a_later_update_is_left_behind(app_page: Page) -> None:
    app = app_page
    for k in range(1, 4):
        app.click("step")
        app.wait_iteration(str(k))
    app.page.get_by_test_id("history-slider").fill("0")
    app.wait_iteration("0")
    card = app.page.get_by_test_id("card-w5")
    values = card.locator("mn[data-key]").evaluate_all("els => els.map(e => e.dataset.value)")
    assert values and all(value == "" for value in values)
    for testid in ("grad-w5", "change-w5", "delta-o1"):
        assert app.attr(testid, "data-value") == ""
    assert app.value("weight-w5") == 0.4
