"""Practice: exercises drawn from seeds, and answers judged against an independent computation.

The reference below recomputes every answer and every named mistake in plain Python floats
from the exercise's state, without the engine, and judges an answer with the rules as stated:
correct first, then the first named mistake in table order, each within its tolerance.
"""

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import practice
from app.schemas import State

SEEDS = st.integers(min_value=0, max_value=2**31 - 1)
LEVELS = st.sampled_from([1, 2, 3, 4])
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The table of named mistakes in its order of precedence, as the rules state it.
TABLE = [
    "sign_error",
    "missing_activation_derivative",
    "dropped_half",
    "net_for_out",
    "missed_second_path",
    "used_updated_weight",
    "forgot_learning_rate",
    "added_update",
]
WEIGHTS = [f"w{n}" for n in range(1, 9)]


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def reference(state: dict) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Return every answer and, per answer, the value of each named mistake that applies."""
    i1, i2 = state["inputs"]["i1"], state["inputs"]["i2"]
    t1, t2 = state["targets"]["o1"], state["targets"]["o2"]
    w = state["weights"]
    b1, b2 = state["biases"]["b1"], state["biases"]["b2"]
    eta = state["learning_rate"]

    net_h1 = w["w1"] * i1 + w["w2"] * i2 + b1
    net_h2 = w["w3"] * i1 + w["w4"] * i2 + b1
    out_h1, out_h2 = sigmoid(net_h1), sigmoid(net_h2)
    out_o1 = sigmoid(w["w5"] * out_h1 + w["w6"] * out_h2 + b2)
    out_o2 = sigmoid(w["w7"] * out_h1 + w["w8"] * out_h2 + b2)

    slope_o1, slope_o2 = out_o1 * (1 - out_o1), out_o2 * (1 - out_o2)
    slope_h1, slope_h2 = out_h1 * (1 - out_h1), out_h2 * (1 - out_h2)
    delta_o1, delta_o2 = (out_o1 - t1) * slope_o1, (out_o2 - t2) * slope_o2
    g = {
        "w5": delta_o1 * out_h1, "w6": delta_o1 * out_h2,
        "w7": delta_o2 * out_h1, "w8": delta_o2 * out_h2,
    }  # fmt: skip
    back_h1 = delta_o1 * w["w5"] + delta_o2 * w["w7"]
    back_h2 = delta_o1 * w["w6"] + delta_o2 * w["w8"]
    g["w1"], g["w2"] = back_h1 * slope_h1 * i1, back_h1 * slope_h1 * i2
    g["w3"], g["w4"] = back_h2 * slope_h2 * i1, back_h2 * slope_h2 * i2

    correct = {
        "dE_dout_o1": out_o1 - t1, "dout_o1_dnet_o1": slope_o1, "dnet_o1_dw5": out_h1,
        "dE_dout_h1": back_h1, "dout_h1_dnet_h1": slope_h1, "dnet_h1_dw1": i1,
    }  # fmt: skip
    for name in WEIGHTS:
        correct[f"dE_d{name}"] = g[name]
        correct[f"{name}_new"] = w[name] - eta * g[name]

    wrong: dict[str, dict[str, float]] = {name: {} for name in correct}
    for name in correct:
        if not name.endswith("_new"):
            wrong[name]["sign_error"] = -correct[name]
    wrong["dE_dw5"]["missing_activation_derivative"] = (out_o1 - t1) * out_h1
    wrong["dE_dw1"]["missing_activation_derivative"] = back_h1 * i1
    for name in ("dE_dout_o1", "dE_dw5", "dE_dw1"):
        wrong[name]["dropped_half"] = 2 * correct[name]
    wrong["dnet_o1_dw5"]["net_for_out"] = net_h1
    wrong["dE_dw5"]["net_for_out"] = delta_o1 * net_h1
    wrong["dE_dout_h1"]["missed_second_path"] = delta_o1 * w["w5"]
    wrong["dE_dw1"]["missed_second_path"] = delta_o1 * w["w5"] * slope_h1 * i1
    w5_after, w7_after = w["w5"] - eta * g["w5"], w["w7"] - eta * g["w7"]
    back_h1_after = delta_o1 * w5_after + delta_o2 * w7_after
    wrong["dE_dout_h1"]["used_updated_weight"] = back_h1_after
    wrong["dE_dw1"]["used_updated_weight"] = back_h1_after * slope_h1 * i1
    for name in WEIGHTS:
        wrong[f"{name}_new"]["forgot_learning_rate"] = w[name] - g[name]
        wrong[f"{name}_new"]["added_update"] = w[name] + eta * g[name]
    return correct, wrong


def within(answer: float, target: float, old: float | None) -> bool:
    scale = abs(target) if old is None else abs(target - old)
    return abs(answer - target) <= max(0.005 * scale, 1e-6)


def expected(state: dict, answer_id: str, answer: float) -> tuple[bool, str | None]:
    """The verdict the rules give: (correct, misconception)."""
    correct, wrong = reference(state)
    old = state["weights"][answer_id[:-4]] if answer_id.endswith("_new") else None
    if within(answer, correct[answer_id], old):
        return True, None
    for code in TABLE:
        if code in wrong[answer_id] and within(answer, wrong[answer_id][code], old):
            return False, code
    return False, None


def get_exercise(client, level: int, seed: int) -> dict:
    answer = client.get(f"/api/practice/{level}/{seed}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def check(client, level: int, seed: int, answers: dict, language: str | None = None) -> list:
    body = {"level": level, "seed": seed, "answers": answers}
    if language is not None:
        body["language"] = language
    answer = client.post("/api/practice/check", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


# --- Exercises ----------------------------------------------------------------------------


@FAST
@given(level=LEVELS, seed=SEEDS)
def test_an_exercise_is_a_fresh_two_decimal_network_in_the_standard_state(client, level, seed):
    state = get_exercise(client, level, seed)["state"]
    assert state == State.model_validate(state).model_dump()  # complete, nothing extra
    assert state["options"] == {
        "activation": "sigmoid", "loss": "squared",
        "train_biases": False, "hidden_deltas_use": "original",
    }  # fmt: skip
    assert state["iteration"] == 0
    assert state["learning_rate"] in (0.1, 0.25, 0.5, 1.0)
    numbers = [
        *state["inputs"].values(), *state["targets"].values(),
        *state["weights"].values(), *state["biases"].values(),
    ]  # fmt: skip
    for value in numbers:
        assert value == round(value, 2) and value != 0 and abs(value) < 1
    assert 0 < min(state["inputs"].values()) and 0 < min(state["targets"].values())


@FAST
@given(level=LEVELS, seed=SEEDS)
def test_step_takes_the_exercise_state_unchanged(client, level, seed):
    state = get_exercise(client, level, seed)["state"]
    stepped = client.post("/api/step", json={"state": state})
    assert stepped.status_code == 200
    assert client.post("/api/reset", json={"state": state}).json()["state"] == state
    correct, _ = reference(state)
    gradients = stepped.json()["trace"]["gradients"]
    for name in WEIGHTS:
        assert math.isclose(gradients[name], correct[f"dE_d{name}"], rel_tol=1e-12, abs_tol=1e-15)


@FAST
@given(seed=SEEDS)
def test_the_network_depends_on_the_seed_alone(client, seed):
    states = [get_exercise(client, level, seed)["state"] for level in (1, 2, 3, 4)]
    assert all(state == states[0] for state in states)
    assert get_exercise(client, 1, seed) == get_exercise(client, 1, seed)


def test_a_seed_gives_the_same_network_on_every_machine(client):
    # Pinned: Random(seed) draws the same numbers on every platform and Python version.
    state = get_exercise(client, 2, 123)["state"]
    assert state["inputs"] == {"i1": 0.07, "i2": 0.35}
    assert state["targets"] == {"o1": 0.12, "o2": 0.99}
    assert state["weights"] == {
        "w1": 0.35, "w2": -0.05, "w3": 0.69, "w4": 0.44,
        "w5": -0.21, "w6": -0.44, "w7": 0.9, "w8": -0.21,
    }  # fmt: skip
    assert state["biases"] == {"b1": -0.56, "b2": -0.77}
    assert state["learning_rate"] == 1.0


def test_different_seeds_give_different_networks(client):
    states = {json.dumps(get_exercise(client, 4, seed)["state"]) for seed in range(50)}
    assert len(states) == 50


@FAST
@given(seed=SEEDS)
def test_each_level_asks_its_quantities(client, seed):
    asks = {level: get_exercise(client, level, seed)["asks"] for level in (1, 2, 3, 4)}
    ids = {level: [ask["id"] for ask in asks[level]] for level in asks}
    assert len(ids[1]) == 1 and ids[1][0] in ("dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5")
    assert ids[2] == ["dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5", "dE_dw5", "w5_new"]
    assert ids[3] == ["dE_dout_h1", "dout_h1_dnet_h1", "dnet_h1_dw1", "dE_dw1", "w1_new"]
    assert ids[4] == [f"dE_d{w}" for w in WEIGHTS] + [f"{w}_new" for w in WEIGHTS]
    labels = {ask["id"]: ask["label"] for level in asks for ask in asks[level]}
    assert labels["dE_dw5"] == "∂E_total/∂w5" and labels["w5_new"] == "w5⁺"
    assert labels["dE_dout_h1"] == "∂E_total/∂out_h1"


def test_level_one_asks_each_o1_factor_for_some_seed(client):
    asked = {get_exercise(client, 1, seed)["asks"][0]["id"] for seed in range(30)}
    assert asked == {"dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5"}


# --- Checking -----------------------------------------------------------------------------


@FAST
@given(level=LEVELS, seed=SEEDS)
def test_every_correct_answer_is_accepted(client, level, seed):
    exercise = get_exercise(client, level, seed)
    correct, _ = reference(exercise["state"])
    ids = [ask["id"] for ask in exercise["asks"]]
    results = check(client, level, seed, {name: correct[name] for name in ids})
    assert [result["id"] for result in results] == ids
    for result in results:
        assert result["correct"] is True, result
        assert result["misconception"] is None
        assert result["message"] == "Correct."


@FAST
@given(level=LEVELS, seed=SEEDS)
def test_every_named_mistake_is_named_as_the_rules_say(client, level, seed):
    exercise = get_exercise(client, level, seed)
    state = exercise["state"]
    _, wrong = reference(state)
    for ask in exercise["asks"]:
        for value in wrong[ask["id"]].values():
            [result] = check(client, level, seed, {ask["id"]: value})
            verdict = expected(state, ask["id"], value)
            assert (result["correct"], result["misconception"]) == verdict, (ask, value)


@FAST
@given(level=LEVELS, seed=SEEDS, factor=st.sampled_from([0.996, 1.004, 0.99, 1.01, 1.5, -3.0]))
def test_the_tolerance_is_half_a_percent_of_the_value_or_of_the_change(client, level, seed, factor):
    exercise = get_exercise(client, level, seed)
    state = exercise["state"]
    correct, _ = reference(state)
    for ask in exercise["asks"]:
        name = ask["id"]
        if name.endswith("_new"):  # off by a share of the change, not of the weight
            old = state["weights"][name[:-4]]
            answer = old + (correct[name] - old) * factor
        else:
            answer = correct[name] * factor
        [result] = check(client, level, seed, {name: answer})
        assert (result["correct"], result["misconception"]) == expected(state, name, answer)
        if factor in (0.996, 1.004):
            assert result["correct"] is True


def test_a_new_weight_is_judged_on_its_change():
    # seed 123: w5 = -0.21, w5+ = -0.2201714; 0.1% of w5 is far more than 0.5% of the change
    state = practice.exercise(2, 123).state
    correct, _ = reference(state)
    wrong_by_weight = correct["w5_new"] * 1.001
    assert not within(wrong_by_weight, correct["w5_new"], -0.21)
    [verdict] = practice.check(2, 123, {"w5_new": wrong_by_weight})
    assert verdict.correct is False


def test_tiny_answers_use_the_absolute_floor():
    assert practice.close_to(1e-7, 0.0) and practice.close_to(0.0, 9e-7)
    assert not practice.close_to(2e-6, 0.0)
    assert practice.close_to(0.5 + 9e-7, 0.5, old=0.5)


# --- Ties ---------------------------------------------------------------------------------


def _verdicts(seeds):
    """Yield (level, seed, id, mistake values) over the asks of levels 2-4 for these seeds."""
    for seed in seeds:
        for level in (2, 3, 4):
            state = practice.exercise(level, seed).state
            correct, wrong = reference(state)
            for name in practice.exercise(level, seed).asks:
                yield level, seed, name, state, correct, wrong[name]


def test_correct_wins_where_a_mistake_gives_the_right_value(client):
    # With eta = 1, forgetting the learning rate changes nothing: the answer is right.
    found = 0
    for level, seed, name, state, _, wrong in _verdicts(range(40)):
        if name.endswith("_new") and state["learning_rate"] == 1.0:
            [result] = check(client, level, seed, {name: wrong["forgot_learning_rate"]})
            assert result["correct"] is True and result["misconception"] is None
            found += 1
    assert found > 0


def _ties(seeds):
    """Yield (level, seed, id, state, value) where one answer matches two or more mistakes
    (or a mistake and the correct value)."""
    for level, seed, name, state, correct, wrong in _verdicts(seeds):
        old = state["weights"][name[:-4]] if name.endswith("_new") else None
        for code, value in wrong.items():
            matches = [c for c, v in wrong.items() if within(value, v, old)]
            if len(matches) > 1 or within(value, correct[name], old):
                if not (name.endswith("_new") and state["learning_rate"] == 1.0):
                    yield level, seed, name, state, value, code, matches


def test_where_two_mistakes_coincide_the_first_in_the_table_is_named(client):
    ties = list(_ties(range(4000)))
    assert len({(name, tuple(m)) for _, _, name, _, _, _, m in ties}) >= 2, "too few ties"
    for level, seed, name, state, value, _, matches in ties:
        [result] = check(client, level, seed, {name: value})
        assert (result["correct"], result["misconception"]) == expected(state, name, value)
        if len(matches) > 1 and not result["correct"]:
            assert result["misconception"] == min(matches, key=TABLE.index)


# --- Hints and languages ------------------------------------------------------------------


def test_an_unnamed_wrong_answer_names_the_next_factor_to_check(client):
    correct, _ = reference(practice.exercise(2, 123).state)
    [alone] = check(client, 2, 123, {"dE_dw5": 123.0})
    assert alone["correct"] is False and alone["misconception"] is None
    assert "∂E_total/∂out_o1 = out_o1 − target_o1" in alone["message"]
    # With dE/dout_o1 already right, the next factor is dout_o1/dnet_o1
    results = check(client, 2, 123, {"dE_dout_o1": correct["dE_dout_o1"], "dE_dw5": 123.0})
    assert "∂out_o1/∂net_o1 = out_o1·(1 − out_o1)" in results[1]["message"]
    every_factor = {name: correct[name] for name in ("dE_dout_o1", "dout_o1_dnet_o1")}
    every_factor["dnet_o1_dw5"] = correct["dnet_o1_dw5"]
    results = check(client, 2, 123, {**every_factor, "dE_dw5": 123.0})
    assert results[-1]["message"].startswith("The factors are right")
    [new_weight] = check(client, 2, 123, {"w5_new": 55.0})
    assert "∂E_total/∂w5 = " in new_weight["message"]
    [leaf] = check(client, 3, 123, {"dnet_h1_dw1": 0.5})
    assert "net_h1 = w1·i1 + w2·i2 + b1" in leaf["message"]


@pytest.mark.parametrize(
    ("language", "correct_text", "script"),
    [("en", "Correct.", "Check"), ("zh-Hans", "正确。", "检查"), ("zh-Hant", "正確。", "檢查")],
)
def test_messages_come_in_the_language_asked(client, language, correct_text, script):
    state = practice.exercise(3, 123).state
    correct, wrong = reference(state)
    results = check(
        client, 3, 123,
        {"dE_dout_h1": correct["dE_dout_h1"], "dE_dw1": wrong["dE_dw1"]["missed_second_path"],
         "dout_h1_dnet_h1": 9.0},
        language,
    )  # fmt: skip
    assert results[0]["message"] == correct_text
    assert results[1]["misconception"] == "missed_second_path"
    assert "δ_o1·w5 + δ_o2·w7" in results[1]["message"]
    assert script in results[2]["message"]


def test_every_message_exists_in_every_language():
    keys = set(practice.MESSAGES["en"])
    assert set(practice.MISCONCEPTIONS) <= keys
    for language in practice.LANGUAGES:
        assert set(practice.MESSAGES[language]) == keys
    for key in keys:
        texts = {practice.MESSAGES[language][key] for language in practice.LANGUAGES}
        assert len(texts) == 3, key


def test_the_language_defaults_to_english(client):
    [result] = check(client, 1, 7, {practice.exercise(1, 7).asks[0]: 1e5})
    assert result["message"].startswith("Not yet")


# --- Refusals -----------------------------------------------------------------------------


def refused(answer, field: str) -> dict:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert field in [error["field"] for error in body["errors"]], body
    return body


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/practice/0/1", "path.level"),
        ("/api/practice/5/1", "path.level"),
        ("/api/practice/one/1", "path.level"),
        ("/api/practice/1/-1", "path.seed"),
        ("/api/practice/1/2147483648", "path.seed"),
        ("/api/practice/1/1.5", "path.seed"),
    ],
)
def test_a_level_or_seed_out_of_range_is_refused(client, path, field):
    refused(client.get(path), field)


def test_the_largest_seed_is_served(client):
    assert client.get(f"/api/practice/4/{2**31 - 1}").status_code == 200


GOOD = {"level": 2, "seed": 123, "answers": {"dE_dw5": 0.01}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "answers": {"dE_dw1": 0.1}}, "answers.dE_dw1"),
        ({**GOOD, "answers": {"dE_dw5": 0.1, "banana": 1}}, "answers.banana"),
        ({**GOOD, "answers": {"dE_dw5": "0.01"}}, "answers.dE_dw5"),
        ({**GOOD, "answers": {"dE_dw5": True}}, "answers.dE_dw5"),
        ({**GOOD, "answers": {"dE_dw5": None}}, "answers.dE_dw5"),
        ({**GOOD, "answers": {"dE_dw5": 1e300}}, "answers.dE_dw5"),
        ({**GOOD, "answers": {}}, "answers"),
        ({**GOOD, "answers": [0.01]}, "answers"),
        ({"level": 2, "seed": 123}, "answers"),
        ({**GOOD, "level": 5}, "level"),
        ({**GOOD, "level": "2"}, "level"),
        ({**GOOD, "seed": -1}, "seed"),
        ({**GOOD, "seed": 2**31}, "seed"),
        ({**GOOD, "language": "fr"}, "language"),
        ({**GOOD, "extra": 1}, "extra"),
        ({}, "level"),
    ],
)
def test_a_bad_check_is_refused_naming_the_field(client, body, field):
    refused(client.post("/api/practice/check", json=body), field)


def test_an_unasked_id_is_named_in_the_message(client):
    # level 1 asks one factor; the other two are shown, not asked
    asked = practice.exercise(1, 5).asks[0]
    other = next(name for name in practice.O1_FACTORS if name != asked)
    body = refused(
        client.post("/api/practice/check", json={"level": 1, "seed": 5, "answers": {other: 1}}),
        f"answers.{other}",
    )
    assert other in body["detail"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_answer_is_refused(client, token):
    text = '{"level": 2, "seed": 123, "answers": {"dE_dw5": TOKEN}}'.replace("TOKEN", token)
    answer = client.post(
        "/api/practice/check", content=text, headers={"Content-Type": "application/json"}
    )
    refused(answer, "answers.dE_dw5")


def test_an_empty_body_is_refused_there_is_no_default_exercise(client):
    refused(client.post("/api/practice/check"), "body")
    refused(
        client.post(
            "/api/practice/check", content=b"", headers={"Content-Type": "application/json"}
        ),
        "body",
    )


def test_the_engine_helpers_refuse_what_the_api_refuses():
    with pytest.raises(ValueError):
        practice.exercise(0, 1)
    with pytest.raises(ValueError):
        practice.exercise(1, 2**31)
    with pytest.raises(ValueError):
        practice.check(2, 123, {"dE_dw1": 0.1})


# --- The page -----------------------------------------------------------------------------


def test_the_practice_page_is_served_with_the_site_headers_and_versioned_assets(client):
    answer = client.get("/practice?seed=123&level=3")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-cache"
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy.split(";")[1]
    html = answer.text
    assert 'data-testid="practice"' in html
    assert "/static/js/practice/main.js?v=" in html and "/static/css/practice.css?v=" in html
    assert '"/static/js/state/practice.js": "/static/js/state/practice.js?v=' in html
    assert '<script type="application/json" id="network-definition">' in html
    assert 'href="?seed=123&level=4"' in html


@pytest.mark.parametrize("query", ["", "?seed=abc&level=9", "?seed=99999999999"])
def test_the_practice_page_takes_any_query_and_leaves_it_to_the_page(client, query):
    answer = client.get(f"/practice{query}")
    assert answer.status_code == 200
    assert 'href="?seed=0&level=1"' in answer.text
