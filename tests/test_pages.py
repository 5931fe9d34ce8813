"""The page's assets: versioned files from memory, compressed once; the modules a page loads,
found by following its imports; plotly.js named, not loaded, by the page."""

import json
import re

import pytest

from app import pages


def test_a_versioned_module_comes_from_memory_compressed(client):
    path = pages.STATIC_DIR / "js" / "views" / "diagram.js"
    url = f"/static/js/views/diagram.js?v={pages.asset_version('js/views/diagram.js')}"
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["content-type"] == "text/javascript; charset=utf-8"
    assert packed.headers["cache-control"] == pages.YEAR
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.content == path.read_bytes()  # the client decompresses
    plain = client.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == path.read_bytes()


def test_a_changed_file_is_read_again(client, tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "STATIC_DIR", tmp_path)
    module = tmp_path / "a.js"
    module.write_text("export const a = 1;\n")
    assert pages._versioned_asset("a.js").plain == b"export const a = 1;\n"
    module.write_text("export const a = 22;\n")  # another size: another entry
    assert pages._versioned_asset("a.js").plain == b"export const a = 22;\n"


@pytest.mark.parametrize(
    "path", ["../app/pages.py", "js/../../app/pages.py", "/etc/passwd", "js", "js/nowhere.js", ""]
)
def test_nothing_outside_static_files_is_served_from_memory(path):
    assert pages._versioned_asset(path) is None


@pytest.mark.parametrize(
    "url", ["/static/%2e%2e/app/pages.py?v=1", "/static/js?v=1", "/static/js/nowhere.js?v=1"]
)
def test_outside_or_missing_is_404(client, url):
    assert client.get(url).status_code == 404


def test_an_unversioned_asset_is_revalidated(client):
    answer = client.get("/static/css/page.css")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"


def test_the_modules_of_the_page_follow_every_import_and_only_those(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "STATIC_DIR", tmp_path)
    (tmp_path / "js" / "views").mkdir(parents=True)
    (tmp_path / "js" / "main.js").write_text(
        'import { a,\n  b,\n} from "./views/a.js";\nimport "./side.js";\n'
        'export { c } from "./views/c.js";\n// not an import: "./views/none.js"\n'
    )
    (tmp_path / "js" / "views" / "a.js").write_text(
        'import { c } from "./c.js";\nimport "../main.js";\n'
    )
    (tmp_path / "js" / "views" / "c.js").write_text("export const c = 1;\n")
    (tmp_path / "js" / "side.js").write_text("")
    (tmp_path / "js" / "unused.js").write_text("")
    assert pages.modules_loaded_by("js/main.js") == [
        "js/main.js", "js/views/a.js", "js/side.js", "js/views/c.js"
    ]


def test_the_page_preloads_its_modules_and_names_plotly(client):
    page = client.get("/").text
    listed = re.findall(r'<link rel="modulepreload" href="/static/([^"?]+)\?v=[0-9a-f]{12}">', page)
    assert sorted(listed) == sorted(pages.modules_loaded_by("js/controllers/main.js")[1:])
    assert "js/views/chart.js" in listed and "js/practice/main.js" not in listed
    named = re.search(r'<meta name="plotly-script" content="([^"]+)">', page)
    assert named and named.group(1) == f"/vendor/plotly-{pages.PLOTLY_VERSION}.min.js"
    script = client.get(named.group(1), headers={"accept-encoding": "gzip"})
    assert script.headers["content-encoding"] == "gzip"
    assert b"window.Plotly" in script.content


def test_the_page_carries_the_worked_examples_first_answer(client):
    """Its first numbers need no request: the page holds what POST /api/reset answers."""
    page = client.get("/").text
    carried = re.search(r'id="example-answer">(.*?)</script>', page, re.S)
    assert carried is not None
    assert json.loads(carried.group(1)) == client.post("/api/reset").json()
