"""Browser speed of the classroom page, measured in Chromium against a real server.

Prints: click Step → every number updated and painted (median), click Run 10,000 → curve
drawn and painted (median), first load on localhost → network painted, and the compressed bytes
of a first load and a reload. Times run to the next painted frame, as a viewer sees them: the
page's event, then the frame that shows it (a requestAnimationFrame callback runs before that
frame's paint, a task queued from it runs after).
"""

import statistics
from typing import Any

from tests.browser.conftest import launch
from tests.helpers import serving

ROUNDS = 15
RUN_ROUNDS = 7

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


def _ready(page: Any) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=loss]').dataset.value"
        " && document.querySelector('[data-testid=loss-chart]').data"
    )


def _bytes(page: Any) -> int:
    """Return the bytes transferred for the page's navigation and every resource."""
    return page.evaluate(
        "() => performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)"
    )


def measure(browser: Any, origin: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(origin + "/")
    _ready(page)
    page.wait_for_function("() => performance.getEntriesByName('network-painted').length")
    first_load_ms = page.evaluate(
        "() => performance.getEntriesByName('network-painted')[0].startTime"
    )
    first_bytes = _bytes(page)
    page.reload()
    _ready(page)
    reload_bytes = _bytes(page)

    steps = [page.evaluate(CLICK_AND_TIME, ["step", "backprop:numbers", k + 1])
             for k in range(ROUNDS)]
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
        "first_load_ms": first_load_ms,
        "first_load_bytes": first_bytes,
        "reload_bytes": reload_bytes,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    with serving() as app, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            figures = measure(browser, app.origin)
        finally:
            browser.close()
    print(
        f"page click Step -> every number updated and painted, median: {figures['step_ms']:.1f} ms "
        "(target <= 50 ms)"
    )
    print(
        f"page click Run 10,000 -> curve drawn and painted, median: {figures['run_ms']:.1f} ms "
        "(target <= 250 ms)"
    )
    print(
        f"page first load -> network painted: {figures['first_load_ms']:.0f} ms (target <= 1000 ms)"
    )
    print(
        f"page first load, compressed bytes: {figures['first_load_bytes'] / 1e6:.2f} MB "
        "(target <= 2 MB)"
    )
    print(
        f"page reload, compressed bytes: {figures['reload_bytes'] / 1e3:.1f} KB (target <= 100 KB)"
    )


if __name__ == "__main__":
    main()
