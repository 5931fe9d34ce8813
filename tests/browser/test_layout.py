"""The page on a projector: screenshots at 1280×720 and 1920×1080, and no number overlapping
another. Screenshots go to test-artifacts/ to be looked at."""

from typing import Any

import pytest

from tests.browser.conftest import browsing

SIZES = [(1280, 720), (1920, 1080)]

# Every box that holds numbers: the neuron and bias boxes, and the edge labels.
BOXES_JS = """() => [...document.querySelectorAll('#diagram .node-box, #diagram .label-bg')]
  .map(el => { const r = el.getBoundingClientRect();
    const owner = el.closest('[data-param]') || el.closest('.node');
    return {name: (owner && (owner.dataset.param || owner.querySelector('.node-name').textContent)),
            left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"""

# Every number's text box inside the diagram's boxes, with the box that should contain it.
TEXT_JS = """() => [...document.querySelectorAll('#diagram text')]
  .filter(t => t.getClientRects().length && t.textContent.trim() && t.closest('.node, .edge-label'))
  .map(t => { const r = t.getBoundingClientRect();
    const box = (t.closest('.node') || t.closest('.edge-label'))
      .querySelector('.node-box, .label-bg').getBoundingClientRect();
    return {text: t.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
            box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom}}; })"""


def overlap(a: dict[str, float], b: dict[str, float], slack: float = 1.0) -> bool:
    return (
        a["left"] + slack < b["right"] and b["left"] + slack < a["right"]
        and a["top"] + slack < b["bottom"] and b["top"] + slack < a["bottom"]
    )


def assert_nothing_overlaps(page: Any) -> None:
    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) == 16  # 6 neurons, 2 inputs... 8 nodes and 8 edge labels
    clashes = [
        (a["name"], b["name"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if overlap(a, b)
    ]
    assert clashes == []
    texts = page.evaluate(TEXT_JS)
    outside = [
        t["text"] for t in texts
        if t["left"] < t["box"]["left"] - 1 or t["right"] > t["box"]["right"] + 1
        or t["top"] < t["box"]["top"] - 1 or t["bottom"] > t["box"]["bottom"] + 1
    ]
    assert outside == []
    # within each box, no two texts on top of each other
    by_box: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for t in texts:
        by_box.setdefault((t["box"]["left"], t["box"]["top"]), []).append(t)
    crowded = [
        (a["text"], b["text"]) for group in by_box.values()
        for i, a in enumerate(group) for b in group[i + 1:] if overlap(a, b, slack=0.5)
    ]
    assert crowded == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_screenshots_without_overlap(browser: Any, server: Any, width: int, height: int) -> None:
    with browsing(browser, server, width, height) as app:
        page, seen = app.page, app.watch
        app.open()
        assert_nothing_overlaps(page)
        app.screenshot(f"page-{width}x{height}-start.png")
        app.click("step")
        app.wait_iteration("1")
        app.wait_still()  # let the highlight of changed values fade
        assert_nothing_overlaps(page)
        app.screenshot(f"page-{width}x{height}-step.png")
        page.screenshot(path=str(app.screenshot(f"page-{width}x{height}-full.png")), full_page=True)
        app.page.get_by_test_id("input-epochs").fill("10000")
        app.click("run")
        app.wait_iteration("10,001")
        app.wait_still()
        assert_nothing_overlaps(page)
        app.screenshot(f"page-{width}x{height}-run.png")
        page.get_by_test_id("loss-chart").scroll_into_view_if_needed()
        app.screenshot(f"page-{width}x{height}-chart.png")
        # the numbers are large enough to read: no value in the diagram under 16 px
        smallest = page.evaluate(
            "() => Math.min(...[...document.querySelectorAll('#diagram .value')]"
            ".filter(t => t.getClientRects().length).map(t => t.getBoundingClientRect().height))"
        )
        assert smallest >= 16
        seen.assert_clean()
