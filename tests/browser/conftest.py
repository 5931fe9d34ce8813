"""Browser tests: the real app under uvicorn, driven by Debian's Chromium through Playwright.

Playwright never downloads a browser here: it launches /usr/lib/chromium/chromium. Every page
records its requests, console errors and page errors, and each test ends by checking that all
requests stayed on the test server and nothing was logged as an error.
"""

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.helpers import ROOT, serving

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


@dataclass
class Server:
    origin: str

    def post(self, path: str, body: Any = None) -> dict[str, Any]:
        """POST JSON to the API and return the answer (raising on a non-2xx status)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.origin + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.origin + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, _lower(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, _lower(error.headers), error.read()


def _lower(headers: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with serving() as app:
        yield Server(app.origin)


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (make browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page did: every request URL, console errors, uncaught page errors."""

    origin: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        allowed = urlsplit(self.origin)
        return [
            url for url in self.requests
            if (urlsplit(url).scheme, urlsplit(url).netloc) != (allowed.scheme, allowed.netloc)
        ]

    def assert_clean(self) -> None:
        assert self.requests, "the page made no request at all"
        assert self.foreign_requests() == [], "requests left the origin"
        assert self.console_errors == [], "console errors"
        assert self.page_errors == [], "uncaught page errors"


@dataclass
class Page:
    """A Playwright page on the app, with what it did."""

    page: Any
    watch: Watch
    server: Server

    def open(self) -> None:
        self.page.goto(self.server.origin + "/")
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the page shows its network and has done what it does at load."""
        self.page.wait_for_function(
            "() => document.querySelector('[data-testid=loss]').dataset.value"
            " && !('busy' in document.body.dataset) && !('drawing' in document.body.dataset)"
        )

    def value(self, testid: str, within: str | None = None) -> float:
        """Return the full-precision number in the data-value of `testid`."""
        return float(self.attr(testid, "data-value", within))

    def attr(self, testid: str, name: str, within: str | None = None) -> str:
        scope = self.page.get_by_test_id(within) if within else self.page
        text = scope.get_by_test_id(testid).get_attribute(name)
        assert text is not None, f"{testid} has no {name}"
        return text

    def text(self, testid: str, within: str | None = None) -> str:
        scope = self.page.get_by_test_id(within) if within else self.page
        return (scope.get_by_test_id(testid).text_content() or "").strip()

    def click(self, testid: str) -> None:
        self.page.get_by_test_id(testid).click()

    def wait_iteration(self, text: str) -> None:
        self.page.wait_for_function(
            "t => document.querySelector('[data-testid=iteration]').textContent === t", arg=text
        )

    def wait_idle(self) -> None:
        """Wait until the page has done every action asked of it and drawn the result."""
        self.page.wait_for_function(
            "() => !('busy' in document.body.dataset) && !('drawing' in document.body.dataset)")

    def wait_still(self) -> None:
        """Wait until the page is idle and no highlight or transition is still running."""
        self.wait_idle()
        self.page.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running')"
            " && !document.querySelector('[data-flash]')")

    def run(self, epochs: int, reaching: int | None = None) -> None:
        """Type `epochs` into Run's field, press Run and wait until the page shows iteration
        `reaching` (`epochs`, for a run from iteration 0)."""
        self.page.get_by_test_id("input-epochs").fill(str(epochs))
        self.click("run")
        self.wait_iteration(f"{epochs if reaching is None else reaching:,}")

    def wait_points(self, count: int) -> None:
        """Wait until the loss curve holds `count` points."""
        self.page.wait_for_function(
            "n => document.querySelector('[data-testid=loss-chart]').data?.[0].y.length === n",
            arg=count)

    def wait_curve(self) -> None:
        """Bring the loss curve on screen and wait until plotly has drawn every point asked
        for (the curve is drawn only near the window; aria-busy while one is owed)."""
        self.wait_idle()
        self.page.get_by_test_id("loss-chart").scroll_into_view_if_needed()
        self.page.wait_for_function(
            "() => { const c = document.querySelector('[data-testid=loss-chart]');"
            " return c.data && !c.hasAttribute('aria-busy'); }")

    def chart_points(self) -> dict[str, list[float]]:
        self.wait_curve()
        return self.page.evaluate(
            "() => { const d = document.querySelector('[data-testid=loss-chart]').data[0];"
            " return {x: Array.from(d.x), y: Array.from(d.y)}; }"
        )

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path


def watch(page: Any, origin: str) -> Watch:
    seen = Watch(origin)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console_errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    return seen


@contextmanager
def browsing(
    browser: Any, server: Server, width: int = 1280, height: int = 720, **options: Any
) -> Iterator[Page]:
    """A fresh browser context (empty localStorage) of `width`×`height`, its page watched;
    the context is closed afterwards. The page is not opened yet."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    try:
        yield Page(page, watch(page, server.origin), server)
    finally:
        context.close()


@pytest.fixture
def app_page(browser: Any, server: Server) -> Iterator[Page]:
    """A fresh browser context at 1280×720 on the app's page."""
    with browsing(browser, server) as app:
        app.open()
        yield app
        app.watch.assert_clean()
