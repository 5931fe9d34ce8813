"""Networks of other shapes on the stage: every number the server's, nothing overlapping or
leaving the drawing, text the back row reads on a projector, the chain rule of a weight deep in
the net, the row of a batch the page chose, and a phone's drawing inside its 390 px."""

import math
import re
from typing import Any

import pytest

from app import presets
from tests.browser import readable
from tests.browser.conftest import Page, Server, browsing
from tests.browser.test_stage import present

SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

# A network of any shape started through the page's own modules (the import map hands out the
# instances the page runs), as a preset is: its definition fetched once, then its state shown.
START_SHAPE = """async (layers) => {
  const { loadShape, showShapeOf } = await import("/static/js/controllers/shapes.js");
  const { change } = await import("/static/js/state/store.js");
  const described = await (await fetch("/api/network?layers=" + layers.join(","))).json();
  const answer = await (await fetch("/api/reset", {method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({state: described.example})})).json();
  await loadShape(answer.state.layers);
  showShapeOf(answer.state);
  change({ type: "started", answer });
}"""

# Every number the diagram shows: its testid, its text, its full value, and its box on screen.
DIAGRAM_NUMBERS = """() => [...document.querySelectorAll('#diagram .value[data-testid]')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).display !== 'none'
    && !e.closest('[style*="display: none"]'))
  .map(e => { const r = e.getBoundingClientRect();
    return {id: e.dataset.testid, text: e.textContent, value: e.dataset.value,
            box: [r.left, r.top, r.right, r.bottom]}; })"""

DIAGRAM_TEXTS = """() => { const svg = document.getElementById('diagram').getBoundingClientRect();
  const texts = [...document.querySelectorAll('#diagram text')].filter(e => {
    for (let p = e; p && p.id !== 'diagram'; p = p.parentElement)
      if (getComputedStyle(p).display === 'none') return false;
    return e.textContent.trim() && getComputedStyle(e).visibility !== 'hidden'; });
  return {svg: [svg.left, svg.top, svg.right, svg.bottom],
    texts: texts.map(e => { const r = e.getBoundingClientRect();
      return {text: e.textContent, box: [r.left, r.top, r.right, r.bottom]}; }),
    boxes: [...document.querySelectorAll('#diagram .node-box')].map(e => {
      const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })}; }"""


def as_printed(value: float) -> str:
    """The page's "as printed" style (views/format.js): nine decimal places, six to ten
    significant digits, trailing zeros dropped, a true minus, ×10ⁿ as toPrecision would."""
    if value == 0:
        return "0"
    digits = min(10, max(6, 9 + math.floor(math.log10(abs(value))) + 1))
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = int(exponent)
    trim = lambda text: text.rstrip("0").rstrip(".") if "." in text else text  # noqa: E731
    if power < -6 or power >= digits:
        text = f"{trim(mantissa)}×10{str(power).translate(SUPERSCRIPTS)}"
    else:
        text = trim(f"{value:.{max(0, digits - 1 - power)}f}")
    return text.replace("-", "−")


def start_shape(app: Page, layers: list[int]) -> None:
    app.page.evaluate(START_SHAPE, layers)
    app.wait_idle()


def choose(app: Page, preset_id: str) -> None:
    app.page.select_option("[data-testid=preset]", preset_id)
    app.wait_idle()


def step(app: Page, iteration: int = 1) -> None:
    app.click("step")
    app.wait_iteration(f"{iteration:,}")
    app.wait_idle()


def expected_numbers(sent: dict[str, Any], answer: dict[str, Any]) -> dict[str, float]:
    """Every number the diagram shows after one online step from `sent`, by testid."""
    trace = answer["trace"]
    row = trace.get("row")
    shown = sent["data"][row] if row is not None else sent
    values: dict[str, float] = {}
    for name, value in answer["state"]["weights"].items():
        values[f"weight-{name}"] = value
    for name, value in answer["state"]["biases"].items():
        values[f"bias-{name}"] = value
    for part, prefix in (("gradients", "grad"), ("changes", "change")):
        for name, value in trace[part].items():
            values[f"{prefix}-{name}"] = value
    for name, value in shown["inputs"].items():
        values[f"value-{name}"] = value
    for name, value in shown["targets"].items():
        values[f"target-{name}"] = value
    for key, value in trace["forward"].items():
        kind, _, neuron = key.partition("_")
        if kind in ("net", "out"):
            values[f"{kind}-{neuron}"] = value
        elif kind == "E" and neuron != "total":
            values[f"error-{neuron}"] = value
    for name, value in trace["deltas"].items():
        values[f"delta-{name}"] = value
    return values


def sent_state(app: Page) -> dict[str, Any]:
    """The state the page holds before its first step (its reset answer, from the server)."""
    return app.page.evaluate(
        "async () => (await import('/static/js/state/store.js')).state().network.state")


@pytest.mark.parametrize("preset_id", ["xor-221", "xor-231", "deep-2332"])
def test_every_number_of_a_preset_is_the_servers(browser: Any, server: Server,
                                                 preset_id: str) -> None:
    with browsing(browser, server) as app:
        app.open()
        choose(app, preset_id)
        sent = sent_state(app)
        assert sent["weights"] == presets.PRESETS[preset_id][1]["weights"]
        step(app)
        answer = server.post("/api/step", {"state": sent})
        expected = expected_numbers(sent, answer)
        shown = app.page.evaluate(DIAGRAM_NUMBERS)
        assert shown, "the diagram shows no number"
        for number in shown:
            value = expected[number["id"]]
            assert float(number["value"]) == value, number["id"]
            assert number["text"] == as_printed(value), number["id"]
        app.watch.assert_clean()


def overlaps(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    """Whether boxes [left, top, right, bottom] share more than `slack` px each way."""
    across = a[0] < b[2] - slack and b[0] < a[2] - slack
    return across and a[1] < b[3] - slack and b[1] < a[3] - slack


def assert_laid_out(app: Page, label: str) -> None:
    drawn = app.page.evaluate(DIAGRAM_TEXTS)
    svg = drawn["svg"]
    texts = drawn["texts"]
    assert texts
    for text in texts:
        box, name = text["box"], text["text"]
        assert box[0] >= svg[0] - 0.5 and box[2] <= svg[2] + 0.5, f"{label}: {name} leaves it"
        assert box[1] >= svg[1] - 0.5 and box[3] <= svg[3] + 0.5, f"{label}: {name} leaves it"
    # a text's box is its font's line (about 1.2 em); its glyphs fill the middle of it, so two
    # rows 28 units apart at 28 units meet by a pixel or two where no glyphs touch
    def ink(box: list[float]) -> list[float]:
        inset = 0.15 * (box[3] - box[1])
        return [box[0], box[1] + inset, box[2], box[3] - inset]

    for k, text in enumerate(texts):
        for other in texts[k + 1:]:
            assert not overlaps(ink(text["box"]), ink(other["box"])), f"{label}: {text} on {other}"
    boxes = drawn["boxes"]
    for k, box in enumerate(boxes):
        for other in boxes[k + 1:]:
            assert not overlaps(box, other), label


SIZES = [(1280, 720, False), (1024, 768, True), (1280, 720, True), (1920, 1080, True)]


@pytest.mark.parametrize(("width", "height", "presenting"), SIZES, ids=lambda v: str(v))
def test_no_text_overlaps_or_leaves_the_drawing_and_the_room_reads_it(
    browser: Any, server: Server, width: int, height: int, presenting: bool
) -> None:
    for label in ("deep-2332", "xor-221", "4-4-4-4-4"):
        # each network in a fresh browser, chosen before the projector's mode hides the choice
        with browsing(browser, server, width, height) as app:
            app.open()
            if label == "4-4-4-4-4":
                start_shape(app, [4, 4, 4, 4, 4])
            else:
                choose(app, label)
            step(app)
            if presenting:
                present(app)
            # a weight selected: a larger network shows its numbers in the band at the top
            app.page.locator("#diagram .edge[data-param=w1]").dispatch_event("click")
            app.wait_idle()
            app.page.get_by_test_id("card-w1").wait_for()
            assert app.page.locator("#diagram .edge-label[data-param=w1]").is_visible()
            assert_laid_out(app, f"{label} at {width}x{height}")
            if presenting:
                floor = 24 if width >= 1600 else 18
                assert readable.too_small(app.page, floor, root="#diagram") == [], label
            if presenting and label != "xor-221":
                # a deep weight's card is paged on the stage, the δ of the layers above unfolded
                card = app.page.get_by_test_id("card-w1")
                assert int(card.get_attribute("data-pages") or "0") > 1, label
                assert card.locator("details.card-above").get_attribute("open") is not None
                app.page.keyboard.press("PageDown")
                app.page.wait_for_function(
                    "() => document.querySelector('[data-testid=card-w1]').dataset.page === '1'")
            app.watch.assert_clean()


def test_the_card_of_a_deep_weight_writes_every_layers_delta_from_the_trace(
    browser: Any, server: Server
) -> None:
    with browsing(browser, server) as app:
        app.open()
        choose(app, "deep-2332")
        sent = sent_state(app)
        step(app)
        answer = server.post("/api/step", {"state": sent})
        trace = answer["trace"]
        app.page.locator("#diagram .edge[data-param=w1]").dispatch_event("click")
        card = app.page.get_by_test_id("card-w1")
        card.wait_for()
        app.wait_idle()
        # δ of the outputs, then of h4…h6 from them, then the three paths of h1
        factors = {
            "delta_o1": trace["deltas"]["o1"], "delta_o2": trace["deltas"]["o2"],
            **{f"delta_h{k}": trace["deltas"][f"h{k}"] for k in (4, 5, 6)},
            **{f"dE_dout_h{k}": trace["factors"][f"dE_dout_h{k}"] for k in (4, 5, 6)},
            **{f"dE_dout_h1_via_h{k}": trace["factors"][f"dE_dout_h1_via_h{k}"] for k in (4, 5, 6)},
            "dE_dout_h1": trace["factors"]["dE_dout_h1"],
            "dout_h1_dnet_h1": trace["factors"]["dout_h1_dnet_h1"],
            "dnet_h1_dw1": trace["factors"]["dnet_h1_dw1"],
            "gradient_w1": trace["gradients"]["w1"],
        }
        for key, value in factors.items():
            slot = card.locator(f"mn[data-key='{key}']").first
            assert float(slot.get_attribute("data-value") or "nan") == value, key
            assert (slot.text_content() or "") == as_printed(value), key
        # every number of the card is one of the trace's
        for slot in card.locator("mn[data-key]").all():
            assert slot.get_attribute("data-value"), slot.get_attribute("data-key")
        app.watch.assert_clean()


def test_a_batch_shows_the_row_chosen(browser: Any, server: Server) -> None:
    with browsing(browser, server) as app:
        app.open()
        choose(app, "xor-221")
        sent = {**sent_state(app)}
        sent["options"] = {**sent["options"], "training": "batch"}
        app.page.evaluate("""async (state) => {
          const { change } = await import('/static/js/state/store.js');
          const answer = await (await fetch('/api/reset', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({state})})).json();
          change({ type: 'started', answer });
        }""", sent)
        app.wait_idle()
        step(app)
        answer = server.post("/api/step", {"state": {**sent, "iteration": 0}})
        for row in (2, 1):
            app.page.evaluate("""async (row) => {
              const { change } = await import('/static/js/state/store.js');
              change({ type: 'settingsChanged', settings: { row } });
            }""", row)
            app.wait_idle()
            seen = answer["trace"]["rows"][row]
            assert app.value("out-o1") == seen["forward"]["out_o1"]
            assert app.value("delta-h2") == seen["deltas"]["h2"]
            assert app.value("value-i1") == sent["data"][row]["inputs"]["i1"]
            assert app.value("target-o1") == sent["data"][row]["targets"]["o1"]
            # the update is the batch's: the mean over the rows
            assert app.value("grad-w1") == answer["trace"]["gradients"]["w1"]
        app.watch.assert_clean()


@pytest.mark.parametrize("network", ["deep-2332", "4-4-4-4-4"])
def test_a_phone_keeps_every_number_inside_its_width(browser: Any, server: Server,
                                                     network: str) -> None:
    with browsing(browser, server, 390, 844, is_mobile=True, has_touch=True) as app:
        app.open()
        if network == "4-4-4-4-4":
            start_shape(app, [4, 4, 4, 4, 4])
        else:
            choose(app, network)
        step(app)
        assert app.page.get_attribute("#diagram", "data-layout") == "tall"
        numbers = app.page.evaluate(DIAGRAM_NUMBERS)
        assert numbers
        for number in numbers:
            assert number["box"][0] >= 0 and number["box"][2] <= 390, number
        assert_laid_out(app, network)
        app.watch.assert_clean()


@pytest.mark.parametrize("network", ["deep-2332", "4-4-4-4-4"])
def test_the_walk_goes_through_a_deeper_network_layer_by_layer(browser: Any, server: Server,
                                                               network: str) -> None:
    with browsing(browser, server) as app:
        app.open()
        if network == "4-4-4-4-4":
            start_shape(app, [4, 4, 4, 4, 4])
        else:
            choose(app, network)
        app.page.get_by_test_id("predict-toggle").check()  # Ask first: only what it has
        app.wait_idle()
        titles = []
        count = None
        while count is None or len(titles) < count:
            app.click("substep-next")
            app.wait_idle()
            panel = app.page.get_by_test_id("substep-panel")
            if app.page.get_by_test_id("predict").count():
                app.page.locator("[data-testid=predict] .predict-choice").first.click()
                app.wait_idle()
            titles.append(panel.get_attribute("data-substep"))
            count = int(re.search(r"of (\d+)", app.text("substep-count")).group(1))
            # every number of the sub-step is one the server sent
            assert app.page.locator("[data-testid=substep-formula] mn:text('–')").count() == 0
        hidden_first = titles.index("paths-h1")
        assert titles.index("delta-h4" if network == "deep-2332" else "delta-h9") < hidden_first
        assert titles[-1] == "updates"
        app.watch.assert_clean()
