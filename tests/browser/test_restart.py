"""The server stops in the middle of a run and comes back: the page says so plainly, retries,
and carries on from its own state with nothing lost."""

import math
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Page, Server, browsing
from tests.helpers import RunningApp, free_port, start_app

OUTAGE_CONSOLE = "net::ERR_CONNECTION_REFUSED"  # Chromium logs each refused retry


@pytest.fixture
def own_server() -> Iterator[tuple[int, list[RunningApp]]]:
    """A server of this test's own, which the test may stop and start again on its port."""
    port = free_port()
    apps = [start_app(port)]
    try:
        yield port, apps
    finally:
        for app in apps:
            app.stop()


def test_play_survives_a_server_restart(browser: Any, own_server) -> None:
    port, processes = own_server
    server = Server(f"http://127.0.0.1:{port}")
    with browsing(browser, server) as app:
        page, seen = app.page, app.watch
        app.open()
        page.locator("#speed").select_option("20")
        app.click("play")
        wait_for_iteration(page, 5)

        processes[0].stop()
        message = page.locator("#message")
        message.wait_for(state="visible")
        page.wait_for_function(
            "() => document.querySelector('#message').textContent.includes('not answering')"
        )
        assert "Nothing is lost" in message.text_content()
        paused_at = iteration(app)
        # the page retries with growing delays; by its third attempt nothing has moved on
        page.wait_for_function(
            "() => /attempt [3-9]/.test(document.querySelector('#message').textContent)")
        assert iteration(app) == paused_at  # no progress, and no error, while it is away

        processes.append(start_app(port))
        wait_for_iteration(page, paused_at + 10)
        app.click("play")  # pause
        app.wait_idle()
        done = iteration(app)

        # Nothing was lost: one curve point per iteration, and the weights the server computes
        # from the worked example for that many iterations.
        points = app.chart_points()
        assert points["x"] == list(range(done + 1))
        expected = server.post("/api/epoch", {"epochs": done})
        for name, value in expected["state"]["weights"].items():
            assert math.isclose(app.value(f"weight-{name}"), value, rel_tol=1e-12), name
        assert math.isclose(app.value("loss"), expected["loss"], rel_tol=1e-12)
        app.screenshot("restart-1280x720.png")
    seen.console_errors = [text for text in seen.console_errors if OUTAGE_CONSOLE not in text]
    seen.assert_clean()


def wait_for_iteration(page: Any, at_least: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('[data-testid=iteration]').textContent"
        ".replace(/,/g, '')) >= n",
        arg=at_least,
    )


def iteration(app: Page) -> int:
    return int(app.text("iteration").replace(",", ""))
