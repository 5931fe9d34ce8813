"""Networks of any shape in the page's own keeping: a link, a reload, the editor's neurons and
rows, and a live class carry the network's shape, rows and training, and every number exactly.

What the page holds is read from the text it keeps (the serializer's), which says the same as
its store."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app import presets
from tests.browser.classroom import join_by_link, live_class, start_class, wait_count, wait_status
from tests.browser.conftest import Page, Server, browsing
from tests.browser.test_a11y import AXE, violations
from tests.browser.test_state import SET_ASIDE, plant, wait_message
from tests.helpers import RunningApp, free_port, redis_server, start_app

KEY = "backprop-lab/page"


def kept(app: Page) -> dict[str, Any]:
    """The page as it keeps itself in localStorage: {network, curve, history, path, settings}."""
    return json.loads(app.page.evaluate("k => localStorage.getItem(k)", KEY))


def wait_kept(app: Page, condition: str, arg: Any = None) -> dict[str, Any]:
    """Wait until the kept page's network `n` makes the JavaScript `condition` true (with
    `arg` as `a`) and the page is idle; return the kept page."""
    app.page.wait_for_function(
        "([k, a]) => { const t = localStorage.getItem(k); if (!t) return false;"
        f" const n = JSON.parse(t).network; return ({condition}); }}", arg=[KEY, arg])
    app.wait_idle()
    return kept(app)


@contextmanager
def watched(browser: Any, server: Server) -> Iterator[Page]:
    """A page as `browsing` gives it, clean at the end: no error, no request elsewhere."""
    with browsing(browser, server) as app:
        yield app
        app.watch.assert_clean()


def wait_opened(app: Page) -> None:
    """Wait until the page has done what it does at load (it may not draw every shape yet)."""
    app.page.wait_for_function("() => localStorage.getItem('backprop-lab/page')")
    app.wait_idle()


def choose(app: Page, preset_id: str) -> dict[str, Any]:
    app.page.select_option("[data-testid=preset]", preset_id)
    weights = presets.PRESETS[preset_id][1]["weights"]
    return wait_kept(app, "Object.entries(a).every(([k, v]) => n.initial.weights[k] === v)"
                     " && Object.keys(n.initial.weights).length === Object.keys(a).length", weights)


def run(app: Page, epochs: int, reaching: int) -> dict[str, Any]:
    """Run `epochs` passes over the rows: `reaching` iterations (online, one per row)."""
    app.page.get_by_test_id("input-epochs").fill(str(epochs))
    app.click("run")
    return wait_kept(app, "n.state.iteration === a", reaching)


def step(app: Page, reaching: int) -> dict[str, Any]:
    app.click("step")
    return wait_kept(app, "n.state.iteration === a", reaching)


def test_a_link_of_xor_231_at_iteration_500_opens_at_the_same_weights(browser: Any,
                                                                      server: Server) -> None:
    with watched(browser, server) as app, watched(browser, server) as other:
        app.open()
        choose(app, "xor-231")
        run(app, 124, 496)  # four rows, one update each a pass
        for iteration in (497, 498, 499, 500):  # then row by row, to past a whole pass
            made = step(app, iteration)["network"]
        app.click("copy-link")
        link = app.attr("copy-link", "data-url")
        assert "layers=2%2C3%2C1" in link and "d3.o1=0" in link and "#v=3&" in link

        other.page.goto(link)
        opened = wait_kept(other, "n.state.iteration === 500")["network"]
        # trained again from the same start: the same float64 weights, error and rows
        assert opened["state"] == made["state"]
        assert opened["initial"] == made["initial"]
        assert opened["loss"] == made["loss"] == other.value("loss")
        assert other.text("iteration") == "500"
        assert opened["state"]["layers"] == [2, 3, 1] and len(opened["state"]["data"]) == 4
        assert other.page.input_value("[data-testid=input-w9]") == str(
            presets.PRESETS["xor-231"][1]["weights"]["w9"])
        assert other.page.evaluate("() => location.hash") == ""


def test_a_reload_keeps_a_2332_network_its_rows_and_its_training(browser: Any,
                                                                 server: Server) -> None:
    with watched(browser, server) as app:
        app.open()
        choose(app, "deep-2332")
        app.page.get_by_test_id("editor-shape").locator("summary").click()
        app.page.select_option("[data-testid=input-training]", "batch")
        app.click("apply-inputs")
        wait_kept(app, "n.initial.options.training === 'batch'")
        before = run(app, 20, 20)["network"]  # a batch: one update a pass
        app.page.reload()
        wait_opened(app)
        after = kept(app)["network"]
        assert after["state"] == before["state"]
        assert after["state"]["layers"] == [2, 3, 3, 2]
        assert after["state"]["options"]["training"] == "batch"
        assert app.page.input_value("[data-testid=input-w21]") == str(
            presets.PRESETS["deep-2332"][1]["weights"]["w21"])
        assert app.page.input_value("[data-testid=input-training]") == "batch"
        assert "set aside" not in (app.page.text_content("#message") or "")


def test_a_kept_network_of_absurd_shape_is_set_aside_with_the_reason(browser: Any,
                                                                     server: Server) -> None:
    with watched(browser, server) as app:
        app.open()
        choose(app, "xor-231")
        text = json.dumps({**kept(app), "network": {**kept(app)["network"], "state": {
            **kept(app)["network"]["state"], "layers": [2, 10**9, 1]}}})  # fmt: skip
        plant(app, text)
        app.wait_ready()
        message = wait_message(app, "set aside")
        assert "network.state.layers[1] is not a whole number from 1 to 4" in message
        assert app.page.evaluate("k => localStorage.getItem(k)", SET_ASIDE) == text
        assert app.text("iteration") == "0"
        assert app.page.input_value("[data-testid=preset]") == "example"


def test_the_editor_adds_a_hidden_neuron_and_a_row_and_shows_the_servers_answer(
        browser: Any, server: Server) -> None:
    with watched(browser, server) as app:
        app.open()
        app.page.get_by_test_id("editor-shape").locator("summary").click()
        assert app.text("count-hidden-1") == "2"
        assert app.page.get_by_test_id("remove-layer").is_disabled()
        app.click("add-hidden-1")
        network = wait_kept(app, "JSON.stringify(n.initial.layers) === '[2,3,2]'")["network"]
        # every weight between neurons joined before keeps its value; h3's are the example's
        assert network["initial"]["weights"] == {
            "w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3, "w5": 0.4, "w6": 0.45,
            "w7": 0.4, "w8": 0.45, "w9": 0.15, "w10": 0.5, "w11": 0.55, "w12": 0.3}  # fmt: skip
        answer = server.post("/api/reset", {"state": network["initial"]})
        assert network["forward"] == answer["trace"]["forward"]
        assert app.value("loss") == answer["trace"]["forward"]["E_total"]  # the stage's readout
        assert app.text("count-hidden-1") == "3"
        assert app.page.input_value("[data-testid=input-w12]") == "0.3"

        app.click("add-row")
        network = wait_kept(app, "(n.initial.data || []).length === 2")["network"]
        assert "inputs" not in network["initial"]
        app.page.get_by_test_id("input-d1-i1").fill("1")
        app.page.get_by_test_id("input-d1-o2").fill("0.5")
        app.click("apply-inputs")
        network = wait_kept(app, "n.initial.data[1].inputs.i1 === 1")["network"]
        assert network["initial"]["data"] == [
            {"inputs": {"i1": 0.05, "i2": 0.1}, "targets": {"o1": 0.01, "o2": 0.99}},
            {"inputs": {"i1": 1, "i2": 0.1}, "targets": {"o1": 0.01, "o2": 0.5}}]  # fmt: skip
        answer = server.post("/api/reset", {"state": network["initial"]})
        assert network["forward"] == answer["trace"]["forward"]
        assert network["loss"] == app.value("loss") == answer["loss"]  # the rows' mean
        assert app.text("editor-message").startswith("Applied")

        # the server's refusal shows beside the row's field it names, and nothing changes
        app.page.get_by_test_id("input-d0-o1").fill("2000000")
        app.click("apply-inputs")
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=message-d0-o1]').textContent")
        assert app.text("message-d0-o1") == "At most 1,000,000."
        assert app.attr("input-d0-o1", "aria-invalid") == "true"
        assert kept(app)["network"]["initial"] == network["initial"]
        # the refused request, and nothing else, is the console's one error
        refused = [e for e in app.watch.console_errors if "status of 422" in e]
        assert len(refused) == 1
        app.watch.console_errors = [e for e in app.watch.console_errors if e not in refused]


def test_the_worked_examples_editor_is_as_it_was(app_page: Page) -> None:
    app = app_page
    ids = app.page.eval_on_selector_all(
        "#editor .fields input", "els => els.map(i => i.dataset.testid)")
    assert ids == [*(f"input-w{k}" for k in range(1, 9)), "input-b1", "input-b2", "input-i1",
                   "input-i2", "input-t1", "input-t2", "input-learning-rate"]  # fmt: skip
    labels = app.page.eval_on_selector_all("#editor .fields label",
                                           "els => els.map(l => l.textContent)")
    assert labels[-5:] == ["input i1", "input i2", "target o1", "target o2", "learning rate η"]
    assert app.page.get_by_test_id("editor-shape").get_attribute("open") is None
    app.page.get_by_test_id("language-select").select_option("zh-Hant")
    app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hant'")
    assert app.page.locator("label[for=edit-i1]").text_content() == "輸入 i1"
    assert app.page.locator("label[for=edit-t2]").text_content() == "目標 o2"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def test_a_student_on_another_instance_follows_the_teachers_xor(browser: Any,
                                                                redis_url: str) -> None:
    env = {"REDIS_URL": redis_url}
    apps: list[RunningApp] = [start_app(free_port(), env=env) for _ in range(2)]
    try:
        one, two = Server(apps[0].origin), Server(apps[1].origin)
        with watched(browser, one) as teacher, watched(browser, two) as student:
            teacher.open()
            code, _ = start_class(teacher)
            join_by_link(student, f"{two.origin}/?class={code}")
            wait_count(teacher, 1)
            choose(teacher, "xor-231")
            made = run(teacher, 30, 120)["network"]
            followed = wait_kept(student, "n.state.iteration === 120")["network"]
            assert followed["state"] == made["state"]
            assert followed["state"]["layers"] == [2, 3, 1]
            assert followed["initial"]["data"] == made["initial"]["data"]
            # the student's page shows the teacher's shape: its editor has XOR's nine weights
            student.page.get_by_test_id("input-w9").wait_for()
            wait_status(student, "open")
    finally:
        for app in apps:
            app.stop()


def test_the_shape_and_rows_panel_has_no_serious_accessibility_violation(
        browser: Any, server: Server) -> None:
    assert Path(AXE).is_file(), "axe-core is missing: `make axe` installs it from npm"
    with browsing(browser, server, bypass_csp=True) as app:  # only this test injects axe-core
        app.open()
        choose(app, "xor-231")
        app.page.get_by_test_id("editor-shape").locator("summary").click()
        app.page.get_by_test_id("input-d3-o1").wait_for()
        assert violations(app.page) == []
        # every control says what it does, in any language
        assert app.attr("add-hidden-1", "aria-label") == "Add a neuron to hidden layer 1"
        assert app.attr("remove-row-2", "aria-label") == "Remove row 3"
        app.page.get_by_test_id("language-select").select_option("zh-Hans")
        app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
        assert app.attr("add-hidden-1", "aria-label") == "在隐藏层 1 增加一个神经元"
        assert app.page.locator("label[for=edit-d2-i1]").text_content() == "第 3 行，输入 i1"
        assert violations(app.page) == []
        app.watch.assert_clean()


def test_polls_keep_to_the_worked_example_a_walk_of_xor_offers_none(browser: Any,
                                                                      server: Server) -> None:
    with live_class(browser, server) as (teacher, student):
        choose(teacher, "xor-221")
        student.page.get_by_test_id("input-w6").wait_for()
        for _ in range(12):
            teacher.click("substep-next")
            teacher.wait_idle()
            assert teacher.page.get_by_test_id("poll-open").count() == 0
        assert teacher.page.locator("#substeps").get_attribute("data-substep")
        # no request the server would refuse (a browser logs a 422 as a console error)
        assert teacher.watch.console_errors == [] and teacher.watch.page_errors == []
        assert student.watch.page_errors == []
