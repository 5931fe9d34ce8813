"""Security headers: this origin only, no inline script, no framing unless a course site is
named; the API page's one inline script is allowed by its hash; redirects name no host; HEAD
is GET without the body."""

import re

import pytest
from fastapi.testclient import TestClient

from app.headers import relative_location, script_hash
from app.main import app
from app.pages import PLOTLY_VERSION


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize(("method", "path"), [("POST", "/api/step"), ("GET", "/openapi.json")])
def test_every_answer_carries_the_security_headers(client, method, path):
    answer = client.request(method, path)
    policy = directives(answer.headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"


def test_errors_carry_them_too(client):
    answer = client.post("/api/step", json={"state": {"weights": {"w1": "x"}}})
    assert answer.status_code == 422 and "content-security-policy" in answer.headers


def test_the_api_page_allows_exactly_its_own_inline_script(client):
    answer = client.get("/docs")
    scripts = re.findall(r"<script>(.*?)</script>", answer.text, re.S)
    assert len(scripts) == 1
    policy = directives(answer.headers["content-security-policy"])
    assert policy["script-src"] == f"'self' {script_hash(scripts[0])}"
    for asset in re.findall(r'(?:src|href)="([^"]+)"', answer.text):
        assert asset.startswith("/"), asset  # served here, never from a CDN
        assert client.get(asset).status_code == 200


def test_a_course_site_may_be_allowed_to_frame_the_app(monkeypatch):
    monkeypatch.setenv("FRAME_ANCESTORS", "https://lms.example.edu")
    with TestClient(app) as local:
        answer = local.post("/api/step")
    assert directives(answer.headers["content-security-policy"])["frame-ancestors"] == (
        "https://lms.example.edu"
    )
    assert "x-frame-options" not in answer.headers


@pytest.mark.parametrize(
    ("location", "relative"),
    [
        ("http://evil.example/docs", "/docs"),
        ("https://127.0.0.1:8000/docs?x=1", "/docs?x=1"),
        ("http://h//evil.example/", "/evil.example/"),
        ("/\\evil.example", "/evil.example"),
        ("/docs", "/docs"),
    ],
)
def test_redirects_are_relative_and_stay_on_this_server(location, relative):
    assert relative_location(location) == relative


def test_a_redirect_never_echoes_the_host_header(client):
    answer = client.get("/docs/", headers={"host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"] == "/docs"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/static/favicon.svg",
        f"/vendor/plotly-{PLOTLY_VERSION}.min.js",
        "/docs",
        "/openapi.json",
    ],
)
def test_head_has_the_status_and_headers_of_get_and_no_body(client, path):
    head = client.head(path)
    get = client.get(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "cache-control", "content-security-policy"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_of_a_missing_page_is_a_404_without_body(client):
    head = client.head("/nowhere")
    assert head.status_code == 404 and head.content == b""
    assert head.headers["content-type"].startswith("text/html")


def test_head_on_a_post_endpoint_is_not_allowed(client):
    answer = client.head("/api/step")
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
