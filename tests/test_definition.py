"""The network declared once: app.network's definition, GET /api/network and the page's copy
(the definition with the catalogue of named mistakes, app.practice.definition)."""

import json
import re

from app import network, practice
from app.schemas import EXAMPLE_STATE, State

CONTRACT_KEYS = {
    "inputs", "hidden", "outputs", "weights", "biases", "parameters", "options", "example",
    "bounds", "layers", "neurons", "chain",
}  # fmt: skip


def test_definition_names_every_neuron_edge_and_parameter():
    definition = network.definition()
    assert set(definition) == CONTRACT_KEYS
    assert definition["inputs"] == ["i1", "i2"]
    assert definition["hidden"] == ["h1", "h2"]
    assert definition["outputs"] == ["o1", "o2"]
    edges = {edge["name"]: (edge["from"], edge["to"]) for edge in definition["weights"]}
    assert edges == {
        "w1": ("i1", "h1"), "w2": ("i2", "h1"), "w3": ("i1", "h2"), "w4": ("i2", "h2"),
        "w5": ("h1", "o1"), "w6": ("h2", "o1"), "w7": ("h1", "o2"), "w8": ("h2", "o2"),
    }  # fmt: skip
    assert definition["biases"] == [
        {"name": "b1", "to": ["h1", "h2"]},
        {"name": "b2", "to": ["o1", "o2"]},
    ]
    assert definition["parameters"] == [*edges, "b1", "b2"]
    assert definition["options"] == {
        "activation": ["sigmoid", "tanh", "relu"],
        "loss": ["squared", "cross_entropy"],
        "train_biases": [False, True],
        "hidden_deltas_use": ["original", "updated"],
        "training": ["online", "batch"],
    }


def test_every_edge_joins_neurons_of_adjacent_layers():
    definition = network.definition()
    layers = [definition["inputs"], definition["hidden"], definition["outputs"]]
    for edge in definition["weights"]:
        source = next(k for k, layer in enumerate(layers) if edge["from"] in layer)
        assert edge["to"] in layers[source + 1]
    for bias in definition["biases"]:
        assert bias["to"] in layers[1:]


def test_the_example_is_the_state_reset_returns(client):
    definition = network.definition()
    assert definition["example"] == EXAMPLE_STATE
    assert definition["example"] == client.post("/api/reset").json()["state"]
    assert State.model_validate(definition["example"]).model_dump() == EXAMPLE_STATE


def test_bounds_are_the_ones_requests_are_held_to(client):
    bounds = network.definition()["bounds"]
    assert bounds["value"] == 1e6 and bounds["learning_rate_max"] == 1000
    assert bounds["iteration_max"] == 10**12 and bounds["epochs_max"] == 100_000
    assert bounds["path_max"] == 1000 and bounds["landscape_resolution_max"] == 201
    assert 0 < bounds["target_sum_tolerance"] < 1e-6
    over = {"state": {"weights": {"w1": bounds["value"] * 1.5}}}
    assert client.post("/api/step", json=over).json()["errors"][0]["context"] == {"le": 1e6}
    too_many = {"epochs": bounds["epochs_max"] + 1}
    assert client.post("/api/epoch", json=too_many).status_code == 422
    too_fine = {"resolution": bounds["landscape_resolution_max"] + 1}
    assert client.post("/api/landscape", json=too_fine).status_code == 422
    at_most = {"state": {"learning_rate": bounds["learning_rate_max"]}}
    assert client.post("/api/step", json=at_most).status_code == 200


def test_definition_is_a_copy_that_callers_cannot_change():
    network.definition()["example"]["weights"]["w1"] = 99.0
    assert network.definition()["example"]["weights"]["w1"] == 0.15


def test_get_network_answers_the_definition(client):
    answer = client.get("/api/network")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == practice.definition()
    described = {"mistakes": practice.catalogue(), "chain_rule": practice.chain_rule()}
    assert answer.json() == {**network.definition(), **described}


def test_openapi_documents_the_definition(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/network"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    documented = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert set(documented["properties"]) == CONTRACT_KEYS | {"mistakes", "chain_rule"}
    edge = schema["components"]["schemas"]["WeightEdge"]
    assert {"name", "from", "to"} <= set(edge["properties"])


def test_the_page_embeds_the_definition_as_data(client):
    page = client.get("/")
    found = re.search(
        r'<script type="application/json" id="network-definition">(.*?)</script>', page.text, re.S
    )
    assert found is not None
    # script text is raw: what the page parses is exactly what is between the tags
    assert json.loads(found.group(1)) == practice.definition()
    # A data block is never executed, so the policy needs no hash for it: only the import map's.
    policy = page.headers["content-security-policy"]
    script_sources = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert len([source for source in script_sources if source.startswith("'sha256-")]) == 1


def test_the_chain_rule_names_the_factors_that_make_each_gradient(client):
    """Each weight's factors, multiplied in order, are its gradient in /api/step's trace, and
    the paths of a hidden neuron sum to its dE_total/dout, each δ times the weight's factor."""
    chain = client.get("/api/network").json()["chain_rule"]
    definition = network.definition()
    assert set(chain["weights"]) == {edge["name"] for edge in definition["weights"]}
    assert set(chain["paths"]) == set(definition["hidden"])
    trace = client.post("/api/step").json()["trace"]
    factors = trace["factors"]
    for edge in definition["weights"]:
        described = chain["weights"][edge["name"]]
        assert (described["neuron"], described["source"]) == (edge["to"], edge["from"])
        first, second, third = (factors[name] for name in described["factors"])
        assert first * second * third == trace["gradients"][edge["name"]]
        for name in described["factors"]:
            assert chain["formulas"][name].split(" = ")[0]  # every factor has its formula
    for hidden, paths in chain["paths"].items():
        assert [path["weight"] for path in paths] == [
            edge["name"] for edge in definition["weights"] if edge["from"] == hidden
        ]
        for path in paths:
            through = trace["deltas"][path["through"]]
            assert factors[path["factor"]] == through * factors[path["local"]]
        assert sum(factors[path["factor"]] for path in paths) == factors[f"dE_dout_{hidden}"]
