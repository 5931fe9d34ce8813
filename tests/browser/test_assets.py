"""Every asset from this server: plotly.js from the installed package, compressed, cacheable;
our own files under versioned URLs; a reload that asks for almost nothing."""

import gzip
import re
from importlib import resources
from typing import Any

import plotly

from tests.browser.conftest import Server, browsing


def test_plotly_comes_from_the_installed_package(server: Server) -> None:
    status, headers, body = server.get("/")
    page = body.decode()
    # fetched at once, run once the network is on screen
    preload = r'<link rel="preload" href="(/vendor/plotly-[^"]+\.min\.js)" as="script"'
    match = re.search(preload, page)
    assert match, "the page loads plotly.js from this server"
    url = match.group(1)
    assert plotly.__version__ in url

    status, headers, body = server.get(url, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert "max-age=31536000" in headers["cache-control"]
    installed = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    assert gzip.decompress(body) == installed
    assert len(body) < 2_000_000

    status, _, _ = server.get(url, {"If-None-Match": headers["etag"]})
    assert status == 304
    status, _, _ = server.get("/vendor/plotly-0.0.0.min.js")
    assert status == 404


def test_own_assets_are_versioned_and_compressed(server: Server) -> None:
    _, _, body = server.get("/")
    page = body.decode()
    urls = re.findall(r'"(/static/[^"?]+\?v=[0-9a-f]{12})"', page)
    assert any(u.startswith("/static/js/controllers/main.js") for u in urls)
    assert any(u.startswith("/static/css/page.css") for u in urls)
    assert any(u.startswith("/static/js/views/diagram.js") for u in urls)  # through the import map
    for url in urls:
        status, headers, _ = server.get(url, {"Accept-Encoding": "gzip"})
        assert status == 200, url
        assert "immutable" in headers["cache-control"], url
    status, headers, _ = server.get("/static/css/page.css", {"Accept-Encoding": "gzip"})
    assert headers["cache-control"] == "no-cache"
    assert headers.get("content-encoding") == "gzip"


def test_a_reload_fetches_only_the_page(browser: Any, server: Server) -> None:
    with browsing(browser, server) as app:
        page, seen = app.page, app.watch
        app.open()
        app.click("step")
        app.wait_iteration("1")
        page.reload()
        app.wait_ready()
        assert app.text("iteration") == "1"
        # what the reload took from the network (transferSize 0: from the browser's cache)
        transfers = page.evaluate(
            "() => performance.getEntriesByType('navigation').concat("
            "performance.getEntriesByType('resource')).map(e => [e.name, e.transferSize])"
        )
        fetched = [name.removeprefix(server.origin) for name, size in transfers if size > 0]
        assert fetched == ["/"]
        assert sum(size for _, size in transfers) < 100_000
        seen.assert_clean()

