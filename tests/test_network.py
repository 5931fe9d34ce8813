"""app.network against independent arithmetic: the published figures and finite differences."""

import itertools
import math
import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import network
from app.network import (
    EXAMPLE,
    PARAMETERS,
    WEIGHTS,
    Options,
    State,
)
from tests.conftest import printed_as

ALL_OPTIONS = [
    Options(activation, loss, train_biases, rule)
    for activation, loss, train_biases, rule in itertools.product(
        network.ACTIVATIONS, network.LOSSES, (False, True), network.HIDDEN_DELTAS_USE
    )
]


def example_step(options: Options = Options()):
    return network.step(replace(EXAMPLE, options=options))


def test_forward_pass_matches_the_published_figures():
    fwd = network.forward(EXAMPLE)
    assert printed_as(fwd["net_h1"], "0.3775") == "0.3775"
    assert printed_as(fwd["out_h1"], "0.593269992") == "0.593269992"
    assert printed_as(fwd["out_h2"], "0.596884378") == "0.596884378"
    assert printed_as(fwd["net_o1"], "1.105905967") == "1.105905967"
    assert printed_as(fwd["out_o1"], "0.75136507") == "0.75136507"
    assert printed_as(fwd["out_o2"], "0.772928465") == "0.772928465"
    assert printed_as(fwd["E_o1"], "0.274811083") == "0.274811083"
    assert printed_as(fwd["E_o2"], "0.023560026") == "0.023560026"
    assert printed_as(fwd["E_total"], "0.298371109") == "0.298371109"


def test_output_layer_chain_rule_matches_the_published_figures():
    new_state, trace = example_step()
    factors = trace["factors"]
    assert printed_as(factors["dE_dout_o1"], "0.74136507") == "0.74136507"
    assert printed_as(factors["dout_o1_dnet_o1"], "0.186815602") == "0.186815602"
    assert printed_as(factors["dnet_o1_dw5"], "0.593269992") == "0.593269992"
    assert printed_as(trace["gradients"]["w5"], "0.082167041") == "0.082167041"
    published = {"w5": "0.35891648", "w6": "0.408666186", "w7": "0.511301270", "w8": "0.561370121"}
    for name, figure in published.items():
        assert printed_as(new_state.weights[name], figure) == figure


def test_hidden_layer_chain_rule_matches_the_published_figures():
    new_state, trace = example_step()
    factors = trace["factors"]
    assert printed_as(factors["dE_dout_h1_via_o1"], "0.055399425") == "0.055399425"
    # The post prints -0.019049119: its last digit comes from multiplying already rounded
    # figures; exact arithmetic gives -0.0190491182583.
    assert printed_as(factors["dE_dout_h1_via_o2"], "-0.019049119") == "-0.019049118"
    assert abs(factors["dE_dout_h1_via_o2"] - -0.019049119) < 1e-9
    assert printed_as(factors["dE_dout_h1"], "0.036350306") == "0.036350306"
    assert printed_as(factors["dout_h1_dnet_h1"], "0.241300709") == "0.241300709"
    assert printed_as(trace["gradients"]["w1"], "0.000438568") == "0.000438568"
    published = {"w1": "0.149780716", "w2": "0.19956143", "w3": "0.24975114", "w4": "0.29950229"}
    for name, figure in published.items():
        assert printed_as(new_state.weights[name], figure) == figure


@pytest.mark.parametrize(
    ("rule", "expected"), [("original", "0.291027774"), ("updated", "0.291027924")]
)
def test_error_after_the_first_update(rule, expected):
    new_state, _ = example_step(Options(hidden_deltas_use=rule))
    fwd = network.forward(new_state)
    assert printed_as(fwd["E_total"], expected) == expected


def test_updated_rule_moves_w1_to_the_figure_the_worked_example_gives():
    new_state, _ = example_step(Options(hidden_deltas_use="updated"))
    assert printed_as(new_state.weights["w1"], "0.14981764") == "0.14981764"


def test_biases_stay_fixed_unless_trained():
    new_state, trace = example_step()
    assert new_state.biases == EXAMPLE.biases
    assert trace["changes"]["b1"] == trace["changes"]["b2"] == 0.0
    new_state, trace = example_step(Options(train_biases=True))
    deltas, biases = trace["deltas"], new_state.biases
    assert biases["b1"] == EXAMPLE.biases["b1"] - 0.5 * (deltas["h1"] + deltas["h2"])
    assert biases["b2"] == EXAMPLE.biases["b2"] - 0.5 * (deltas["o1"] + deltas["o2"])


def test_relu_derivative_at_zero_is_zero():
    assert network.activation_derivative("relu", 0.0, 0.0) == 0.0
    assert network.activation_derivative("relu", 1e-300, 1e-300) == 1.0


def test_saturated_neurons_give_exact_limits_without_warnings():
    state = EXAMPLE.with_parameters({"w1": -1e6, "w3": 1e6})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fwd = network.forward(state)
    assert fwd["out_h1"] == 0.0 and fwd["out_h2"] == 1.0


def test_forward_evaluates_arrays_of_networks_elementwise():
    w5 = np.linspace(-1, 1, 7)
    for options in ALL_OPTIONS:
        grid = network.forward(replace(EXAMPLE.with_parameters({"w5": w5}), options=options))
        for k, value in enumerate(w5):
            single = network.forward(
                replace(EXAMPLE.with_parameters({"w5": float(value)}), options=options)
            )
            assert grid["E_total"][k] == single["E_total"]


def test_unknown_option_is_refused():
    with pytest.raises(ValueError, match="activation"):
        Options(activation="softplus")


# --- Gradient check: backprop against central differences ---------------------------------

unit = st.floats(-2.0, 2.0, allow_nan=False)
probability = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def networks(draw):
    options = draw(st.sampled_from(ALL_OPTIONS))
    inputs = {"i1": draw(unit), "i2": draw(unit)}
    if options.loss == "cross_entropy":
        # the larger at least 1/2, so that 1 - larger is exact and the two sum to exactly 1
        larger = draw(st.floats(0.5, 1.0))
        o1, o2 = (larger, 1 - larger) if draw(st.booleans()) else (1 - larger, larger)
        targets = {"o1": o1, "o2": o2}
    else:
        targets = {"o1": draw(probability), "o2": draw(probability)}
    weights = {name: draw(unit) for name in WEIGHTS}
    biases = {"b1": draw(unit), "b2": draw(unit)}
    learning_rate = draw(st.floats(0.01, 2.0))
    return State(inputs, targets, weights, biases, learning_rate, options)


def numerical_gradient(state, name, epsilon=1e-5):
    def loss(shift):
        value = state.parameters()[name] + shift
        return float(network.forward(state.with_parameters({name: value}))["E_total"])

    return (loss(epsilon) - loss(-epsilon)) / (2 * epsilon)


def near_relu_kink(state, margin=1e-3):
    if state.options.activation != "relu":
        return False
    fwd = network.forward(state)
    nets = ["net_h1", "net_h2"] + (["net_o1", "net_o2"] if state.options.loss == "squared" else [])
    return any(abs(fwd[net]) < margin for net in nets)


def relative_error(backprop, numerical, loss):
    """Return |a - n| / max(|a|, |n|), with a floor under the denominator: a central
    difference of E carries about 1e-16 |E| / epsilon of rounding, so gradients below
    1e-3 |E| are compared absolutely at that scale instead."""
    floor = 1e-3 * max(1.0, abs(loss))
    return abs(backprop - numerical) / max(abs(backprop), abs(numerical), floor)


def exact_hidden_gradients(state, trace):
    """Return dE/dw1..w4 by the chain rule in plain floats, with the w5..w8 the rule says."""
    delta_o1, delta_o2 = trace["deltas"]["o1"], trace["deltas"]["o2"]
    fwd = trace["forward"]
    w = dict(state.weights)
    if state.options.hidden_deltas_use == "updated":
        for name in ("w5", "w6", "w7", "w8"):
            w[name] = state.weights[name] - state.learning_rate * trace["gradients"][name]

    def slope(net, out):
        sigmoid = 1 / (1 + math.exp(-net)) / (1 + math.exp(net)) if abs(net) < 700 else 0.0
        tanh = 1 / math.cosh(net) ** 2 if abs(net) < 350 else 0.0
        return {"sigmoid": sigmoid, "tanh": tanh, "relu": float(net > 0)}[state.options.activation]

    delta_h1 = (delta_o1 * w["w5"] + delta_o2 * w["w7"]) * slope(fwd["net_h1"], fwd["out_h1"])
    delta_h2 = (delta_o1 * w["w6"] + delta_o2 * w["w8"]) * slope(fwd["net_h2"], fwd["out_h2"])
    i1, i2 = state.inputs["i1"], state.inputs["i2"]
    return {"w1": delta_h1 * i1, "w2": delta_h1 * i2, "w3": delta_h2 * i1, "w4": delta_h2 * i2}


@settings(max_examples=300, deadline=None)
@given(networks())
def test_backprop_gradients_match_central_differences(state):
    if near_relu_kink(state):
        return
    _, trace = network.step(state)
    # With the updated rule the hidden "gradients" are not those of E_total: the post's variant.
    checked = PARAMETERS
    if state.options.hidden_deltas_use == "updated":
        checked = ("w5", "w6", "w7", "w8", "b2")
        exact = exact_hidden_gradients(state, trace)
        for name, value in exact.items():
            assert math.isclose(trace["gradients"][name], value, rel_tol=1e-12, abs_tol=1e-300)
    for name in checked:
        numerical = numerical_gradient(state, name)
        error = relative_error(trace["gradients"][name], numerical, trace["forward"]["E_total"])
        assert error < 1e-6, name


@settings(max_examples=200, deadline=None)
@given(networks())
def test_update_is_w_minus_eta_times_gradient(state):
    new_state, trace = network.step(state)
    eta, weights, biases = state.learning_rate, state.weights, state.biases
    for name in WEIGHTS:
        assert new_state.weights[name] == weights[name] - eta * trace["gradients"][name]
        assert new_state.weights[name] == weights[name] + trace["changes"][name]
    for name in ("b1", "b2"):
        expected = biases[name] - eta * trace["gradients"][name]
        assert new_state.biases[name] == (expected if state.options.train_biases else biases[name])


@settings(max_examples=200, deadline=None)
@given(networks())
def test_factors_multiply_to_the_gradients(state):
    _, trace = network.step(state)
    f, d, g = trace["factors"], trace["deltas"], trace["gradients"]
    if state.options.loss == "squared":
        assert d["o1"] == f["dE_dout_o1"] * f["dout_o1_dnet_o1"]
        assert d["o2"] == f["dE_dout_o2"] * f["dout_o2_dnet_o2"]
    else:
        assert f["dE_dout_o1"] is None and f["dout_o1_dnet_o1"] is None
        # out_o - target_o, from the smaller output: both sum to 1, so delta_o2 = -delta_o1
        out_o1 = trace["forward"]["out_o1"]
        assert abs(d["o1"] - (out_o1 - state.targets["o1"])) <= 2**-52  # out_o1 rounded once
        assert d["o2"] == -d["o1"] and g["b2"] == 0.0
    assert g["w5"] == d["o1"] * f["dnet_o1_dw5"]
    assert g["w8"] == d["o2"] * f["dnet_o2_dw8"]
    assert f["dE_dout_h1"] == f["dE_dout_h1_via_o1"] + f["dE_dout_h1_via_o2"]
    assert f["dE_dout_h1_via_o1"] == d["o1"] * f["dnet_o1_dout_h1"]
    assert d["h1"] == f["dE_dout_h1"] * f["dout_h1_dnet_h1"]
    assert g["w1"] == d["h1"] * f["dnet_h1_dw1"]
    assert g["w4"] == d["h2"] * f["dnet_h2_dw4"]
    if state.options.loss == "cross_entropy":
        assert math.isclose(trace["forward"]["out_o1"] + trace["forward"]["out_o2"], 1.0)


def test_products_are_the_multiply_nodes_that_sum_to_each_net():
    fwd = network.forward(EXAMPLE)
    terms = network.products(EXAMPLE, fwd)
    assert terms["w1_i1"] == 0.15 * 0.05
    assert fwd["net_h1"] == terms["w1_i1"] + terms["w2_i2"] + 0.35
    assert fwd["net_o2"] == terms["w7_out_h1"] + terms["w8_out_h2"] + 0.60
