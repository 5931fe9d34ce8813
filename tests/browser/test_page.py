"""The classroom page in a real browser: the worked example's numbers, Run, editing, reload."""

import math
from typing import Any

from tests.browser.conftest import Page

WEIGHTS = [f"w{k}" for k in range(1, 9)]
BIASES = ["b1", "b2"]


def example() -> dict[str, Any]:
    """The worked example's state as the page would send it (taken from the server)."""
    return {
        "inputs": {"i1": 0.05, "i2": 0.10},
        "targets": {"o1": 0.01, "o2": 0.99},
        "weights": {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
                    "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55},
        "biases": {"b1": 0.35, "b2": 0.60},
        "learning_rate": 0.5,
    }


def printed(value: float, digits: int = 9) -> float:
    """Round to `digits` significant digits."""
    return float(f"{value:.{digits}g}")


def as_posted(value: float, posted: float, decimals: int = 9) -> bool:
    """Whether `value` is the post's figure to within one unit of its last printed decimal
    (the post prints most figures to nine decimals, rounding some from rounded parts)."""
    return abs(value - posted) <= 10**-decimals


def assert_page_shows(app: Page, state: dict[str, Any], loss: float) -> None:
    for name in WEIGHTS:
        assert app.value(f"weight-{name}") == state["weights"][name], name
    for name in BIASES:
        assert app.value(f"bias-{name}") == state["biases"][name], name
    assert app.value("loss") == loss


def test_first_load_shows_the_worked_example(app_page: Page) -> None:
    app = app_page
    answer = app.server.post("/api/reset")
    assert app.text("iteration") == "0"
    assert_page_shows(app, answer["state"], answer["trace"]["forward"]["E_total"])
    assert app.text("loss") == "0.298371109"
    assert app.text("out-h1") == "0.593269992"
    assert app.text("out-o1") == "0.75136507"
    assert app.text("weight-w1") == "0.15"
    # before any update the cards wait for Step instead of showing stale numbers
    assert app.page.get_by_test_id("card-w5").get_by_text("Press Step").is_visible()
    # one point is no curve yet: its place says when it comes (plotly.js has not run)
    assert app.text("chart-note") == "The curve is drawn from the first Step."


def test_step_shows_the_post_figures(app_page: Page) -> None:
    app = app_page
    app.click("step")
    app.wait_iteration("1")
    api = app.server.post("/api/step", {"state": example()})

    # the weights after one update, as the post prints them
    assert printed(app.value("weight-w5"), 8) == 0.35891648
    assert printed(app.value("weight-w1")) == 0.149780716
    assert app.text("weight-w5") == "0.35891648"
    assert app.text("weight-w1") == "0.149780716"
    assert_page_shows(app, api["state"], api["loss"])
    assert printed(app.value("loss")) == 0.291027774  # exact arithmetic (the post: 0.291027924)

    # every ∂E/∂w and Δw on the diagram is the server's
    for name in WEIGHTS:
        assert app.value(f"grad-{name}") == api["trace"]["gradients"][name], name
        assert app.value(f"change-{name}") == api["trace"]["changes"][name], name
    for neuron in ("h1", "h2", "o1", "o2"):
        assert app.value(f"delta-{neuron}") == api["trace"]["deltas"][neuron], neuron
    # each neuron shows the forward pass its δ came from, so no box mixes two iterations
    forward = api["trace"]["forward"]
    for neuron in ("h1", "h2", "o1", "o2"):
        assert app.value(f"net-{neuron}") == forward[f"net_{neuron}"]
        assert app.value(f"out-{neuron}") == forward[f"out_{neuron}"]
    assert app.value("error-o1") == forward["E_o1"]

    # the w5 card: the three factors of the output layer
    card = "card-w5"
    assert printed(app.value("factor-dE_dout_o1", card), 8) == 0.74136507
    assert printed(app.value("factor-dout_o1_dnet_o1", card)) == 0.186815602
    assert printed(app.value("factor-dnet_o1_dw5", card)) == 0.593269992
    assert app.text("factor-dE_dout_o1", card) == "0.74136507"
    assert app.text("factor-dout_o1_dnet_o1", card) == "0.186815602"
    assert app.text("factor-dnet_o1_dw5", card) == "0.593269992"
    assert as_posted(app.value("factor-gradient_w5", card), 0.082167041)
    assert app.text("factor-gradient_w5", card) == "0.082167041"
    assert app.value("factor-new_w5", card) == api["state"]["weights"]["w5"]

    # the w1 card: the two paths into out_h1 and their sum
    card = "card-w1"
    assert as_posted(app.value("factor-dE_dout_h1_via_o1", card), 0.055399425)
    assert as_posted(app.value("factor-dE_dout_h1_via_o2", card), -0.019049119)
    # shown as the post prints (nine decimals); its last digit differs: it multiplied rounded parts
    assert app.text("factor-dE_dout_h1_via_o2", card) == "−0.019049118"
    assert app.text("factor-dE_dout_h1_via_o1", card) == "0.055399425"
    assert app.text("factor-gradient_w1", card) == "0.000438568"
    assert as_posted(app.value("factor-dE_dout_h1", card), 0.036350306)
    assert as_posted(app.value("factor-dout_h1_dnet_h1", card), 0.241300709)
    assert as_posted(app.value("factor-gradient_w1", card), 0.000438568)
    for key, value in api["trace"]["factors"].items():
        if app.page.get_by_test_id("card-w1").get_by_test_id(f"factor-{key}").count():
            assert app.value(f"factor-{key}", card) == value, key
    assert app.value("factor-new_w1", card) == api["state"]["weights"]["w1"]
    assert app.value("factor-eta", card) == 0.5
    assert len(app.chart_points()["y"]) == 2


# Every level the highlight of `testid`'s element went through, recorded as it happens
# (null: the highlight removed).
WATCH_HIGHLIGHTS = """(testids) => {
  window.__levels = Object.fromEntries(testids.map(id => [id, []]));
  window.__batches = Object.fromEntries(testids.map(id => [id, []]));  // which change saw it
  window.__watching?.disconnect();
  let batch = 0;
  window.__watching = new MutationObserver(records => { batch += 1; for (const r of records) {
    const id = r.target.dataset.testid;
    if (!(id in window.__levels)) continue;
    window.__levels[id].push(r.target.getAttribute('data-flash'));
    window.__batches[id].push(batch);
  } });
  window.__watching.observe(document.body,
                            {subtree: true, attributes: true, attributeFilter: ['data-flash']});
}"""


def assert_fades(levels: list[str | None]) -> None:
    """Each highlight starts at full strength and only fades until the next one starts (or is
    removed); the last one fades out and is removed."""
    assert levels[0] == "5" and levels[-6:] == ["5", "4", "3", "2", "1", None], levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after == "5" or (
            before is not None and (after is None or int(after) == int(before) - 1)
        ), levels


# Click Step and, the moment its numbers are drawn, Step again: the second comes in the fade.
STEP_TWICE = """() => new Promise(resolve => {
  document.addEventListener('backprop:numbers', function again(e) {
    if (e.detail.iteration !== 1) return;
    document.removeEventListener('backprop:numbers', again);
    resolve(document.querySelector('[data-testid=loss]').dataset.flash);
    document.querySelector('[data-testid=step]').click();
  });
  document.querySelector('[data-testid=step]').click();
})"""


def test_changed_values_are_highlighted_then_fade(app_page: Page) -> None:
    app = app_page
    shown = ["iteration", "loss", "weight-w1", "weight-w5"]
    app.page.evaluate(WATCH_HIGHLIGHTS, shown)
    app.click("step")
    app.wait_iteration("1")
    # by no animation run at every frame
    assert app.page.evaluate("() => document.getAnimations().length") == 0
    app.wait_still()
    # highlighted together, in the same drawing, then faded out
    levels, batches = app.page.evaluate("() => [window.__levels, window.__batches]")
    assert len({batches[testid][0] for testid in shown}) == 1, batches
    for testid in shown:
        assert levels[testid] == ["5", "4", "3", "2", "1", None], (testid, levels)
    # a Step during the fade highlights its values again, and the first fade leaves them be
    app.click("reset")
    app.wait_iteration("0")
    app.wait_still()
    app.page.evaluate(WATCH_HIGHLIGHTS, shown)
    assert app.page.evaluate(STEP_TWICE) == "5"
    app.wait_iteration("2")
    app.wait_still()
    levels = app.page.evaluate("() => window.__levels")
    for testid in shown:
        # one fade taken over (unless the second Step came after it ended, on a slow machine)
        assert levels[testid].count("5") == 2 and levels[testid].count(None) <= 2, levels
        assert_fades(levels[testid])


def test_run_10000_draws_10001_points(app_page: Page) -> None:
    app = app_page
    app.run(10_000)
    app.wait_points(10_001)
    points = app.chart_points()
    assert len(points["y"]) == 10_001
    assert points["x"] == list(range(10_001))

    whole = app.server.post("/api/epoch", {"state": example(), "epochs": 10_000})
    loss = app.value("loss")
    # the page runs 9,999 iterations through /api/epoch and the last through /api/step, so
    # that it can show the arithmetic of that last update: exactly what the API returns so
    assert math.isclose(loss, whole["loss"], rel_tol=1e-12)
    assert printed(loss) == printed(whole["loss"])
    first = app.server.post("/api/epoch", {"state": example(), "epochs": 9_999})
    last = app.server.post("/api/step", {"state": first["state"]})
    assert loss == last["loss"]
    assert_page_shows(app, last["state"], last["loss"])
    # the curve is the API's: the 10,000th forward pass is the post's 0.0000351085
    assert points["y"][:9_999] == [points["y"][0], *first["losses"][1:]]
    assert printed(points["y"][9_999], 6) == 3.51085e-5
    assert points["y"][-1] == loss
    assert app.text("iteration") == "10,000"
    assert printed(app.value("out-o1"), 4) == 0.01591


def test_log_scale_and_precision(app_page: Page) -> None:
    app = app_page
    app.click("step")
    app.wait_iteration("1")
    app.page.get_by_test_id("log-scale").check()
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=loss-chart]').layout?.yaxis.type === 'log'"
    )
    app.page.get_by_test_id("precision").select_option("4")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=weight-w5]').textContent === '0.3589'"
    )
    assert app.text("loss") == "0.291"
    assert app.text("factor-dE_dout_o1", "card-w5") == "0.7414"
    # the full-precision numbers stay as they were
    assert printed(app.value("weight-w5"), 8) == 0.35891648


def test_edit_apply_step_matches_the_api(app_page: Page) -> None:
    app = app_page
    app.page.get_by_test_id("input-learning-rate").fill("0.75")
    app.page.get_by_test_id("input-w1").fill("0.123")
    app.page.get_by_test_id("input-t2").fill("0.9")
    app.click("apply-inputs")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=weight-w1]').dataset.value === '0.123'"
    )
    assert app.text("iteration") == "0"
    edited = example()
    edited["learning_rate"] = 0.75
    edited["weights"]["w1"] = 0.123
    edited["targets"]["o2"] = 0.9
    start = app.server.post("/api/reset", {"state": edited})
    assert app.value("loss") == start["trace"]["forward"]["E_total"]

    app.click("step")
    app.wait_iteration("1")
    api = app.server.post("/api/step", {"state": edited})
    assert_page_shows(app, api["state"], api["loss"])
    assert app.value("factor-eta", "card-w1") == 0.75
    assert app.value("factor-gradient_w1", "card-w1") == api["trace"]["gradients"]["w1"]

    # Reset returns to the edited values, not to the worked example
    app.click("reset")
    app.wait_iteration("0")
    assert app.value("weight-w1") == 0.123
    assert app.page.get_by_test_id("input-w1").input_value() == "0.123"

    # and the worked example comes back on request
    app.click("restore-example")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=weight-w1]').dataset.value === '0.15'"
    )
    assert app.page.get_by_test_id("input-learning-rate").input_value() == "0.5"
    assert app.text("loss") == "0.298371109"


def test_invalid_entries_are_refused_and_change_nothing(app_page: Page) -> None:
    app = app_page
    app.click("step")
    app.wait_iteration("1")
    before = {name: app.attr(f"weight-{name}", "data-value") for name in WEIGHTS}
    loss = app.attr("loss", "data-value")

    def unchanged() -> None:
        assert app.text("iteration") == "1"
        assert {name: app.attr(f"weight-{name}", "data-value") for name in WEIGHTS} == before
        assert app.attr("loss", "data-value") == loss

    # not a number: refused in the page
    app.page.get_by_test_id("input-w2").fill("0.2x")
    app.click("apply-inputs")
    message = app.page.get_by_test_id("message-w2")
    message.wait_for(state="visible")
    assert "not a number" in message.inner_text()
    assert app.page.get_by_test_id("input-w2").get_attribute("aria-invalid") == "true"
    unchanged()

    # numbers the server refuses: the 422 lands beside each field
    app.page.get_by_test_id("input-w2").fill("0.2")
    app.page.get_by_test_id("input-learning-rate").fill("0")
    app.page.get_by_test_id("input-w3").fill("2e6")
    app.click("apply-inputs")
    app.page.get_by_test_id("message-learning-rate").wait_for(state="visible")
    # the browser itself logs the refused request; that one line is expected
    refused = [e for e in app.watch.console_errors if "status of 422" in e]
    assert len(refused) == 1
    app.watch.console_errors.remove(refused[0])
    assert app.text("message-learning-rate") == "More than 0."
    assert app.text("message-w3") == "At most 1,000,000."
    assert app.text("message-w2") == ""
    assert "Nothing was changed" in app.text("editor-message")
    unchanged()

    # Run refuses a count it cannot do
    app.page.get_by_test_id("input-epochs").fill("ten")
    app.click("run")
    assert app.page.locator("#message").is_visible()
    unchanged()


def test_divergence_is_shown_plainly(app_page: Page) -> None:
    app = app_page
    app.page.get_by_test_id("input-t1").fill("1000000")
    app.page.get_by_test_id("input-learning-rate").fill("1000")
    app.click("apply-inputs")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=input-t1]').value === '1000000'"
        " && document.querySelector('[data-testid=target-o1]').dataset.value === '1000000'"
    )
    app.click("step")
    message = app.page.locator("#message")
    message.wait_for(state="visible")
    assert "diverged" in message.inner_text()
    assert app.text("iteration") == "0"
    assert app.page.get_by_test_id("card-w5").get_by_text("not applied").is_visible()


def test_reload_keeps_the_state(app_page: Page) -> None:
    app = app_page
    app.click("step")
    app.wait_iteration("1")
    app.click("step")
    app.wait_iteration("2")
    app.page.get_by_test_id("precision").select_option("6")
    app.page.get_by_test_id("weight-w7").click()
    app.page.get_by_test_id("card-w7").wait_for()
    shown = {name: app.attr(f"weight-{name}", "data-value") for name in WEIGHTS}
    factor = app.attr("factor-dE_dout_o2", "data-value", "card-w7")
    curve = app.chart_points()

    app.page.reload()
    app.wait_ready()
    assert app.text("iteration") == "2"
    assert {name: app.attr(f"weight-{name}", "data-value") for name in WEIGHTS} == shown
    assert app.attr("factor-dE_dout_o2", "data-value", "card-w7") == factor
    assert app.page.get_by_test_id("precision").input_value() == "6"
    assert app.chart_points() == curve
    # and it carries on from there
    app.click("step")
    app.wait_iteration("3")
    answer = {"state": example()}
    for _ in range(3):
        answer = app.server.post("/api/step", {"state": answer["state"]})
    assert_page_shows(app, answer["state"], answer["loss"])


def test_clicking_an_edge_or_bias_opens_its_card(app_page: Page) -> None:
    app = app_page
    app.click("step")
    app.wait_iteration("1")
    api = app.server.post("/api/step", {"state": example()})
    app.page.locator(".edge-label[data-param=w7]").click()
    card = app.page.get_by_test_id("card-w7")
    card.wait_for()
    assert app.value("factor-dE_dout_o2", "card-w7") == api["trace"]["factors"]["dE_dout_o2"]
    assert app.value("factor-dnet_o2_dw7", "card-w7") == api["trace"]["factors"]["dnet_o2_dw7"]
    # by keyboard too: a bias is a button
    app.page.locator(".node.bias[data-param=b2]").focus()
    app.page.keyboard.press("Enter")
    app.page.get_by_test_id("card-b2").wait_for()
    assert app.value("factor-gradient_b2", "card-b2") == api["trace"]["gradients"]["b2"]
    assert app.page.get_by_test_id("card-b2").get_by_text("not trained").is_visible()
    # and a card closes
    app.page.get_by_role("button", name="Close the w7 card").click()
    card.wait_for(state="detached")


def test_play_and_pause(app_page: Page) -> None:
    app = app_page
    app.page.select_option("#speed", "200")
    app.click("play")
    app.page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=iteration]')"
        ".textContent.replace(/,/g, '')) >= 60"
    )
    app.click("play")  # pause
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=play]').textContent === 'Play'"
    )
    app.wait_idle()
    stopped = app.text("iteration")
    # nothing is left to do: no request under way, nothing waiting to be drawn
    assert app.page.evaluate("() => 'busy' in document.body.dataset") is False
    assert app.text("iteration") == stopped
    n = int(stopped.replace(",", ""))
    assert len(app.chart_points()["y"]) == n + 1
