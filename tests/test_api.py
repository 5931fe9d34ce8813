"""The JSON API: the worked example's figures over HTTP, the state round trip, divergence."""

import json
import math

import pytest

from app import network
from app.schemas import EXAMPLE_STATE
from tests.conftest import printed_as


def test_reset_without_a_body_returns_the_worked_example_and_its_forward_pass(client):
    answer = client.post("/api/reset")
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == EXAMPLE_STATE
    assert printed_as(body["trace"]["forward"]["E_total"], "0.298371109") == "0.298371109"


def test_reset_sets_the_iteration_to_zero_and_keeps_the_rest(client):
    state = {**EXAMPLE_STATE, "iteration": 41, "learning_rate": 0.25}
    body = client.post("/api/reset", json={"state": state}).json()
    assert body["state"] == {**state, "iteration": 0}


def test_step_reproduces_the_published_figures(client):
    body = client.post("/api/step").json()
    trace, state = body["trace"], body["state"]
    assert state["iteration"] == 1
    assert printed_as(trace["forward"]["out_o1"], "0.75136507") == "0.75136507"
    assert printed_as(trace["factors"]["dE_dout_o1"], "0.74136507") == "0.74136507"
    assert printed_as(trace["factors"]["dout_o1_dnet_o1"], "0.186815602") == "0.186815602"
    assert printed_as(trace["gradients"]["w5"], "0.082167041") == "0.082167041"
    assert printed_as(trace["factors"]["dE_dout_h1_via_o1"], "0.055399425") == "0.055399425"
    assert printed_as(trace["factors"]["dE_dout_h1"], "0.036350306") == "0.036350306"
    assert printed_as(trace["gradients"]["w1"], "0.000438568") == "0.000438568"
    assert printed_as(state["weights"]["w5"], "0.35891648") == "0.35891648"
    assert printed_as(state["weights"]["w1"], "0.149780716") == "0.149780716"
    assert printed_as(body["loss"], "0.291027774") == "0.291027774"
    assert body["diverged"] is None


def test_step_with_the_updated_rule_gives_the_published_error(client):
    state = {"options": {"hidden_deltas_use": "updated"}}
    body = client.post("/api/step", json={"state": state}).json()
    assert printed_as(body["loss"], "0.291027924") == "0.291027924"


def test_step_returns_exactly_what_the_engine_computes(client):
    body = client.post("/api/step", json={"state": EXAMPLE_STATE}).json()
    reached, trace = network.step(network.EXAMPLE)
    assert body["state"]["weights"] == reached.weights
    for part in ("forward", "factors", "deltas", "gradients", "changes"):
        assert body["trace"][part] == trace[part], part


def test_states_round_trip_through_json_without_loss(client):
    state = EXAMPLE_STATE
    for _ in range(5):
        state = client.post("/api/step", json={"state": state}).json()["state"]
    reached = network.EXAMPLE
    for _ in range(5):
        reached, _ = network.step(reached)
    assert state["weights"] == reached.weights  # every float came back bit for bit
    assert state["iteration"] == 5


def test_epoch_of_ten_thousand_gives_the_published_error(client):
    body = client.post("/api/epoch", json={"epochs": 10_000}).json()
    assert len(body["losses"]) == 10_000
    assert printed_as(body["losses"][9_999], "0.0000351085") == "0.0000351085"
    assert f"{body['loss']:.5e}" == "3.51019e-05"
    assert body["state"]["iteration"] == 10_000
    assert body["diverged"] is None


def test_epoch_losses_are_the_forward_passes_before_each_update(client):
    body = client.post("/api/epoch", json={"epochs": 3}).json()
    state, losses = EXAMPLE_STATE, []
    for _ in range(3):
        step = client.post("/api/step", json={"state": state}).json()
        losses.append(step["trace"]["forward"]["E_total"])
        state = step["state"]
    assert body["losses"] == pytest.approx(losses, rel=1e-12)
    assert body["loss"] == pytest.approx(step["loss"], rel=1e-12)


def test_epoch_continues_the_iteration_count(client):
    state = {**EXAMPLE_STATE, "iteration": 7}
    body = client.post("/api/epoch", json={"state": state, "epochs": 3}).json()
    assert body["state"]["iteration"] == 10


def test_cross_entropy_has_softmax_outputs_and_out_minus_target_deltas(client):
    state = {"options": {"loss": "cross_entropy"}}
    trace = client.post("/api/step", json={"state": state}).json()["trace"]
    assert trace["factors"]["dE_dout_o1"] is None
    assert math.isclose(trace["forward"]["out_o1"] + trace["forward"]["out_o2"], 1.0)
    assert trace["deltas"]["o1"] == trace["forward"]["out_o1"] - 0.01


def test_trained_biases_move(client):
    state = {"options": {"train_biases": True}}
    body = client.post("/api/step", json={"state": state}).json()
    deltas = body["trace"]["deltas"]
    assert body["state"]["biases"]["b1"] == 0.35 - 0.5 * (deltas["h1"] + deltas["h2"])
    assert body["trace"]["changes"]["b2"] == -0.5 * (deltas["o1"] + deltas["o2"])


DIVERGING = {
    "targets": {"o1": 1000.0, "o2": -1000.0},
    "weights": {"w5": 900.0},
    "learning_rate": 1000.0,
    "options": {"activation": "relu"},
}


def test_a_diverging_step_is_refused_and_said(client):
    body = client.post("/api/step", json={"state": {**DIVERGING, "weights": {"w5": 1e6}}}).json()
    assert body["diverged"]["iteration"] == 1
    assert "diverged at iteration 1" in body["diverged"]["message"]
    assert body["state"]["iteration"] == 0
    assert body["state"]["weights"]["w5"] == 1e6


def test_a_diverging_run_stops_says_when_and_holds_only_finite_numbers(client):
    answer = client.post("/api/epoch", json={"state": DIVERGING, "epochs": 1000})
    assert answer.status_code == 200
    body = json.loads(answer.text, parse_constant=lambda name: pytest.fail(name))
    diverged = body["diverged"]
    assert diverged["iteration"] == len(body["losses"]) + 1 == body["state"]["iteration"] + 1
    assert diverged["parameter"] in body["state"]["weights"]
    # The returned state can be sent back as it is.
    again = client.post("/api/step", json={"state": body["state"]})
    assert (
        again.status_code == 200 and again.json()["diverged"]["iteration"] == diverged["iteration"]
    )


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("rule", ["original", "updated"])
def test_the_most_extreme_state_allowed_still_answers_finite_json(client, activation, loss, rule):
    big = 1e6
    state = {
        "inputs": {"i1": big, "i2": -big},
        "targets": {"o1": 1.0, "o2": 0.0} if loss == "cross_entropy" else {"o1": big, "o2": -big},
        "weights": {f"w{k}": big * (-1) ** k for k in range(1, 9)},
        "biases": {"b1": big, "b2": -big},
        "learning_rate": 1000.0,
        "options": {"activation": activation, "loss": loss, "train_biases": True,
                    "hidden_deltas_use": rule},
    }  # fmt: skip
    for path, body in (
        ("/api/step", {"state": state}),
        ("/api/epoch", {"state": state, "epochs": 50}),
    ):
        answer = client.post(path, json=body)
        assert answer.status_code == 200, answer.text
        json.loads(
            answer.text, parse_constant=lambda name, path=path: pytest.fail(f"{path}: {name}")
        )


def test_openapi_documents_every_endpoint_with_the_worked_example(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/reset", "/api/step", "/api/epoch"} <= set(schema["paths"])
    text = json.dumps(schema)
    assert '"w5": 0.4' in text and '"epochs": 10000' in text
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "http://" not in docs.text and "https://" not in docs.text  # served offline


@pytest.mark.parametrize(("path", "extra"), [("/api/step", {}), ("/api/epoch", {"epochs": 25})])
def test_answers_carry_the_forward_pass_of_the_returned_state(client, path, extra):
    body = client.post(path, json={"state": EXAMPLE_STATE, **extra}).json()
    again = client.post("/api/reset", json={"state": body["state"]}).json()["trace"]["forward"]
    assert body["forward"] == again
    assert body["loss"] == body["forward"]["E_total"]


def test_epoch_returns_the_training_path_when_asked(client):
    body = client.post(
        "/api/epoch", json={"epochs": 1000, "path": 10, "state": EXAMPLE_STATE}
    ).json()
    path = body["path"]
    assert [point["iteration"] for point in path] == list(range(0, 1001, 100))
    assert path[0]["weights"] == EXAMPLE_STATE["weights"]
    assert path[-1]["weights"] == body["state"]["weights"]
    middle = client.post("/api/epoch", json={"epochs": 300, "state": EXAMPLE_STATE}).json()
    assert path[3]["weights"] == middle["state"]["weights"]  # the same arithmetic, chunked
    # chunking changes nothing else
    whole = client.post("/api/epoch", json={"epochs": 1000, "state": EXAMPLE_STATE}).json()
    assert whole["losses"] == body["losses"] and whole["state"] == body["state"]
    assert whole["path"] == []


def test_path_points_are_capped_by_the_epochs(client):
    body = client.post("/api/epoch", json={"epochs": 3, "path": 1000}).json()
    assert [point["iteration"] for point in body["path"]] == [0, 1, 2, 3]


def test_a_diverging_run_keeps_its_path_so_far(client):
    body = client.post("/api/epoch", json={"state": DIVERGING, "epochs": 1000, "path": 1000}).json()
    assert body["diverged"] is not None
    assert body["path"][-1]["iteration"] == body["state"]["iteration"]


def test_step_and_reset_carry_the_multiply_nodes_of_the_graph(client):
    state = {**EXAMPLE_STATE, "weights": {**EXAMPLE_STATE["weights"], "w6": -0.7}}
    for body in (
        client.post("/api/step", json={"state": state}).json(),
        client.post("/api/reset", json={"state": state}).json(),
    ):
        terms, forward = body["trace"]["terms"], body["trace"]["forward"]
        weights, inputs = state["weights"], state["inputs"]
        assert terms["w1_i1"] == weights["w1"] * inputs["i1"]
        assert terms["w4_i2"] == weights["w4"] * inputs["i2"]
        assert terms["w6_out_h2"] == weights["w6"] * forward["out_h2"]
        assert terms["w7_out_h1"] == weights["w7"] * forward["out_h1"]
        # the adds of the graph: net = the sum of its terms and the bias
        assert math.isclose(terms["w5_out_h1"] + terms["w6_out_h2"] + 0.60, forward["net_o1"])


@pytest.mark.parametrize(
    "path",
    ["/api/reset", "/api/step", "/api/epoch", "/api/gradient-check", "/api/landscape",
     "/api/outputs"],
)  # fmt: skip
def test_every_endpoint_takes_no_body_as_the_worked_example(client, path):
    assert client.post(path).status_code == 200
    assert client.post(path, json={}).json() == client.post(path).json()


def test_the_state_schema_states_the_softmax_targets_rule(client):
    state = client.get("/openapi.json").json()["components"]["schemas"]["State"]
    assert state["if"]["properties"]["options"]["properties"]["loss"]["const"] == "cross_entropy"
    targets = state["then"]["properties"]["targets"]["anyOf"][1]
    assert targets["additionalProperties"]["minimum"] == 0
    assert targets["not"]["required"] == ["o1", "o2"]
    refused = {"options": {"loss": "cross_entropy"}, "targets": {"o1": 0.0, "o2": 0.0}}
    assert client.post("/api/step", json={"state": refused}).status_code == 422


def test_factor_names_say_what_each_number_is(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Trace"]
    described = schema["properties"]["factors"]["anyOf"][0]["description"]
    assert "dnet_o1_dw5 is dnet_o1/dw5" in described and "via_o1" in described
    chain = {entry["name"]: entry for entry in client.get("/api/network").json()["chain"]}
    assert chain["dE_dout_h1_via_o1"]["terms"] == ["delta_o1", "dnet_o1_dout_h1"]
    assert chain["dE_dout_h1"] == {"name": "dE_dout_h1", "kind": "sum",
                                   "terms": ["dE_dout_h1_via_o1", "dE_dout_h1_via_o2"],
                                   "at": ["factors", "dE_dout_h1"]}  # fmt: skip
    for loss in ("squared", "cross_entropy"):
        trace = client.post("/api/step", json={"state": {"options": {"loss": loss}}}).json()
        factors, deltas = trace["trace"]["factors"], trace["trace"]["deltas"]
        assert factors["dE_dout_h1_via_o1"] == deltas["o1"] * factors["dnet_o1_dout_h1"]


def test_a_field_of_the_derived_schemas_is_named_in_the_refusal(client):
    body = b'{"state": {"weights": {"w1": NaN}}}'
    answer = client.post("/api/step", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "state.weights.w1: Input should be a finite number"


def test_reset_with_data_answers_the_mean_of_the_rows_errors(client):
    rows = [{"inputs": {"i1": a, "i2": b}, "targets": {"o1": 0.1, "o2": 0.9}} for a, b in
            [(0, 0), (0.5, 1), (2, -1)]]  # fmt: skip
    body = client.post("/api/reset", json={"state": {"data": rows}}).json()
    errors = [row["E_total"] for row in body["rows"]]
    assert body["loss"] == pytest.approx(math.fsum(errors) / 3, rel=1e-15)
    step = client.post("/api/step", json={"state": {**body["state"], "iteration": 0}}).json()
    assert "loss" not in client.post("/api/reset").json()  # the worked example's answer as before
    assert step["trace"]["forward"] == body["trace"]["forward"]
