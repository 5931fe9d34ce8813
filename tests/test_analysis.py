"""POST /api/gradient-check and POST /api/landscape against direct evaluation."""

import math

import pytest

from app import network
from app.schemas import EXAMPLE_STATE
from tests.test_network import numerical_gradient


def by_name(answer):
    return {row["name"]: row for row in answer.json()["parameters"]}


def test_gradient_check_of_the_worked_example_agrees_everywhere(client):
    answer = client.post("/api/gradient-check", json={"epsilon": 1e-5})
    assert answer.status_code == 200
    rows = by_name(answer)
    assert list(rows) == list(network.PARAMETERS)
    step = client.post("/api/step").json()["trace"]["gradients"]
    for name, row in rows.items():
        assert row["backprop"] == step[name]
        independent = numerical_gradient(network.EXAMPLE, name, epsilon=1e-5)
        assert math.isclose(row["numerical"], independent, rel_tol=1e-9, abs_tol=1e-15)
        expected = abs(row["backprop"] - row["numerical"]) / max(
            abs(row["backprop"]), abs(row["numerical"])
        )
        assert row["relative_error"] == pytest.approx(expected)
        assert row["relative_error"] < 1e-6


def test_gradient_check_shows_that_the_updated_rule_is_not_the_gradient(client):
    state = {"options": {"hidden_deltas_use": "updated"}}
    rows = by_name(client.post("/api/gradient-check", json={"state": state}))
    assert all(rows[name]["relative_error"] < 1e-6 for name in ("w5", "w6", "w7", "w8", "b2"))
    assert all(rows[name]["relative_error"] > 1e-3 for name in ("w1", "w2", "w3", "w4"))


def test_gradient_check_fails_at_the_relu_kink(client):
    # net_h1 = 0 exactly: relu'(0) = 0 for backprop, but the central difference sees half a slope
    state = {"options": {"activation": "relu"}, "biases": {"b1": -0.5, "b2": 0.6},
             "weights": {"w1": 0.5, "w2": 1.0}, "inputs": {"i1": 0.5, "i2": 0.25}}  # fmt: skip
    rows = by_name(client.post("/api/gradient-check", json={"state": state}))
    assert rows["w1"]["backprop"] == 0.0
    assert rows["w1"]["numerical"] != 0.0
    assert rows["w1"]["relative_error"] == pytest.approx(1.0)


@pytest.mark.parametrize("epsilon", [0, 1e-13, 2.0, -1e-4, "small"])
def test_gradient_check_refuses_an_epsilon_out_of_range(client, epsilon):
    answer = client.post("/api/gradient-check", json={"epsilon": epsilon})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "epsilon"


def test_landscape_is_centred_and_matches_direct_evaluation(client):
    body = {"state": EXAMPLE_STATE, "x": "w5", "y": "b1", "span": 0.5, "resolution": 21}
    answer = client.post("/api/landscape", json=body)
    assert answer.status_code == 200
    grid = answer.json()
    xs, ys, surface = grid["x"]["values"], grid["y"]["values"], grid["E_total"]
    assert grid["x"]["name"] == "w5" and grid["y"]["name"] == "b1"
    assert len(xs) == len(ys) == 21 and len(surface) == 21 and len(surface[0]) == 21
    assert xs[0] == pytest.approx(0.4 - 0.5) and xs[-1] == pytest.approx(0.4 + 0.5)
    assert ys[10] == pytest.approx(0.35)
    centre = client.post("/api/reset").json()["trace"]["forward"]["E_total"]
    assert surface[10][10] == pytest.approx(centre, rel=1e-15)
    for row, column in [(0, 0), (3, 17), (20, 5), (20, 20)]:
        moved = network.EXAMPLE.with_parameters({"w5": xs[column], "b1": ys[row]})
        direct = network.forward(moved)["E_total"]
        assert surface[row][column] == pytest.approx(direct, rel=1e-14)


def test_landscape_at_full_resolution(client):
    grid = client.post("/api/landscape", json={"resolution": 201, "span": 2.0}).json()
    assert len(grid["E_total"]) == 201 and all(len(row) == 201 for row in grid["E_total"])
    assert all(math.isfinite(value) for row in grid["E_total"] for value in row)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"x": "w1", "y": "w1"}, "y"),
        ({"x": "w9"}, "x"),
        ({"resolution": 202}, "resolution"),
        ({"resolution": 1}, "resolution"),
        ({"span": 0}, "span"),
        ({"span": 1e4}, "span"),
    ],
)
def test_landscape_refuses_bad_axes(client, body, field):
    answer = client.post("/api/landscape", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field


def test_gradient_check_says_which_rows_are_the_gradient(client):
    rows = by_name(client.post("/api/gradient-check"))
    assert all(row["is_gradient"] for row in rows.values())
    state = {"options": {"hidden_deltas_use": "updated"}}
    rows = by_name(client.post("/api/gradient-check", json={"state": state}))
    not_gradient = {name for name, row in rows.items() if not row["is_gradient"]}
    assert not_gradient == {"w1", "w2", "w3", "w4", "b1"}
    # the rows said to be dE_total/dp agree with the central difference
    assert all(row["relative_error"] < 1e-6 for row in rows.values() if row["is_gradient"])


@pytest.mark.parametrize(
    "body",
    [{"x": "b2", "y": "b2"}, {"x": "w1"}, {"y": "w5"}],
)
def test_landscape_axes_rule_is_in_the_schema_and_kept(client, body):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["LandscapeRequest"]
    forbidden = schema["not"]["anyOf"]
    assert any(
        all(body.get(axis) == rule["properties"][axis]["const"] for axis in rule["required"])
        and not any(axis in body for axis in rule.get("not", {}).get("required", []))
        for rule in forbidden
    )
    assert client.post("/api/landscape", json=body).status_code == 422
