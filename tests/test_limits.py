"""Bad input: every malformed request gets a JSON 4xx naming its field, never a 500."""

import pytest

from app.limits import MAX_BODY_BYTES
from app.schemas import MAX_ITERATION

BAD_STATES = [
    ({"weights": {"w9": 0.1}}, "state.weights.w9"),
    ({"colour": "red"}, "state.colour"),
    ({"weights": {"w1": "0.15"}}, "state.weights.w1"),
    ({"weights": {"w1": True}}, "state.weights.w1"),
    ({"weights": {"w1": None}}, "state.weights.w1"),
    ({"weights": {"w1": 1e7}}, "state.weights.w1"),
    ({"inputs": {"i2": -2e6}}, "state.inputs.i2"),
    ({"targets": {"o1": [0.5]}}, "state.targets.o1"),
    ({"biases": {"b2": {}}}, "state.biases.b2"),
    ({"learning_rate": 0}, "state.learning_rate"),
    ({"learning_rate": -0.5}, "state.learning_rate"),
    ({"learning_rate": 1e4}, "state.learning_rate"),
    ({"iteration": -1}, "state.iteration"),
    ({"iteration": 1.5}, "state.iteration"),
    ({"options": {"activation": "softplus"}}, "state.options.activation"),
    ({"options": {"loss": "hinge"}}, "state.options.loss"),
    ({"options": {"train_biases": "yes"}}, "state.options.train_biases"),
    ({"options": {"hidden_deltas_use": "newest"}}, "state.options.hidden_deltas_use"),
    ({"options": {"loss": "cross_entropy"}, "targets": {"o1": 0.0, "o2": 0.0}}, "state.targets"),
    ({"options": {"loss": "cross_entropy"}, "targets": {"o1": -0.5, "o2": 1.5}}, "state.targets"),
]


@pytest.mark.parametrize("path", ["/api/reset", "/api/step", "/api/epoch"])
@pytest.mark.parametrize(("state", "field"), BAD_STATES)
def test_bad_state_is_refused_naming_the_field(client, path, state, field):
    answer = client.post(path, json={"state": state})
    assert answer.status_code == 422
    body = answer.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["detail"].startswith(field + ": ")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused(client, literal):
    text = '{"state": {"weights": {"w2": ' + literal + "}}}"
    answer = client.post("/api/step", content=text, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "state.weights.w2"


@pytest.mark.parametrize(("epochs", "status"), [(0, 422), (-3, 422), (100_001, 422), (2.5, 422),
                                               ("10", 422), (1, 200), (100_000, 200)])  # fmt: skip
def test_epochs_must_be_within_its_range(client, epochs, status):
    answer = client.post("/api/epoch", json={"epochs": epochs})
    assert answer.status_code == status
    if status == 422:
        assert answer.json()["errors"][0]["field"] == "epochs"


def test_unknown_top_level_field_is_refused(client):
    answer = client.post("/api/step", json={"state": {}, "epochs": 3})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "epochs"


def test_broken_json_is_refused_naming_the_body(client):
    answer = client.post(
        "/api/step", content='{"state": {', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body"
    assert "not valid JSON" in answer.json()["detail"]


def test_a_body_that_is_not_an_object_is_refused(client):
    answer = client.post("/api/step", json=[1, 2, 3])
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "body"


def test_oversized_body_is_refused_with_413(client):
    padding = " " * (MAX_BODY_BYTES + 1)
    answer = client.post(
        "/api/step", content="{}" + padding, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert "body" in answer.json()["detail"]


def test_oversized_body_without_a_length_is_refused_with_413(client):
    def chunks():
        for _ in range(20):
            yield b" " * 8192

    answer = client.post(
        "/api/step", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413


def test_a_body_just_under_the_limit_is_read(client):
    answer = client.post(
        "/api/step",
        content="{}" + " " * (MAX_BODY_BYTES - 10),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200


def test_unknown_paths_and_methods_answer_json(client):
    assert client.get("/api/nowhere").json() == {"detail": "Not Found"}
    answer = client.get("/api/step")
    assert answer.status_code == 405 and answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize(("path", "extra"), [("/api/step", {}), ("/api/epoch", {"epochs": 5})])
def test_a_state_at_the_iteration_limit_cannot_advance_past_it(client, path, extra):
    answer = client.post(path, json={"state": {"iteration": MAX_ITERATION}, **extra})
    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("state.iteration: ")
    almost = {"state": {"iteration": MAX_ITERATION - 2}, "epochs": 2}
    assert client.post("/api/epoch", json=almost).json()["state"]["iteration"] == MAX_ITERATION


def test_a_body_that_is_not_text_gets_400_naming_the_body(client):
    answer = client.post(
        "/api/reset", content=b"\xc3\x28 not UTF-8", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("body: ")


def test_whole_number_floats_count_as_integers_as_json_schema_says(client):
    body = client.post("/api/epoch", json={"state": {"iteration": 2.0}, "epochs": 3.0}).json()
    assert body["state"]["iteration"] == 5
    refused = client.post("/api/epoch", json={"epochs": 3.5})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "epochs"


def test_every_error_answer_matches_its_documented_model(client):
    from app.schemas import InvalidRequest, Refused

    InvalidRequest.model_validate(client.post("/api/step", json={"x": 1}).json())
    Refused.model_validate(client.post("/api/step", content=b"\xff").json())
    Refused.model_validate(client.post("/api/step", json={"state": {"iteration": 10**12}}).json())


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", "{}"), ("application/x-www-form-urlencoded", "epochs=3"), (None, "{}"),
     ("multipart/form-data; boundary=x", "--x--"), ("application/jsonp", "{}")],
)  # fmt: skip
def test_a_body_that_is_not_declared_json_gets_415(client, content_type, body):
    headers = {"content-type": content_type} if content_type else {}
    answer = client.post("/api/epoch", content=body, headers=headers)
    assert answer.status_code == 415
    assert answer.json()["detail"].startswith("body: send JSON with Content-Type: application/json")


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/vnd+json"]
)
def test_json_in_any_spelling_is_read(client, content_type):
    answer = client.post("/api/step", content="{}", headers={"content-type": content_type})
    assert answer.status_code == 200


def test_an_empty_body_of_any_type_is_the_worked_example(client):
    answer = client.post("/api/step", content=b"", headers={"content-type": "text/plain"})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "path", ["/nowhere", "/static/js/nowhere.js", "/vendor/plotly-0.0.0.min.js", "/docs/x"]
)
def test_a_missing_page_gets_an_html_404_leading_home(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<code>{path}</code>" in answer.text and 'href="/"' in answer.text


@pytest.mark.parametrize("path", ["/api/nowhere", "/api/step/extra"])
def test_a_missing_api_path_gets_a_json_404(client, path):
    answer = client.get(path)
    assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
