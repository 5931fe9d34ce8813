"""Every asset from this server: plotly.js from the installed package, compressed, cacheable;
our own files under versioned URLs; a reload that asks for almost nothing."""

import gzip
import posixpath
import re
from importlib import resources
from typing import Any

import plotly

from app import pages
from tests.browser.conftest import Server, browsing


def test_plotly_comes_from_the_installed_package(server: Server) -> None:
    status, headers, body = server.get("/")
    page = body.decode()
    # named for the page's modules, which run it when a curve is drawn
    named = r'<meta name="plotly-script" content="(/vendor/plotly-[^"]+\.min\.js)">'
    match = re.search(named, page)
    assert match, "the page loads plotly.js from this server"
    assert 'rel="preload"' not in page, "nothing fetched at load that the first screen lacks"
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



def test_every_module_of_the_page_is_asked_for_at_once(browser: Any, server: Server) -> None:
    """The page lists every module main.js loads as a modulepreload link (no waiting for one
    level of imports before asking for the next), and nothing else; the lessons and the live
    class, loaded after the first numbers are painted, come after, each module once."""
    _, _, body = server.get("/")
    listed = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', body.decode()))
    assert any("/static/js/views/diagram.js?v=" in url for url in listed)
    # the practice page's own entry and worksheet (a class's practice shares only its views)
    assert not any(f"/static/js/practice/{entry}.js" in url
                   for url in listed for entry in ("main", "worksheet"))
    with browsing(browser, server) as app:
        app.open()
        fetched = app.page.evaluate(
            "() => performance.getEntriesByType('resource').map(e => e.name)"
            ".filter(n => n.includes('/static/js/'))")
        assert len(fetched) == len(set(fetched)), "each module fetched once"
        fetched = {url.removeprefix(server.origin) for url in fetched}
        main = {url for url in fetched if "/static/js/controllers/main.js?v=" in url}
        assert len(main) == 1
        assert listed <= fetched - main
        path = lambda url: url.removeprefix("/static/").split("?")[0]  # noqa: E731
        # what main.js imports once its first numbers are painted: import("./lessons.js"), …
        source = (pages.STATIC_DIR / "js/controllers/main.js").read_text(encoding="utf-8")
        dynamic = [posixpath.normpath(posixpath.join("js/controllers", name))
                   for name in re.findall(r'\bimport\("([^"]+)"\)', source)]  # fmt: skip
        assert "js/classroom/controller.js" in dynamic and "js/controllers/lessons.js" in dynamic
        later = {module for entry in dynamic for module in pages.modules_loaded_by(entry)}
        assert {path(url) for url in fetched - main - listed} == later - {
            path(url) for url in listed}
        assert {path(url) for url in listed} & {"js/controllers/lessons.js",
                                                "js/classroom/controller.js"} == set()
        app.watch.assert_clean()
