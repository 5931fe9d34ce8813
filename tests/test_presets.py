"""The networks the page offers: each is a state the API takes as it is, each learns its
function (XOR, AND, OR) from its starting weights, and the page carries them all."""

import json
import re

import pytest

from app import presets

TRAINED = {"xor-221": 3000, "xor-231": 3000, "and": 2000, "or": 2000, "deep-2332": 3000}


def test_the_worked_example_comes_first_and_every_preset_is_named_in_every_language():
    listed = presets.presets()
    assert listed[0]["id"] == "example"
    assert [p["id"] for p in listed] == ["example", *TRAINED]
    for entry in listed:
        assert set(entry["name"]) == {"en", "zh-Hans", "zh-Hant"}


@pytest.mark.parametrize("preset", presets.presets(), ids=lambda p: p["id"])
def test_the_api_takes_each_preset_as_it_is(client, preset):
    answer = client.post("/api/reset", json={"state": preset["state"]})
    assert answer.status_code == 200, answer.text
    state = answer.json()["state"]
    for key in ("weights", "biases", "learning_rate", "options"):
        assert state[key] == preset["state"][key]
    assert state.get("layers") == preset["state"].get("layers")
    assert state.get("data") == preset["state"].get("data")


@pytest.mark.parametrize("preset_id", TRAINED)
def test_each_function_is_learnt_from_its_starting_weights(client, preset_id):
    state = dict(presets.PRESETS[preset_id][1])
    answer = client.post("/api/epoch", json={"state": state, "epochs": TRAINED[preset_id]}).json()
    assert answer["diverged"] is None
    assert answer["losses"][-1] < answer["losses"][0] / 20
    for row, reached in zip(state["data"], answer["rows"], strict=True):
        for output, target in row["targets"].items():
            assert abs(reached[f"out_{output}"] - target) < 0.1, (preset_id, row, reached)


def test_the_page_carries_every_preset(client):
    page = client.get("/").text
    embedded = re.search(r'id="network-presets">(.*?)</script>', page, re.S)
    assert embedded is not None
    assert json.loads(embedded.group(1)) == json.loads(json.dumps(presets.presets()))
