"""The data on the page: the rows table against the API's answers, the output over the input
square drawn with the rows marked, the curve in epochs, and the lessons of a deeper network."""

import json
from typing import Any

from app import presets
from tests.browser.classroom import live_class, wait_same
from tests.browser.conftest import Page, Server, browsing
from tests.browser.test_a11y import violations
from tests.browser.test_lessons import open_tab


def choose(app: Page, preset_id: str) -> None:
    app.page.select_option("[data-testid=preset]", preset_id)
    app.wait_idle()
    app.page.wait_for_function(
        "id => document.querySelector('[data-testid=preset]').value === id", arg=preset_id
    )


def kept_state(app: Page) -> dict[str, Any]:
    """The network's state as the page keeps it in localStorage."""
    return json.loads(app.page.evaluate("() => localStorage.getItem('backprop-lab/page')"))[
        "network"
    ]["state"]


def rows_shown(app: Page, count: int) -> None:
    """Wait until the rows table holds every row's output."""
    app.page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=data-table] tbody tr').length === n"
        " && document.querySelector('[data-testid=data-mean]').dataset.value",
        arg=count,
    )


def check_table(app: Page, answer: dict[str, Any], outputs: list[str]) -> None:
    """Every number of the table is the API's: each row's output and E_total, and their mean."""
    for k, forward in enumerate(answer["rows"]):
        for o in outputs:
            assert app.value(f"data-row-{k}-out_{o}") == forward[f"out_{o}"], (k, o)
        assert app.value(f"data-row-{k}-E_total") == forward["E_total"], k
    assert app.value("data-mean") == answer["loss"]


def test_xor_rows_table_follows_the_steps_and_chooses_a_row(app_page: Page) -> None:
    app = app_page
    assert app.page.get_by_test_id("data-panel").is_hidden()  # the worked example has no rows
    choose(app, "xor-231")
    rows_shown(app, 4)
    state = presets.PRESETS["xor-231"][1]
    start = app.server.post("/api/reset", {"state": state})
    check_table(app, start, ["o1"])
    for k, row in enumerate(state["data"]):
        assert app.value(f"data-row-{k}-i1") == row["inputs"]["i1"]
        assert app.value(f"data-row-{k}-t_o1") == row["targets"]["o1"]
    assert app.value("loss") == start["loss"]  # the readout's E_total: the rows' mean
    # online: the next Step trains row 1, then row 2
    assert app.page.get_by_test_id("data-row-0").locator("[data-role=next]").is_visible()
    asked = len(app.watch.requests)
    app.click("step")
    app.wait_iteration("1")
    app.wait_idle()
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=data-panel]').dataset.rendered === '1'"
    )
    stepped = app.server.post("/api/step", {"state": start["state"]})
    check_table(app, stepped, ["o1"])
    # the rows' outputs came with the step's answer: no request asks for them again
    assert not [url for url in app.watch.requests[asked:] if "/api/reset" in url]
    assert app.page.get_by_test_id("data-row-1").locator("[data-role=next]").is_visible()
    assert app.page.get_by_test_id("data-row-0").locator("[data-role=next]").is_hidden()
    # online, the table highlights the row the network shows: the one the last Step trained
    assert "chosen" in app.attr("data-row-0", "class")
    assert app.attr("data-row-1", "aria-current") == "false"
    # in a batch a click chooses the row shown, and so does Enter on a focused row
    app.page.locator("[data-testid=editor-shape] > summary").click()  # the shape and its data
    app.page.select_option("[data-testid=input-training]", "batch")
    app.click("apply-inputs")
    app.wait_idle()
    # before the first update too: the stage shows the row chosen, with its own numbers
    app.click("data-row-1")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=value-i2]').dataset.value === '1'"
    )
    batched = app.server.post("/api/reset", {"state": kept_state(app)})
    assert app.value("value-i1") == 0 and app.value("out-o1") == batched["rows"][1]["out_o1"]
    assert "chosen" in app.attr("data-row-1", "class")
    app.click("data-row-0")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=value-i2]').dataset.value === '0'"
    )
    app.click("step")
    app.wait_iteration("1")
    app.wait_idle()
    app.click("data-row-2")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=data-row-2]').classList.contains('chosen')"
    )
    assert app.attr("data-row-0", "aria-current") == "false"
    assert app.page.get_by_test_id("data-row-0").locator("[data-role=next]").is_hidden()
    open_tab(app, "graph")
    assert app.attr("graph-row", "data-row") == "2"
    app.page.get_by_test_id("data-row-3").focus()
    app.page.keyboard.press("Enter")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=data-row-3]').classList.contains('chosen')"
    )
    # the graph draws its row once the lessons have their numbers (they may ask the server)
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=graph-row]').dataset.row === '3'"
    )


def test_the_output_over_the_input_square_marks_the_rows(app_page: Page) -> None:
    app = app_page
    choose(app, "xor-231")
    app.page.get_by_test_id("data-map").scroll_into_view_if_needed()
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=map-plot]').dataset.rows === '4'"
    )
    state = presets.PRESETS["xor-231"][1]
    grid = app.server.post("/api/outputs", {"state": state, "output": "o1", "resolution": 61})
    drawn = app.page.evaluate(
        "() => { const d = document.querySelector('[data-testid=map-plot]').data;"
        " return {type: d[0].type, x: d[0].x, y: d[0].y, z: d[0].z,"
        " rows: {x: Array.from(d[1].x), y: Array.from(d[1].y), color: d[1].marker.color}}; }"
    )
    assert drawn["type"] == "heatmap"
    assert drawn["x"] == grid["x"]["values"] and drawn["y"] == grid["y"]["values"]
    assert drawn["z"] == grid["out"]
    assert drawn["rows"] == {"x": [0, 0, 1, 1], "y": [0, 1, 0, 1], "color": [0, 1, 1, 0]}
    # beside it, the rows table with each row's output: the API's
    check_table(app, app.server.post("/api/reset", {"state": state}), ["o1"])
    # the number under the cursor is the grid's at that point
    box = app.page.get_by_test_id("map-plot").locator(".nsewdrag").first.bounding_box()
    app.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    app.page.get_by_test_id("map-cursor").wait_for()
    x, y = app.value("map-cursor-x"), app.value("map-cursor-y")
    column, row = grid["x"]["values"].index(x), grid["y"]["values"].index(y)
    assert app.value("map-cursor-out") == grid["out"][row][column]
    app.screenshot("data-xor-1280x720.png")


def test_the_curve_counts_epochs_with_data(app_page: Page) -> None:
    app = app_page
    choose(app, "xor-231")
    app.run(50, reaching=4 * 50)  # 50 epochs: 50 passes over the 4 rows
    points = app.chart_points()
    heading = app.page.locator("#chart-heading").text_content() or ""
    assert "per epoch" in heading
    title = app.page.evaluate(
        "() => document.querySelector('[data-testid=loss-chart]').layout.xaxis.title.text"
    )
    assert title == "epoch"
    # the start, passes 1-49 an epoch apart, then the last pass one update (one row) at a time,
    # the last of them a Step whose every value the stage shows
    assert points["x"][:3] == [0, 1, 2] and points["x"][-5:] == [49, 49.25, 49.5, 49.75, 50]
    assert app.text("iteration") == "200"
    # and Run's field says that it counts epochs
    label = app.page.locator("label[for=epochs]")
    assert label.text_content() == "Epochs to run (passes over the rows)"
    choose(app, "example")
    assert label.text_content() == "Iterations to run"

    run = app.server.post(
        "/api/epoch", {"state": presets.PRESETS["xor-231"][1], "epochs": 49}
    )
    assert points["y"][1:49] == run["losses"][1:]


def test_the_lessons_of_a_deeper_network_render_from_its_numbers(app_page: Page) -> None:
    app = app_page
    choose(app, "deep-2332")
    app.click("step")
    app.wait_iteration("1")
    state = presets.PRESETS["deep-2332"][1]
    start = app.server.post("/api/reset", {"state": state})["state"]
    alone = {**start, "data": [start["data"][0]]}
    trace = app.server.post("/api/step", {"state": alone})["trace"]
    open_tab(app, "graph")
    assert app.attr("graph-row", "data-row") == "0"
    for name in ("w1", "w9", "w21"):
        assert app.value(f"graph-mul_{name}-grad") == trace["gradients"][name], name
    assert app.value("graph-act_h4-in") == trace["factors"]["dE_dout_h4"]
    assert app.value("graph-add_o2-in") == trace["deltas"]["o2"]
    open_tab(app, "matrix")
    app.page.get_by_test_id("matrix-bp2").wait_for()
    values = app.page.eval_on_selector_all(
        "[data-testid=lesson-matrix] mn[data-m]",
        "els => els.map(e => [e.dataset.m, e.dataset.value])",
    )
    assert values and all(value for _, value in values)
    by_path = dict(values)
    assert float(by_path["deltas.h1"]) == trace["deltas"]["h1"]
    assert float(by_path["gradients.w21"]) == trace["gradients"]["w21"]
    open_tab(app, "check")
    app.page.get_by_test_id("check-w21").wait_for()
    open_tab(app, "landscape")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=landscape-plot]').dataset.resolution"
    )
    options = app.page.eval_on_selector_all(
        "[data-testid=landscape-x] option", "els => els.map(e => e.value)"
    )
    assert options[-1] == "b3" and "w21" in options
    app.screenshot("data-deep-lessons-1280x720.png")


def test_the_data_panel_on_a_phone(browser: Any, server: Server) -> None:
    with browsing(browser, server, width=390, height=844) as app:
        app.open()
        choose(app, "xor-221")
        rows_shown(app, 4)
        panel = app.page.get_by_test_id("data-panel")
        panel.scroll_into_view_if_needed()
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=map-plot]').dataset.rows === '4'"
        )
        width = app.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone
        # XOR's rows, every number to nine digits, fit across without scrolling sideways
        app.click("step")
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=data-panel]').dataset.rendered === '1'"
        )
        rows = app.page.evaluate(
            "() => { const r = document.querySelector('.data-rows');"
            " return [r.scrollWidth, r.clientWidth]; }"
        )
        assert rows[0] <= rows[1], rows
        panel.screenshot(path=str(app.screenshot("data-xor-390x844.png")))
        app.watch.assert_clean()


def test_the_data_panel_has_no_serious_accessibility_violation(browser: Any, server: Server):
    with browsing(browser, server, bypass_csp=True) as app:  # only this test injects axe-core
        app.open()
        choose(app, "xor-231")
        rows_shown(app, 4)
        app.page.get_by_test_id("data-map").scroll_into_view_if_needed()
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=map-plot]').dataset.rows === '4'"
        )
        assert violations(app.page) == []  # the whole page, the data panel with it
        app.watch.assert_clean()


def test_play_with_rows_makes_whole_passes_and_one_step_a_tick(app_page: Page) -> None:
    app = app_page
    choose(app, "xor-231")
    app.page.select_option("#speed", "200")  # 20 updates a tick: four passes and one more
    asked = len(app.watch.requests)
    app.click("play")
    app.page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=iteration]')"
        ".textContent.replace(/,/g, '')) >= 100"
    )
    app.click("play")  # pause
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=play]').textContent === 'Play'"
    )
    app.wait_idle()
    api = [url.rsplit("/", 1)[1] for url in app.watch.requests[asked:] if "/api/" in url]
    epochs, steps = api.count("epoch"), api.count("step")
    # a tick of 20 updates on four rows: an /api/epoch of whole passes, then a Step; what a
    # tick leaves (less than a pass) the next one makes, so that Play keeps its speed
    assert epochs >= 5 and steps == epochs, api
    assert 20 * epochs - 4 < int(app.text("iteration").replace(",", "")) <= 20 * epochs


def test_a_student_sees_the_row_the_teacher_chose_before_a_batch_update(
    browser: Any, server: Server
) -> None:
    with live_class(browser, server) as (teacher, student):
        choose(teacher, "xor-231")
        teacher.page.locator("[data-testid=editor-shape] > summary").click()
        teacher.page.select_option("[data-testid=input-training]", "batch")
        teacher.click("apply-inputs")
        teacher.wait_idle()
        teacher.click("data-row-2")
        teacher.page.wait_for_function(
            "() => document.querySelector('[data-testid=value-i1]').dataset.value === '1'"
        )
        # the student's page has no rows' forward passes in the class's message: it asks
        for testid in ("value-i1", "value-i2", "out-o1", "net-h1"):
            wait_same(student, teacher, testid)
        assert student.value("value-i1") == 1 and student.value("value-i2") == 0
        assert student.value("iteration") == 0


def test_the_first_epoch_of_the_curve_ticks_every_update(app_page: Page) -> None:
    app = app_page
    choose(app, "xor-231")
    for iteration in ("1", "2"):
        app.click("step")
        app.wait_iteration(iteration)
    app.page.get_by_test_id("loss-chart").scroll_into_view_if_needed()
    app.wait_points(3)
    axis = app.page.evaluate(
        "() => document.querySelector('[data-testid=loss-chart]').layout.xaxis"
    )
    assert axis["dtick"] == 0.25 and axis["title"]["text"] == "epoch"  # a quarter: four rows
    app.run(3, reaching=2 + 4 * 3)  # past the first epoch: every epoch
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=loss-chart]').layout.xaxis.dtick === 1"
    )
