"""Where each number of a chain-rule card comes from: every factor written out with the numbers
substituted, in every option mode, each equal to the server's trace and to float64 arithmetic on
the numbers it shows; pointing at or focusing a factor marks its cells on the diagram."""

import math
from typing import Any

import pytest

from tests.browser.conftest import Page
from tests.browser.test_lessons import open_tab

# The numbers of one derivation line, by key, and its result (the factor's own slot).
LINE_JS = """([card, key]) => {
  const slot = document.querySelector(`[data-testid=card-${card}] [data-testid=factor-${key}]`);
  const math = slot.closest('math');
  const values = {};
  for (const mn of math.querySelectorAll('mn[data-key]')) {
    values[mn.dataset.key] = Number(mn.dataset.value);
  }
  return {values, text: math.textContent, result: Number(slot.dataset.value)};
}"""

MODES = {
    "sigmoid": {},
    "tanh": {"activation": "tanh"},
    "relu": {"activation": "relu"},
    "softmax": {"loss": "cross_entropy"},
    "updated": {"hidden_deltas_use": "updated"},
}


def apply_options(app: Page, options: dict[str, str]) -> None:
    if not options:
        return
    open_tab(app, "options")
    for name, value in options.items():
        testid = {"hidden_deltas_use": "option-hidden-deltas"}.get(name, f"option-{name}")
        app.page.get_by_test_id(testid).select_option(value)
    app.click("apply-options")
    app.page.wait_for_function("() => document.querySelector('[data-testid=options-message]')"
                               ".dataset.kind === 'info'")
    app.page.evaluate("() => window.scrollTo(0, 0)")


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("mode", list(MODES))
def test_every_factor_is_derived_with_its_numbers(app_page: Page, mode: str) -> None:
    app, page = app_page, app_page.page
    apply_options(app, MODES[mode])
    app.click("step")
    app.wait_iteration("1")
    options = {"activation": "sigmoid", "loss": "squared", "train_biases": False,
               "hidden_deltas_use": "original", **MODES[mode]}
    example = {**app.server.post("/api/reset")["state"], "options": options}
    trace = app.server.post("/api/step", {"state": example})["trace"]
    softmax = options["loss"] == "cross_entropy"

    def line(card: str, key: str) -> dict[str, Any]:
        found = page.evaluate(LINE_JS, [card, key])
        assert close(found["result"], trace["factors"].get(key, found["result"])), key
        return found

    def slope(card: str, n: str) -> None:
        found = line(card, f"dout_{n}_dnet_{n}")
        out, net = trace["forward"][f"out_{n}"], trace["forward"][f"net_{n}"]
        expected = {"sigmoid": out * (1 - out), "tanh": 1 - out * out,
                    "relu": 1.0 if net > 0 else 0.0}[options["activation"]]
        assert close(found["result"], expected)
        shown = found["values"].get(f"out_{n}", found["values"].get(f"net_{n}"))
        assert shown in (out, net)

    # w5: every factor of ∂E/∂w5 derived, then multiplied
    if softmax:
        found = line("w5", "delta_o1")
        assert close(found["values"]["out_o1"] - found["values"]["target_o1"], found["result"])
        assert close(found["result"], trace["deltas"]["o1"])
    else:
        found = line("w5", "dE_dout_o1")
        assert close(-(found["values"]["target_o1"] - found["values"]["out_o1"]), found["result"])
        slope("w5", "o1")
    found = line("w5", "dnet_o1_dw5")
    assert found["result"] == trace["forward"]["out_h1"]
    assert close(app.value("factor-gradient_w5", "card-w5"), trace["gradients"]["w5"])
    # w1: both paths, the hidden slope, the input
    for o, via in (("o1", "w5"), ("o2", "w7")):
        found = line("w1", f"dE_dout_h1_via_{o}")
        assert close(found["values"][f"delta_{o}"] * found["values"][f"dnet_{o}_dout_h1"],
                     found["result"])
        weight = line("w1", f"dnet_{o}_dout_h1")["result"]
        used = (app.value(f"weight-{via}") if options["hidden_deltas_use"] == "updated"
                else example["weights"][via])
        assert weight == used
        assert close(line("w1", f"delta_{o}")["result"], trace["deltas"][o])
    found = line("w1", "dE_dout_h1")
    assert close(found["values"]["dE_dout_h1_via_o1"] + found["values"]["dE_dout_h1_via_o2"],
                 found["result"])
    slope("w1", "h1")
    assert line("w1", "dnet_h1_dw1")["result"] == example["inputs"]["i1"]
    assert close(app.value("factor-gradient_w1", "card-w1"), trace["gradients"]["w1"])
    app.watch.assert_clean()


def test_the_worked_examples_factors_read_as_published(app_page: Page) -> None:
    app, page = app_page, app_page.page
    app.click("step")
    app.wait_iteration("1")
    text = page.evaluate(LINE_JS, ["w5", "dE_dout_o1"])["text"]
    assert "−(0.01−0.75136507)=0.74136507" in text.replace(" ", "").replace("\u2062", "")
    text = page.evaluate(LINE_JS, ["w5", "dout_o1_dnet_o1"])["text"]
    assert "0.75136507×(1−0.75136507)=0.186815602" in text.replace(" ", "")
    text = page.evaluate(LINE_JS, ["w5", "dnet_o1_dw5"])["text"]
    assert text.replace(" ", "").endswith("=0.593269992")


def linked(page: Any) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('#diagram [data-linked=true]"
                         "[data-testid]')].map(e => e.dataset.testid).sort()")


def test_a_factor_marks_where_it_comes_from_on_the_diagram(app_page: Page) -> None:
    app, page = app_page, app_page.page
    app.click("step")
    app.wait_iteration("1")
    card = page.get_by_test_id("card-w5")
    card.get_by_test_id("factor-dnet_o1_dw5").hover()
    page.wait_for_function("() => document.querySelector('#diagram [data-testid=out-h1]')"
                           ".dataset.linked === 'true'")
    assert linked(page) == ["out-h1"]
    # the highlight is visible: the number gets a coloured halo
    halo = page.evaluate("() => getComputedStyle(document.querySelector("
                         "'#diagram [data-testid=out-h1]')).stroke")
    assert halo not in ("none", "rgba(0, 0, 0, 0)")
    card.get_by_test_id("factor-dE_dout_o1").hover()
    page.wait_for_function("() => !document.querySelector('#diagram [data-testid=out-h1]')"
                           ".dataset.linked")
    assert linked(page) == ["out-o1", "target-o1"]
    # by keyboard: focusing a factor of w1's card marks the weight it goes through
    page.get_by_test_id("card-w1").get_by_test_id("factor-dnet_o1_dout_h1").focus()
    page.wait_for_function("() => document.querySelector('#diagram [data-testid=weight-w5]')"
                           ".dataset.linked === 'true'")
    assert linked(page) == ["weight-w5"]
    page.evaluate("() => document.activeElement.blur()")
    page.wait_for_function("() => !document.querySelector('#diagram [data-linked]')")
    app.watch.assert_clean()
