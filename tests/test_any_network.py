"""Any small network: the shapes and names, the API's answers against the 50-digit reference on
random architectures, data and both kinds of training, and what is refused."""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app import network, training
from tests import reference
from tests.reference import layered_iteration

XOR = [
    {"inputs": {"i1": 0.0, "i2": 0.0}, "targets": {"o1": 0.0}},
    {"inputs": {"i1": 0.0, "i2": 1.0}, "targets": {"o1": 1.0}},
    {"inputs": {"i1": 1.0, "i2": 0.0}, "targets": {"o1": 1.0}},
    {"inputs": {"i1": 1.0, "i2": 1.0}, "targets": {"o1": 0.0}},
]


def test_a_deeper_network_is_named_by_the_documented_rule():
    described = network.definition((2, 3, 3, 2))
    assert described["neurons"] == [["i1", "i2"], ["h1", "h2", "h3"], ["h4", "h5", "h6"],
                                     ["o1", "o2"]]  # fmt: skip
    edges = [(w["name"], w["from"], w["to"]) for w in described["weights"]]
    assert edges[:3] == [("w1", "i1", "h1"), ("w2", "i2", "h1"), ("w3", "i1", "h2")]
    assert edges[6:9] == [("w7", "h1", "h4"), ("w8", "h2", "h4"), ("w9", "h3", "h4")]
    assert edges[-1] == ("w21", "h6", "o2") and len(edges) == 2 * 3 + 3 * 3 + 3 * 2
    assert [b["name"] for b in described["biases"]] == ["b1", "b2", "b3"]
    assert described["biases"][1]["to"] == ["h4", "h5", "h6"]
    assert described["example"]["layers"] == [2, 3, 3, 2]


def test_the_worked_examples_shape_is_the_default_everywhere(client):
    assert client.get("/api/network").json() == client.get("/api/network?layers=2,2,2").json()
    assert "layers" not in client.get("/api/network").json()["example"]
    answer = client.post("/api/step").json()
    assert "layers" not in answer["state"] and "rows" not in answer
    assert "row" not in answer["trace"]
    assert (
        client.post("/api/step", json={"state": {"layers": [2, 2, 2]}}).json()["trace"]
        == (answer["trace"])
    )


def test_the_chain_makes_every_gradient_from_the_trace(client):
    """Each product and sum of the description, evaluated on a step's trace, is the value the
    trace holds: the description and the computation are one."""
    for layers in ("2,2,2", "2,3,1", "3,2,4,2", "1,1,1,1,1"):
        described = client.get(f"/api/network?layers={layers}").json()
        state = described["example"]
        trace = client.post("/api/step", json={"state": state}).json()["trace"]
        values = {}
        for entry in described["chain"]:
            if entry.get("loss") not in (None, "squared"):
                continue
            part, name = entry["at"]
            held = trace[part][name]
            if entry["kind"] == "product":
                assert held == values[entry["terms"][0]] * values[entry["terms"][1]]
            elif entry["kind"] == "sum":
                assert held == math.fsum(values[t] for t in entry["terms"]) or held == sum(
                    values[t] for t in entry["terms"]
                )
            values[entry["name"]] = held
        assert {f"dE_d{p}" for p in described["parameters"]} <= set(values)


@given(
    layers=st.tuples(st.integers(1, 4), st.lists(st.integers(1, 4), min_size=1, max_size=3),
                     st.integers(1, 4)).map(lambda t: [t[0], *t[1], t[2]])  # fmt: skip
)
def test_each_neurons_edges_and_bias_are_read_from_its_weights(layers):
    shape = network.Network.of(layers)
    assert network.Network.of(tuple(layers)) is shape  # made once
    for neuron in (name for layer in shape.neurons for name in layer):
        assert shape.into(neuron) == tuple((w, s) for w, s, t in shape.weights if t == neuron)
        assert shape.out_of(neuron) == tuple((w, t) for w, s, t in shape.weights if s == neuron)
        if not neuron.startswith("i"):
            assert shape.bias_of(neuron) == next(b for b, fed in shape.biases if neuron in fed)


def test_a_shape_of_other_numbers_than_ints_is_not_taken_for_one():
    network._network_of.cache_clear()
    made = network.Network.of([True, 1, 1])  # equal to (1, 1, 1) as a key: never kept as one
    assert made.layers[0] is True and made is not network.Network.of([True, 1, 1])
    assert type(network.Network.of([1, 1, 1]).layers[0]) is int
    with pytest.raises(ValueError):
        network.Network.of([5, 2, 2])


ORDINARY = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
# any magnitude a request may hold, 1e-300 to 1e6, either sign, and 0; and numbers up to 800
# that put nets where sigmoid and tanh saturate and e^net leaves float64's range
EXTREME = st.one_of(
    st.just(0.0),
    st.builds(lambda sign, exponent: sign * 10.0**exponent, st.sampled_from([1.0, -1.0]),
              st.floats(-300, 6)),
    st.floats(-800, 800),
)  # fmt: skip


@st.composite
def networks(draw, number=ORDINARY, activations=("sigmoid", "tanh")):
    inputs, outputs = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    layers = [inputs, *hidden, outputs]
    described = network.Network.of(layers)
    loss = draw(st.sampled_from(["squared", "cross_entropy"] if outputs > 1 else ["squared"]))
    training_kind = draw(st.sampled_from(["online", "batch"]))
    rule = draw(st.sampled_from(["original", "updated"] if training_kind == "online"
                                else ["original"]))  # fmt: skip
    target = st.floats(0.01, 1, allow_nan=False).map(lambda v: round(v, 3))

    def row():
        return {
            "inputs": {i: draw(number) for i in described.inputs},
            "targets": {o: draw(target) for o in described.outputs},
        }

    rows = [row() for _ in range(draw(st.integers(1, 5)))]
    state = {
        "layers": layers,
        "weights": {w: draw(number) for w, *_ in described.weights},
        "biases": {b: draw(number) for b, _ in described.biases},
        "data": rows,
        "learning_rate": draw(st.sampled_from([0.1, 0.5, 2.0])),
        "iteration": draw(st.integers(0, 10)),
        "options": {
            "activation": draw(st.sampled_from(activations)),
            "loss": loss,
            "train_biases": draw(st.booleans()),
            "hidden_deltas_use": rule,
            "training": training_kind,
        },  # fmt: skip
    }
    return state


def close(engine: float, exact: reference.Exact) -> bool:
    """Within 1e-9 relative, or float64's own rounding of what cancels (tests/reference.py)."""
    return reference.matches(engine, exact, strict=False)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(state=networks())
def test_a_step_of_any_network_matches_the_reference(client, state):
    assert_step_matches_the_reference(client, state)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(state=networks(EXTREME, ("sigmoid", "tanh", "relu")))
def test_a_step_of_any_network_at_the_float64_edges_matches_the_reference(client, state):
    """Inputs, weights and biases of any magnitude a request may hold: saturated neurons, nets
    past e's exponent range, tiny numbers below the normal range."""
    assert_step_matches_the_reference(client, state)


def kink_is_unresolved(state: dict, exact: dict) -> bool:
    """relu's slope jumps at 0: where float64 cannot tell a net's sign, neither can the check."""
    if state["options"]["activation"] != "relu":
        return False
    return any(
        abs(net.value) <= 16 * reference.UNIT_ROUNDOFF * net.size + reference.SUBNORMAL_SLACK
        for row in exact["rows"]
        for net in row["net"].values()
    )


def assert_step_matches_the_reference(client, state):
    """Every gradient, parameter after the update, E_total and δ of /api/step's answer is the
    50-digit reference's."""
    answer = client.post("/api/step", json={"state": state})
    assert answer.status_code == 200, answer.text
    answer = answer.json()
    rows = answer["state"]["data"]  # softmax targets as the server scaled them
    batch = state["options"]["training"] == "batch"
    used = rows if batch else [rows[state["iteration"] % len(rows)]]
    exact = layered_iteration(state["layers"], state, used)
    assume(not kink_is_unresolved(state, exact))
    trace = answer["trace"]
    for name, value in trace["gradients"].items():
        assert close(value, exact["gradients"][name]), name
    if answer["diverged"] is None:  # else the state stays, and says which parameter left
        after = {**answer["state"]["weights"], **answer["state"]["biases"]}
        for name, value in after.items():
            assert close(value, exact["parameters"][name]), name
    each = trace["rows"] if batch and len(rows) > 1 else [trace]
    for got, want in zip(each, exact["rows"], strict=True):
        assert close(got["forward"]["E_total"], want["E"])
        for neuron, delta in got["deltas"].items():
            assert close(delta, want["delta"][neuron]), neuron
    if not batch:
        assert trace["row"] == state["iteration"] % len(rows)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(state=networks(), passes=st.integers(1, 3))
def test_an_epoch_is_its_steps(client, state, passes):
    """/api/epoch's fast loop gives the states and losses of one Step at a time."""
    state = {**state, "learning_rate": 0.1}
    rows = len(state["data"])
    per_pass = 1 if state["options"]["training"] == "batch" else rows
    run = client.post("/api/epoch", json={"state": state, "epochs": passes}).json()
    stepped, losses = state, []
    for _ in range(passes):
        total = 0.0
        for _ in range(per_pass):
            answer = client.post("/api/step", json={"state": stepped}).json()
            trace = answer["trace"]
            each = trace["rows"] if trace.get("rows") else [trace]
            for row in each:
                total = total + row["forward"]["E_total"]
            stepped = answer["state"]
        losses.append(total / rows)
    # the same operations in the same order; numpy's exp and tanh may differ from the C
    # library's in the last bit
    assert {**run["state"], "weights": None, "biases": None} == {**stepped, "weights": None,
                                                                 "biases": None}  # fmt: skip
    for part in ("weights", "biases"):
        for name, value in run["state"][part].items():
            assert value == pytest.approx(stepped[part][name], rel=1e-12, abs=1e-15)
    assert run["losses"] == pytest.approx(losses, rel=1e-12, abs=1e-15)
    assert run["state"]["iteration"] == state["iteration"] + passes * per_pass


def test_xor_rows_online_cycle_and_batch_averages(client):
    state = {"layers": [2, 2, 1], "data": XOR}
    first = client.post("/api/step", json={"state": state}).json()
    assert first["trace"]["row"] == 0 and len(first["rows"]) == 4
    second = client.post("/api/step", json={"state": first["state"]}).json()
    assert second["trace"]["row"] == 1
    batch = {**state, "options": {"training": "batch"}}
    answer = client.post("/api/step", json={"state": batch}).json()
    assert answer["trace"]["forward"] is None and len(answer["trace"]["rows"]) == 4
    per_row = [
        client.post("/api/step", json={"state": {**state, "iteration": k}}).json()["trace"]
        for k in range(4)
    ]
    for name, value in answer["trace"]["gradients"].items():
        mean = sum(trace["gradients"][name] for trace in per_row) / 4
        assert value == pytest.approx(mean, rel=1e-12, abs=1e-300)
    assert answer["loss"] == pytest.approx(sum(r["E_total"] for r in answer["rows"]) / 4)


@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"weights": {"w9": 0.1}}, "state.weights.w9"),
        ({"layers": [2, 1]}, "state.layers"),
        ({"layers": [2, 5, 1]}, "state.layers.1"),
        ({"layers": [2, 2, 1], "targets": {"o2": 0.5}}, "state.targets.o2"),
        ({"layers": [2, 2, 1], "options": {"loss": "cross_entropy"}}, "state.options.loss"),
        ({"data": XOR[:1], "layers": [2, 2, 1], "inputs": {"i1": 1.0}}, "state.inputs"),
        ({"data": [{"inputs": {"i1": 1.0}, "targets": {"o1": 1.0}}], "layers": [2, 2, 1]},
         "state.data.0.inputs"),
        ({"data": XOR * 5, "layers": [2, 2, 1]}, "state.data"),
        ({"options": {"training": "batch", "hidden_deltas_use": "updated"}},
         "state.options.hidden_deltas_use"),
    ],
)  # fmt: skip
def test_a_state_that_does_not_fit_its_network_is_refused_naming_the_field(client, state, field):
    answer = client.post("/api/step", json={"state": state})
    assert answer.status_code == 422
    assert any(error["field"] == field for error in answer.json()["errors"]), answer.json()


def test_shapes_and_axes_outside_the_network_are_refused(client):
    assert client.get("/api/network?layers=5,1,1").status_code == 422
    assert client.get("/api/network?layers=2,2").status_code == 422
    answer = client.post("/api/landscape", json={"state": {"layers": [2, 1, 1]}, "x": "w8"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "x"
    body = {"state": {"layers": [2, 2, 1], "data": XOR}, "resolution": 3}
    grid = client.post("/api/landscape", json=body).json()
    assert grid["x"]["name"] == "w5" and len(grid["E_total"]) == 3


def test_the_loop_written_for_a_shape_is_network_step():
    for layers in ((2, 2, 1), (3, 4, 2, 3), (1, 1, 1, 1, 1), (4, 4, 4, 4, 4)):
        for options in (network.Options(), network.Options(hidden_deltas_use="updated"),
                        network.Options(loss="cross_entropy", train_biases=True)):  # fmt: skip
            if options.loss == "cross_entropy" and layers[-1] < 2:
                continue
            state = network.State.of({**network.Network.of(layers).example,
                                      "options": vars(options)})  # fmt: skip
            run = training.train(state, 5)
            for _ in range(5):
                state, _ = network.step(state)
            for name, value in state.parameters().items():
                assert run.state.parameters()[name] == pytest.approx(value, rel=1e-12, abs=1e-15)
