"""The page state kept in the browser: one versioned key, read back with validation; a snapshot
that cannot be used is set aside with a visible message and the worked example loads, so that
Step and Reset always work."""

import json
from typing import Any

from tests.browser.conftest import Page, Server, browsing

KEY = "backprop-lab/page"
SET_ASIDE = "backprop-lab/page/set-aside"
W5_AFTER_ONE_STEP = 0.35891647971788465


def wait_kept_at(app: Page, iteration: int) -> None:
    app.page.wait_for_function(
        "([key, n]) => JSON.parse(localStorage.getItem(key) ?? 'null')"
        "?.network.state.iteration === n",
        arg=[KEY, iteration])


def kept(app: Page, key: str = KEY) -> Any:
    return app.page.evaluate("key => localStorage.getItem(key)", key)


def plant(app: Page, text: str) -> None:
    """Open the page as a later visit would, with `text` kept as its snapshot: written before
    the page's scripts run, once (the page itself writes its own state on leaving)."""
    app.page.add_init_script(
        "if (!sessionStorage.getItem('planted')) {"
        f" localStorage.setItem({json.dumps(KEY)}, {json.dumps(text)});"
        " sessionStorage.setItem('planted', '1'); }"
    )
    app.page.goto(app.server.origin + "/")


def wait_message(app: Page, words: str) -> str:
    app.page.wait_for_function(
        "w => !document.querySelector('#message').hidden"
        " && document.querySelector('#message').textContent.includes(w)", arg=words)
    return app.page.locator("#message").text_content() or ""


def step_works(app: Page) -> None:
    app.click("step")
    app.wait_iteration("1")
    assert app.value("weight-w5") == W5_AFTER_ONE_STEP


def test_the_page_is_kept_under_one_versioned_key(browser: Any, server: Server) -> None:
    with browsing(browser, server) as app:
        app.open()
        step_works(app)
        wait_kept_at(app, 1)
        keys = app.page.evaluate("() => Object.keys(localStorage)")
        assert keys == [KEY]
        snapshot = json.loads(kept(app))
        assert snapshot["version"] == 3 and snapshot["purpose"] == "storage"
        app.page.reload()
        app.wait_ready()
        assert app.text("iteration") == "1"
        assert app.value("weight-w5") == W5_AFTER_ONE_STEP
        app.watch.assert_clean()


def test_a_corrupted_snapshot_is_set_aside_and_the_example_loads(
    browser: Any, server: Server
) -> None:
    with browsing(browser, server) as app:
        plant(app, '{"version": 2, "network": {"state": "garbled')
        app.wait_ready()
        message = wait_message(app, "set aside")
        assert "not JSON" in message
        assert app.text("iteration") == "0"
        assert kept(app, SET_ASIDE) == '{"version": 2, "network": {"state": "garbled'
        step_works(app)
        app.click("reset")
        app.wait_iteration("0")
        app.watch.assert_clean()


def test_a_snapshot_with_an_impossible_value_names_the_field(
    browser: Any, server: Server
) -> None:
    with browsing(browser, server) as app:
        app.open()
        step_works(app)
        wait_kept_at(app, 1)
        snapshot = json.loads(kept(app))
        snapshot["network"]["state"]["weights"]["w5"] = "0.4"
        plant(app, json.dumps(snapshot))
        app.wait_ready()
        assert "network.state.weights.w5" in wait_message(app, "set aside")
        assert app.text("iteration") == "0"
        step_works(app)
        app.watch.assert_clean()


def test_a_snapshot_the_server_refuses_never_leaves_step_stuck(
    browser: Any, server: Server
) -> None:
    """Negative softmax targets pass the page's checks (each value is within bounds); the server
    refuses them at the first Step, and the page sets the snapshot aside and carries on from the
    example."""
    with browsing(browser, server) as app:
        app.open()
        wait_kept_at(app, 0)
        snapshot = json.loads(kept(app))
        for part in ("initial", "state"):
            snapshot["network"][part]["options"]["loss"] = "cross_entropy"
            snapshot["network"][part]["targets"] = {"o1": -0.5, "o2": 1.5}
        plant(app, json.dumps(snapshot))
        app.wait_ready()
        app.click("step")
        wait_message(app, "set aside")
        assert app.text("iteration") == "0"
        assert json.loads(kept(app, SET_ASIDE))["network"]["state"]["targets"]["o1"] == -0.5
        step_works(app)
    app.watch.console_errors = [e for e in app.watch.console_errors if "422" not in e]
    app.watch.assert_clean()
