"""Browser speed of the classroom page, measured in Chromium against a real server.

Prints: click Step → every number updated (median), click Run 10,000 → curve drawn (median),
first load on localhost → network drawn, and the compressed bytes of a first load and a reload.
"""

import statistics
from typing import Any

from tests.browser.conftest import launch
from tests.helpers import serving

ROUNDS = 15
RUN_ROUNDS = 7

# Click a button and resolve with the milliseconds until the page says it is done.
CLICK_AND_TIME = """([testid, event]) => new Promise(resolve => {
  const t0 = performance.now();
  document.addEventListener(event, () => resolve(performance.now() - t0), {once: true});
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
    first_load_ms = page.evaluate(
        "() => performance.getEntriesByName('network-drawn')[0].startTime"
    )
    first_bytes = _bytes(page)
    page.reload()
    _ready(page)
    reload_bytes = _bytes(page)

    steps = [page.evaluate(CLICK_AND_TIME, ["step", "backprop:numbers"]) for _ in range(ROUNDS)]
    page.get_by_test_id("input-epochs").fill("10000")
    runs = []
    for _ in range(RUN_ROUNDS):
        page.get_by_test_id("reset").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=iteration]').textContent === '0'"
        )
        page.wait_for_timeout(100)
        runs.append(page.evaluate(CLICK_AND_TIME, ["run", "backprop:rendered"]))
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
        f"page click Step -> every number updated, median: {figures['step_ms']:.1f} ms "
        "(target <= 50 ms)"
    )
    print(
        f"page click Run 10,000 -> curve drawn, median: {figures['run_ms']:.1f} ms "
        "(target <= 250 ms)"
    )
    print(
        f"page first load -> network drawn: {figures['first_load_ms']:.0f} ms (target <= 1000 ms)"
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
