"""Browser speed of the classroom page, measured in Chromium against a real server.

Prints: click Step → every number updated and painted (median), click Run 10,000 → curve
drawn and painted (median), the first load on localhost (the network painted, and a Step
clicked the moment it appears painted; on a laptop's screen and on a phone's, 390×844 with the
CPU 4× slower), and the compressed bytes of a first load and a reload. Times run to the frame
that shows the numbers painted, as a viewer sees it: a requestAnimationFrame callback runs
before that frame's paint, a task queued from it runs after.
"""

import os
import statistics
import urllib.request
from typing import Any

from tests.browser.conftest import launch
from tests.helpers import serving

ROUNDS = 15
RUN_ROUNDS = 7
FIRST_LOADS = 7
LAPTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}
PHONE_SLOWDOWN = 4  # Chromium's CPU throttling: a phone's CPU against this machine's

# Click a button and resolve with the milliseconds until the page says it is done and the
# frame that shows it is painted.
CLICK_AND_TIME = """([testid, event, iteration]) => new Promise(resolve => {
  const t0 = performance.now();
  const painted = (e) => {
    if (e.detail.iteration !== iteration) return;  // an earlier action's event
    document.removeEventListener(event, painted);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now() - t0);
      channel.port2.postMessage(null);
    });
  };
  document.addEventListener(event, painted);
  document.querySelector(`[data-testid=${testid}]`).click();
})"""


# Installed before the page's own scripts, in a fresh browser: watches the page as it builds;
# once a frame showing the network's numbers is painted, notes the time since navigation,
# clicks Step, and notes when a frame showing iteration 1 is painted.
FIRST_LOAD = """(() => {
  const times = {};
  let finish;
  window.__firstLoad = { times, done: new Promise((resolve) => { finish = resolve; }) };
  const whenPainted = (name, then) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { times[name] = performance.now(); then(); };
    channel.port2.postMessage(null);
  });
  let waiting = "network";
  const watch = new MutationObserver(() => {
    if (waiting === "network" && document.getElementById("loss")?.dataset.value
        && document.getElementById("diagram")?.childElementCount) {
      waiting = null;
      whenPainted("network", () => {
        waiting = "step";
        document.getElementById("step").click();
      });
    } else if (waiting === "step" && document.getElementById("iteration").textContent === "1") {
      waiting = null;
      whenPainted("step", () => { watch.disconnect(); finish(times); });
    }
  });
  watch.observe(document,
                { subtree: true, childList: true, attributes: true, characterData: true });
})()"""


# The floor under any click's time to the screen: a click whose handler does nothing, until the
# frame after it is painted (the browser's own cost, measured in the same page and run).
EMPTY_CLICK = """() => new Promise(resolve => {
  const button = document.createElement('button');
  document.body.append(button);
  button.addEventListener('click', () => {});
  const t0 = performance.now();
  button.click();
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { button.remove(); resolve(performance.now() - t0); };
    channel.port2.postMessage(null);
  });
})"""

# A network of any shape started through the page's own modules (the import map hands out the
# instances the page runs), as a preset is: its definition fetched once, then its state shown.
START_SHAPE = """async (layers) => {
  const { loadShape, showShapeOf } = await import('/static/js/controllers/shapes.js');
  const { change } = await import('/static/js/state/store.js');
  const described = await (await fetch('/api/network?layers=' + layers.join(','))).json();
  const answer = await (await fetch('/api/reset', {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({state: described.example})})).json();
  await loadShape(answer.state.layers);
  showShapeOf(answer.state);
  change({ type: 'started', answer });
}"""


def _ready(page: Any) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=loss]').dataset.value"
        " && !('busy' in document.body.dataset) && !('drawing' in document.body.dataset)"
    )


def _bytes(page: Any) -> int:
    """Return the bytes transferred for the page's navigation and every resource but plotly.js
    (fetched ahead while the page is idle, run for the first curve)."""
    return page.evaluate(
        "() => performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource'))"
        ".filter(e => !e.name.includes('/vendor/plotly-')).reduce((n, e) => n + e.transferSize, 0)"
    )


def _compressed_size(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(response.read())


def first_load(browser: Any, origin: str, context_options: dict[str, Any],
               slowdown: int = 1) -> dict[str, float]:
    """Load the page in a fresh browser context (nothing cached): return the milliseconds from
    navigation to the network painted, and to a Step clicked at that moment painted."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.add_init_script(FIRST_LOAD)
    if slowdown > 1:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    page.goto(origin + "/")
    times = page.evaluate("() => window.__firstLoad.done")  # no polling meanwhile
    context.close()
    return {"network_ms": times["network"], "step_ms": times["step"]}


def first_loads(browser: Any, origin: str, context_options: dict[str, Any],
                slowdown: int = 1) -> dict[str, float]:
    """The medians of FIRST_LOADS first loads."""
    loads = [first_load(browser, origin, context_options, slowdown) for _ in range(FIRST_LOADS)]
    return {key: statistics.median(load[key] for load in loads) for key in loads[0]}


def measure(browser: Any, origin: str) -> dict[str, float]:
    load_before = os.getloadavg()[0]
    laptop = first_loads(browser, origin, LAPTOP)
    phone = first_loads(browser, origin, PHONE, PHONE_SLOWDOWN)
    load_during = (load_before + os.getloadavg()[0]) / 2
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    page.goto(origin + "/")
    _ready(page)
    first_bytes = _bytes(page)
    page.reload()
    _ready(page)
    reload_bytes = _bytes(page)

    steps = [page.evaluate(CLICK_AND_TIME, ["step", "backprop:numbers", k + 1])
             for k in range(ROUNDS)]
    plotly_url = page.get_attribute("meta[name=plotly-script]", "content")
    page.get_by_test_id("input-epochs").fill("10000")
    runs = []
    for _ in range(RUN_ROUNDS):
        page.get_by_test_id("reset").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=iteration]').textContent === '0'"
        )
        page.wait_for_timeout(100)
        runs.append(page.evaluate(CLICK_AND_TIME, ["run", "backprop:rendered", 10000]))
    context.close()
    return {
        "step_ms": statistics.median(steps),
        "run_ms": statistics.median(runs),
        "first_network_ms": laptop["network_ms"],
        "first_step_ms": laptop["step_ms"],
        "phone_network_ms": phone["network_ms"],
        "phone_step_ms": phone["step_ms"],
        "first_load_bytes": first_bytes,
        "plotly_bytes": _compressed_size(origin + plotly_url),
        "reload_bytes": reload_bytes,
        "load_average": load_during,
    }


def measure_deep(browser: Any, origin: str) -> dict[str, float]:
    """A Step of a 4-4-4-4-4 network (64 weights, its cards of w5 and w1 open) from the click
    to the painted frame, median; beside it the worked example's Step and an empty click."""
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    page.goto(origin + "/")
    _ready(page)
    example = [page.evaluate(CLICK_AND_TIME, ["step", "backprop:numbers", k + 1])
               for k in range(ROUNDS)]
    floor = [page.evaluate(EMPTY_CLICK) for _ in range(ROUNDS)]
    page.evaluate(START_SHAPE, [4, 4, 4, 4, 4])
    _ready(page)
    deep = [page.evaluate(CLICK_AND_TIME, ["step", "backprop:numbers", k + 1])
            for k in range(ROUNDS)]
    context.close()
    return {"deep_step_ms": statistics.median(deep), "example_step_ms": statistics.median(example),
            "empty_click_ms": statistics.median(floor)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    with serving() as app, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            figures = measure(browser, app.origin)
            deep = measure_deep(browser, app.origin)
        finally:
            browser.close()
    print(
        f"page click Step -> every number updated and painted, median: {figures['step_ms']:.1f} ms "
        "(target <= 50 ms)"
    )
    print(
        f"page click Step of a 4-4-4-4-4 network -> every number painted, median: "
        f"{deep['deep_step_ms']:.1f} ms (target <= 50 ms); the worked example's Step "
        f"{deep['example_step_ms']:.1f} ms; an empty click -> painted (the browser's floor) "
        f"{deep['empty_click_ms']:.1f} ms"
    )
    print(
        f"page click Run 10,000 -> curve drawn and painted, median: {figures['run_ms']:.1f} ms "
        "(target <= 250 ms)"
    )
    print(
        f"page first loads: the machine's load average {figures['load_average']:.1f} "
        f"on {os.cpu_count()} cores meanwhile"
    )
    print(
        f"page first load -> network painted, median of {FIRST_LOADS}: "
        f"{figures['first_network_ms']:.0f} ms (target <= 700 ms)"
    )
    print(
        "page first load, Step clicked as the network appears -> its numbers painted: "
        f"{figures['first_step_ms']:.0f} ms after navigation (target <= 1000 ms)"
    )
    print(
        f"page first load on a phone (390x844, CPU {PHONE_SLOWDOWN}x slower) -> network painted: "
        f"{figures['phone_network_ms']:.0f} ms (target <= 2000 ms)"
    )
    print(
        f"page first load on a phone, Step clicked as the network appears -> painted: "
        f"{figures['phone_step_ms']:.0f} ms (target <= 2500 ms)"
    )
    print(
        f"page first load, compressed bytes: {figures['first_load_bytes'] / 1e3:.0f} KB, "
        f"then plotly.js for the first curve: {figures['plotly_bytes'] / 1e6:.2f} MB "
        "(target <= 2 MB in all)"
    )
    print(
        f"page reload, compressed bytes: {figures['reload_bytes'] / 1e3:.1f} KB (target <= 100 KB)"
    )


if __name__ == "__main__":
    main()
