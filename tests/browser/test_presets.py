"""The choice of network: a preset starts that network, of its own shape, with its own
initial values in the editor; the worked example comes back the same way; a network edited
by hand is one's own."""

from typing import Any

from app import presets
from tests.browser.conftest import Page, Server, browsing


def fields(app: Page) -> list[str]:
    return app.page.eval_on_selector_all("#editor .fields input",
                                         "els => els.map(i => i.dataset.testid)")


def choose(app: Page, preset_id: str) -> None:
    app.page.select_option("[data-testid=preset]", preset_id)
    app.wait_idle()


def test_a_preset_starts_its_network_and_the_example_comes_back(browser: Any, server: Server):
    with browsing(browser, server) as app:
        app.open()
        starts_and_comes_back(app)


def starts_and_comes_back(app: Page) -> None:
    assert app.page.input_value("[data-testid=preset]") == "example"
    choose(app, "xor-231")
    app.page.get_by_test_id("input-w9").wait_for()
    # its own weights, w1…w9, and no inputs or targets of its own: it learns from rows of data
    assert fields(app) == [*(f"input-w{k}" for k in range(1, 10)), "input-b1", "input-b2",
                           "input-learning-rate"]  # fmt: skip
    weights = presets.PRESETS["xor-231"][1]["weights"]
    for name, value in weights.items():
        assert float(app.page.input_value(f"[data-testid=input-{name}]")) == value
    assert app.page.input_value("[data-testid=preset]") == "xor-231"

    choose(app, "example")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=loss]').dataset.value === '0.2983711087600027'"
    )
    assert "input-i1" in fields(app) and "input-w9" not in fields(app)
    assert app.page.input_value("[data-testid=preset]") == "example"


def test_a_network_changed_in_the_editor_is_ones_own(app_page: Page):
    app = app_page
    app.page.get_by_test_id("input-w1").fill("0.2")
    app.click("apply-inputs")
    app.wait_idle()
    assert app.page.input_value("[data-testid=preset]") == "own"
    choose(app, "example")
    assert app.page.input_value("[data-testid=input-w1]") == "0.15"
