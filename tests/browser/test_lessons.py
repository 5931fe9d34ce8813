"""The lessons below the network, in a real browser: computational graph, matrix form, gradient
check, options, the published figures reconciled, the loss landscape. Every number is checked
against the API's own answer; screenshots of each view go to test-artifacts/."""

from typing import Any

import pytest

from tests.browser.conftest import Page, browsing
from tests.browser.test_page import example

T1 = "document.querySelector('[data-testid=input-t1]')"
OPTIONS_MESSAGE = "document.querySelector('[data-testid=options-message]')"
TABS = ["graph", "matrix", "check", "options", "figures", "landscape"]


def open_tab(app: Page, tab: str) -> None:
    app.click(f"lesson-tab-{tab}")
    wait_lesson(app, tab)
    app.page.get_by_test_id(f"lesson-{tab}").scroll_into_view_if_needed()


def wait_lesson(app: Page, tab: str) -> None:
    iteration = app.text("iteration").replace(",", "")
    app.page.wait_for_function(
        "want => document.getElementById('lessons').dataset.rendered === want",
        arg=f"{tab}:{iteration}",
    )


def expect_refusals(app: Page, count: int) -> None:
    """The browser logs each 422 the page asked for; take exactly `count` of them off."""
    refused = [e for e in app.watch.console_errors if "status of 422" in e]
    assert len(refused) == count
    for line in refused:
        app.watch.console_errors.remove(line)


def step(app: Page, iteration: str = "1") -> None:
    app.click("step")
    app.wait_iteration(iteration)


def test_graph_shows_the_step_trace_and_lights_backward(app_page: Page) -> None:
    app = app_page
    open_tab(app, "graph")
    # before any update: the forward pass, with the multiply nodes from /api/reset
    reset = app.server.post("/api/reset")["trace"]
    assert app.value("graph-mul_w1-value") == reset["terms"]["w1_i1"]
    assert app.value("graph-add_h1-value") == reset["forward"]["net_h1"]
    assert app.attr("graph-mul_w5-grad", "data-value") == ""
    step(app)
    wait_lesson(app, "graph")
    api = app.server.post("/api/step", {"state": example()})["trace"]
    assert app.value("graph-mul_w5-grad") == api["gradients"]["w5"]
    assert app.value("graph-mul_w1-grad") == api["gradients"]["w1"]
    assert app.value("graph-mul_w7-value") == api["terms"]["w7_out_h1"]
    assert app.value("graph-add_o1-in") == api["deltas"]["o1"]
    assert app.value("graph-act_h1-in") == api["factors"]["dE_dout_h1"]
    assert app.value("graph-act_h1-via_o2") == api["factors"]["dE_dout_h1_via_o2"]
    assert app.value("graph-act_o1-local") == api["factors"]["dout_o1_dnet_o1"]
    assert app.value("graph-loss_o1-value") == api["forward"]["E_o1"]
    assert app.text("graph-mul_w5-grad") == "0.082167041"
    # backward, one node at a time from the right: the loss first, the first layer last
    app.click("graph-forward")
    assert app.attr("graph", "data-stage") == "0"
    assert app.attr("graph-mul_w5-grad", "data-value") == ""
    app.click("graph-back")
    assert "lit" in app.attr("graph-node-total", "class")
    assert "lit" not in app.attr("graph-node-mul_w5", "class")
    for _ in range(4):
        app.click("graph-back")
    assert app.attr("graph", "data-stage") == "5"
    assert app.value("graph-mul_w5-grad") == api["gradients"]["w5"]
    assert app.attr("graph-mul_w1-grad", "data-value") == ""
    app.click("graph-all")
    assert app.value("graph-mul_w1-grad") == api["gradients"]["w1"]


def test_warm_up_is_the_fruit_purchase_and_editable(app_page: Page) -> None:
    app = app_page
    open_tab(app, "graph")
    assert app.value("warmup-subtotal-forward") == 50
    assert app.value("warmup-price-gradient") == 5
    assert app.value("warmup-count-gradient") == 10
    assert app.value("warmup-fee-gradient") == 1
    app.page.get_by_test_id("warmup-price").fill("12")
    assert app.value("warmup-subtotal-forward") == 60
    assert app.value("warmup-count-gradient") == 12
    app.page.get_by_test_id("warmup-count").fill("five")
    assert "not a number" in app.text("warmup-message")


def test_matrix_form_holds_the_trace(app_page: Page) -> None:
    app = app_page
    step(app)
    open_tab(app, "matrix")
    api = app.server.post("/api/step", {"state": example()})["trace"]
    matrix = app.page.get_by_test_id("lesson-matrix")

    def slots(path: str) -> list[float]:
        found = matrix.locator(f'mn[data-m="{path}"]')
        values = [found.nth(k).get_attribute("data-value") for k in range(found.count())]
        return [float(v or "nan") for v in values]

    assert set(slots("deltas.o1")) == {api["deltas"]["o1"]}
    assert set(slots("gradients.w5")) == {api["gradients"]["w5"]}
    assert set(slots("gradients.w4")) == {api["gradients"]["w4"]}
    assert set(slots("factors.dnet_o2_dout_h1")) == {api["factors"]["dnet_o2_dout_h1"]}
    assert set(slots("gradients.b1")) == {api["gradients"]["b1"]}
    assert "0.082167041" in (matrix.get_by_test_id("matrix-bp4").text_content() or "")


def test_gradient_check_table_and_its_failures(app_page: Page) -> None:
    app = app_page
    open_tab(app, "check")
    app.page.wait_for_selector("[data-testid=check-w1]")
    api = app.server.post("/api/gradient-check", {"state": example(), "epsilon": 1e-4})
    for row in api["parameters"]:
        assert app.value(f"check-{row['name']}-backprop") == row["backprop"]
        assert app.value(f"check-{row['name']}-numerical") == row["numerical"]
    assert app.page.get_by_test_id("check-why").is_hidden()
    # ε too large: the check fails and says why
    app.page.get_by_test_id("check-epsilon").fill("0.9")
    app.click("check-run")
    app.page.wait_for_selector("[data-testid=check-why] [data-reason=large]")
    # ε out of the server's range: refused beside the control
    app.page.get_by_test_id("check-epsilon").fill("2")
    app.click("check-run")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=check-message]').textContent.length > 0"
    )
    expect_refusals(app, 1)
    # the updated-w5–w8 rule is not the gradient of E_total for w1–w4
    open_tab(app, "options")
    app.page.get_by_test_id("option-hidden-deltas").select_option("updated")
    app.click("apply-options")
    app.page.wait_for_function("() => document.querySelector('[data-testid=options-message]')"
                               ".dataset.kind === 'info'")
    open_tab(app, "check")
    app.page.get_by_test_id("check-epsilon").fill("1e-4")
    app.click("check-run")
    app.page.wait_for_selector("[data-testid=check-why] [data-reason=updated]")
    assert "fail" in app.attr("check-w1", "class")
    assert "fail" not in app.attr("check-w5", "class")


def test_options_follow_everywhere_and_are_validated(app_page: Page) -> None:
    app = app_page
    # a negative target cannot take a softmax: refused beside the control
    app.page.get_by_test_id("input-t1").fill("-0.2")
    app.click("apply-inputs")
    app.page.wait_for_function(f"() => {T1}.value === '-0.2'")
    open_tab(app, "options")
    app.page.get_by_test_id("option-loss").select_option("cross_entropy")
    app.click("apply-options")
    app.page.wait_for_function(
        f"() => {OPTIONS_MESSAGE}.textContent.includes('non-negative')"
    )
    expect_refusals(app, 1)
    # back to the worked example's targets: softmax with cross-entropy, tanh, trained biases
    app.click("restore-example")
    app.page.wait_for_function(f"() => {T1}.value === '0.01'")
    open_tab(app, "options")
    app.page.get_by_test_id("option-loss").select_option("cross_entropy")
    app.page.get_by_test_id("option-activation").select_option("tanh")
    app.page.get_by_test_id("option-train-biases").check()
    app.click("apply-options")
    app.page.wait_for_function("() => document.querySelector('[data-testid=options-message]')"
                               ".dataset.kind === 'info'")
    step(app)
    options = {"activation": "tanh", "loss": "cross_entropy", "train_biases": True,
               "hidden_deltas_use": "original"}
    api = app.server.post("/api/step", {"state": {**example(), "options": options}})
    assert app.value("weight-w5") == api["state"]["weights"]["w5"]
    assert app.value("bias-b2") == api["state"]["biases"]["b2"]
    # the output card shows δ = out − t
    assert app.value("factor-delta_o1", within="card-w5") == api["trace"]["deltas"]["o1"]
    open_tab(app, "graph")
    assert app.value("graph-softmax-out_o1") == api["trace"]["forward"]["out_o1"]
    assert app.value("graph-add_o1-in") == api["trace"]["deltas"]["o1"]
    assert "tanh" in (app.text("graph-node-act_h1"))
    open_tab(app, "matrix")
    text = app.page.get_by_test_id("matrix-bp1").text_content() or ""
    assert "out − t" in text
    bp1 = app.page.get_by_test_id("matrix-bp1").locator('mn[data-m="deltas.o2"]').first
    assert float(bp1.get_attribute("data-value") or "nan") == api["trace"]["deltas"]["o2"]


def test_published_figures_reconciled(app_page: Page) -> None:
    app = app_page
    open_tab(app, "figures")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=figure-E_1-app]').dataset.value"
    )
    agree = {
        "out_o1": "true", "dE_dw5": "true", "w1": "true", "dE_dout_h1": "true",
        "dE_dout_h1_via_o2": "false", "E_1": "false", "E_10000": "false", "out_o1_10000": "false",
        "seed_out_o1": "false", "seed_E_10000": "false", "seed_E_total": "true",
    }
    for figure, expected in agree.items():
        assert app.attr(f"figure-{figure}-agree", "data-agrees") == expected, figure
    first = app.server.post("/api/step", {"state": example()})
    assert app.value("figure-E_1-app") == first["loss"]
    assert app.text("figure-dE_dout_h1_via_o2-app") == "−0.019049118"
    # Show reproduces 0.291027924: the updated rule, iteration 1
    app.click("reproduce-E_1")
    app.wait_iteration("1")
    assert app.text("loss") == "0.291027924"
    # and the published final error: E of the 10,000th forward pass, after 9,999 updates
    app.click("reproduce-E_10000")
    app.wait_iteration("9,999")
    assert app.text("loss") == "0.0000351085"


def test_landscape_with_the_training_path(app_page: Page) -> None:
    app = app_page
    open_tab(app, "landscape")
    plot = "document.querySelector('[data-testid=landscape-plot]')"
    app.page.wait_for_function(f"() => {plot}.data && {plot}.dataset.points === '1'")
    app.page.get_by_test_id("landscape-y").select_option("w6")
    app.page.get_by_test_id("landscape-resolution").select_option("25")
    app.page.wait_for_function(f"() => {plot}.dataset.resolution === '25'")
    surface = app.page.evaluate(f"() => ({{z: {plot}.data[0].z, x: {plot}.data[0].x}})")
    api = app.server.post("/api/landscape", {"state": example(), "x": "w5", "y": "w6",
                                              "span": 2, "resolution": 25})
    assert surface["z"] == api["E_total"]
    assert surface["x"] == api["x"]["values"]
    step(app)
    app.page.wait_for_function(f"() => {plot}.dataset.points === '2'")
    app.page.get_by_test_id("input-epochs").fill("10000")
    app.click("run")
    app.wait_iteration("10,001")
    # start, 400 evenly spaced points of Run's epoch, and its last step: a smooth path
    app.page.wait_for_function(f"() => {plot}.dataset.points === '403'")
    path = app.page.evaluate(f"() => ({{x: {plot}.data[1].x, y: {plot}.data[1].y}})")
    assert path["x"][0] == 0.40 and path["y"][0] == 0.45
    assert path["x"][-1] == app.value("weight-w5")
    assert path["y"][-1] == app.value("weight-w6")


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_lesson_screenshots(browser: Any, server: Any, width: int, height: int) -> None:
    with browsing(browser, server, width, height) as app:
        page, seen = app.page, app.watch
        app.open()
        step(app)
        for tab in TABS:
            open_tab(app, tab)
            app.wait_still()
            section = page.get_by_test_id(f"lesson-{tab}")
            section.screenshot(path=str(app.screenshot(f"lessons-{width}x{height}-{tab}.png")))
            if tab == "graph":
                # the graph's numbers are legible: none under 14 px at 1280, 20 px at 1920
                smallest = page.evaluate(
                    "() => Math.min(...[...document.querySelectorAll('.graph .graph-value')]"
                    ".map(t => t.getBoundingClientRect().height))"
                )
                assert smallest >= (14 if width < 1600 else 20)
        seen.assert_clean()
