"""Pages and static text are compressed; API answers are not (see app.compression)."""


def test_api_answers_are_sent_uncompressed(client):
    answer = client.post("/api/epoch", json={"epochs": 1000}, headers={"accept-encoding": "gzip"})
    assert answer.status_code == 200
    assert "content-encoding" not in answer.headers


def test_documentation_page_is_compressed(client):
    answer = client.get("/docs", headers={"accept-encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
