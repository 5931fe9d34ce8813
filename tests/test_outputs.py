"""POST /api/outputs: a two-input network's output over a grid of its inputs, against the
50-digit layered reference and against the forward pass of each row."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import network
from tests.reference import layered_iteration

XOR_ROWS = [
    {"inputs": {"i1": a, "i2": b}, "targets": {"o1": float(a != b)}} for a in (0, 1) for b in (0, 1)
]
XOR = {
    "layers": [2, 3, 1], "learning_rate": 2, "biases": {"b1": 0.2, "b2": -0.1},
    "weights": {"w1": -0.3, "w2": 1, "w3": 0.9, "w4": 0.8, "w5": 0.6, "w6": 0.8, "w7": -1,
                "w8": 0.3, "w9": -0.5},
    "data": XOR_ROWS,
}  # fmt: skip


def close(engine: float, exact: object) -> bool:
    return abs(engine - exact) <= 1e-12 * abs(exact) + 1e-15


def reference_outputs(state: dict, x: float, y: float) -> dict[str, object]:
    """Each output's out at inputs (x, y), in 50-digit arithmetic."""
    layers = state.get("layers", [2, 2, 2])
    targets = {f"o{k}": 0.5 for k in range(1, layers[-1] + 1)}
    row = {"inputs": {"i1": x, "i2": y}, "targets": targets}
    values = layered_iteration(layers, state, [row])["rows"][0]["value"]
    return {name: value.value for name, value in values.items() if name.startswith("o")}


def test_the_worked_examples_output_over_its_inputs_by_default(client):
    answer = client.post("/api/outputs")
    assert answer.status_code == 200
    grid = answer.json()
    assert grid["output"] == "o1"
    assert grid["x"]["name"] == "i1" and grid["y"]["name"] == "i2"
    xs, ys, out = grid["x"]["values"], grid["y"]["values"], grid["out"]
    assert len(xs) == len(ys) == 51 and len(out) == 51 and all(len(row) == 51 for row in out)
    # the square around i1 = 0.05, i2 = 0.10: a quarter of their extent, at least 0.25, beyond
    assert xs[0] == ys[0] == 0.05 - 0.25 and xs[-1] == ys[-1] == 0.10 + 0.25


def test_xor_outputs_match_the_reference_at_every_point(client):
    body = {"state": XOR, "resolution": 7, "range": {"i1": [-0.5, 1.5], "i2": [0, 1]}}
    grid = client.post("/api/outputs", json=body).json()
    xs, ys = grid["x"]["values"], grid["y"]["values"]
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-0.5, 1.5, 0, 1)
    state = client.post("/api/reset", json={"state": XOR}).json()["state"]
    for row, y in enumerate(ys):
        for column, x in enumerate(xs):
            exact = reference_outputs(state, x, y)["o1"]
            assert close(grid["out"][row][column], exact), (x, y)


def test_a_grid_through_the_rows_gives_each_rows_forward_pass(client):
    """Range [0, 1] with 2 points per axis puts a grid point on each XOR row: the same out as
    the forward pass the step answers give for that row."""
    body = {"state": XOR, "resolution": 2, "range": {"i1": [0, 1], "i2": [0, 1]}}
    grid = client.post("/api/outputs", json=body).json()
    rows = client.post("/api/reset", json={"state": XOR}).json()["rows"]
    for k, row in enumerate(XOR_ROWS):
        point = grid["out"][row["inputs"]["i2"]][row["inputs"]["i1"]]
        assert point == pytest.approx(rows[k]["out_o1"], rel=1e-15, abs=0), k


def test_the_default_square_holds_every_row(client):
    grid = client.post("/api/outputs", json={"state": XOR, "resolution": 3}).json()
    assert grid["x"]["values"] == grid["y"]["values"] == [-0.25, 0.5, 1.25]


def test_each_output_of_a_softmax_network_and_their_sum(client):
    row = {"inputs": {"i1": -1, "i2": 2}, "targets": {"o1": 1, "o2": 0, "o3": 0}}
    options = {"loss": "cross_entropy", "activation": "tanh"}
    state = {"layers": [2, 3, 3], "options": options, "data": [row]}
    grids = [
        client.post("/api/outputs", json={"state": state, "output": o, "resolution": 9}).json()
        for o in ("o1", "o2", "o3")
    ]
    assert [grid["output"] for grid in grids] == ["o1", "o2", "o3"]
    sent = client.post("/api/reset", json={"state": state}).json()["state"]
    xs, ys = grids[0]["x"]["values"], grids[0]["y"]["values"]
    for row, column in [(0, 0), (4, 7), (8, 8)]:
        exact = reference_outputs(sent, xs[column], ys[row])
        total = 0.0
        for grid in grids:
            value = grid["out"][row][column]
            assert close(value, exact[grid["output"]])
            total += value
        assert total == pytest.approx(1.0, rel=1e-15)


@st.composite
def two_input_networks(draw):
    outputs = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    layers = [2, *hidden, outputs]
    shape = network.Network.of(layers)
    number = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    loss = draw(st.sampled_from(["squared", "cross_entropy"] if outputs > 1 else ["squared"]))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu"]))
    low = draw(number)
    return {
        "layers": layers,
        "weights": {w: draw(number) for w, *_ in shape.weights},
        "biases": {b: draw(number) for b, _ in shape.biases},
        "options": {"activation": activation, "loss": loss},
    }, draw(st.sampled_from(shape.outputs)), (low, low + draw(st.floats(0.01, 3)))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=two_input_networks(), resolution=st.integers(2, 12))
def test_any_two_input_network_matches_the_reference(client, case, resolution):
    state, output, span = case
    body = {"state": state, "output": output, "resolution": resolution,
            "range": {"i1": list(span), "i2": [-1, 1]}}  # fmt: skip
    answer = client.post("/api/outputs", json=body)
    assert answer.status_code == 200, answer.text
    grid = answer.json()
    xs, ys, out = grid["x"]["values"], grid["y"]["values"], grid["out"]
    assert len(xs) == len(ys) == resolution and (xs[0], xs[-1]) == span
    assert all(a < b for a, b in zip(xs, xs[1:], strict=False))
    sent = client.post("/api/reset", json={"state": state}).json()["state"]
    corners = {(0, 0), (resolution - 1, 0), (0, resolution - 1), (resolution - 1, resolution - 1)}
    for row, column in corners | {(resolution // 2, resolution // 3)}:
        exact = reference_outputs(sent, xs[column], ys[row])[output]
        assert close(out[row][column], exact), (row, column)
        assert math.isfinite(out[row][column])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": {"layers": [3, 2, 1]}}, "state.layers"),
        ({"state": {"layers": [1, 2, 1]}}, "state.layers"),
        ({"output": "o3"}, "output"),
        ({"output": "h1"}, "output"),
        ({"range": {"i1": [1, 1]}}, "range.i1"),
        ({"range": {"i2": [2, 1]}}, "range.i2"),
        ({"range": {"i1": [0]}}, "range.i1"),
        ({"range": {"i3": [0, 1]}}, "range.i3"),
        ({"range": {"i1": [0, 1e7]}}, "range.i1.1"),
        ({"resolution": 1}, "resolution"),
        ({"resolution": 202}, "resolution"),
        ({"state": {"layers": [2, 4, 4, 4, 4]}, "resolution": 108}, "resolution"),
    ],
)
def test_bad_requests_are_refused_naming_the_field(client, body, field):
    answer = client.post("/api/outputs", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field


def test_the_work_bound_allows_the_largest_grid_it_names(client):
    body = {"state": {"layers": [2, 4, 4, 4, 4]}, "resolution": 107}
    assert client.post("/api/outputs", json=body).status_code == 200
    refused = client.post("/api/outputs", json={**body, "resolution": 108}).json()
    assert "at most 107 points an axis for 56 weights" in refused["detail"]


def test_the_endpoint_is_documented_with_its_answer(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/outputs"]["post"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/OutputsResponse")
    assert client.get("/api/network").json()["bounds"]["outputs_resolution_max"] == 201
