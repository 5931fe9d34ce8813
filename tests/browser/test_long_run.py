"""The loss curve with the largest run: 100,001 points, drawn, and read exactly on hover."""

import re

from tests.browser.conftest import Page


def test_a_run_of_100000_draws_every_point_and_hover_reads_it(app_page: Page) -> None:
    app = app_page
    app.run(100_000)
    app.wait_points(100_001)
    points = app.chart_points()
    assert points["x"] == list(range(100_001))

    # hover the middle of the plot: the label names an iteration and its E_total exactly
    drag = app.page.locator("[data-testid=loss-chart] .nsewdrag").first
    drag.scroll_into_view_if_needed()
    area = drag.bounding_box()
    assert area is not None
    app.page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    label = app.page.locator("[data-testid=loss-chart] .hoverlayer .hovertext").first
    label.wait_for()
    text = label.text_content() or ""
    found = re.search(r"iteration ([\d,]+).*?=\s*([\d.e+-]+)", text.replace("−", "-"))
    assert found, text
    iteration = int(found.group(1).replace(",", ""))
    shown = float(found.group(2))
    assert 40_000 < iteration < 60_000
    assert f"{shown:.9g}" == f"{points['y'][iteration]:.9g}"  # nine significant digits
    app.screenshot("long-run-hover-1280x720.png")
