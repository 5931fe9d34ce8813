"""HEAD answers as GET would, without the body."""

import pytest

from app.pages import PLOTLY_VERSION


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
