"""app.training: the long-run loop agrees with network.step and stops where training diverges."""

import math

import pytest
from hypothesis import given, settings

from app import network, training
from app.network import (
    EXAMPLE_BIASES,
    EXAMPLE_INPUTS,
    EXAMPLE_LEARNING_RATE,
    EXAMPLE_TARGETS,
    EXAMPLE_WEIGHTS,
    WEIGHTS,
    Options,
)
from tests.conftest import printed_as
from tests.test_network import networks


def example_run(epochs: int, options: Options = Options()) -> training.Run:
    return training.train(
        EXAMPLE_INPUTS, EXAMPLE_TARGETS, EXAMPLE_WEIGHTS, EXAMPLE_BIASES,
        EXAMPLE_LEARNING_RATE, options, epochs,
    )  # fmt: skip


def forward_of(run: training.Run, options: Options = Options()) -> dict:
    return network.forward(EXAMPLE_INPUTS, EXAMPLE_TARGETS, run.weights, run.biases, options)


def test_ten_thousand_iterations_give_the_published_error():
    run = example_run(10_000)
    assert len(run.losses) == 10_000 and run.diverged_at is None
    # The post's 0.0000351085 is E_total of the 10,000th forward pass, before its update.
    assert printed_as(run.losses[9_999], "0.0000351085") == "0.0000351085"
    # After the 10,000th update it is 3.51019e-5.
    assert f"{forward_of(run)['E_total']:.5e}" == "3.51019e-05"
    assert (
        run.losses[0]
        == network.forward(
            EXAMPLE_INPUTS, EXAMPLE_TARGETS, EXAMPLE_WEIGHTS, EXAMPLE_BIASES, Options()
        )["E_total"]
    )


def test_published_outputs_come_from_the_updated_rule():
    options = Options(hidden_deltas_use="updated")
    fwd = forward_of(example_run(10_000, options), options)
    assert printed_as(fwd["out_o1"], "0.015912196") == "0.015912196"
    assert printed_as(fwd["out_o2"], "0.984065734") == "0.984065734"


def test_losses_fall_monotonically_for_the_worked_example():
    losses = example_run(2_000).losses
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))


def stepped(inputs, targets, weights, biases, learning_rate, options, epochs):
    """Return the parameters and losses after ``epochs`` calls of network.step."""
    losses = []
    for _ in range(epochs):
        weights, biases, trace = network.step(
            inputs, targets, weights, biases, learning_rate, options
        )
        losses.append(float(trace["forward"]["E_total"]))
    return weights, biases, losses


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=400, deadline=None)
@given(networks())
def test_fast_loop_does_the_arithmetic_of_network_step(net):
    """One iteration from the same random state: the two agree to 1e-12 (numpy's exp and
    math.exp may differ in the last bit, so not always to the bit)."""
    run = training.train(*net, 1)
    expected_weights, expected_biases, expected_losses = stepped(*net, 1)
    if run.diverged_at is not None:
        assert run.losses == [] and training.out_of_bounds(expected_weights, expected_biases)
        return
    assert close(run.losses[0], expected_losses[0])
    for name in WEIGHTS:
        assert close(run.weights[name], expected_weights[name]), name
    for name in ("b1", "b2"):
        assert close(run.biases[name], expected_biases[name]), name


ALL_OPTIONS = [
    Options(activation, loss, train_biases, rule)
    for activation in network.ACTIVATIONS
    for loss in network.LOSSES
    for train_biases in (False, True)
    for rule in network.HIDDEN_DELTAS_USE
]


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=str)
def test_fast_loop_follows_network_step_through_a_long_run(options):
    """The worked example's 2,000 iterations under every option: differences in the last bit
    do not grow, as this training converges."""
    targets = {"o1": 0.01, "o2": 0.99}
    args = (EXAMPLE_INPUTS, targets, EXAMPLE_WEIGHTS, EXAMPLE_BIASES, 0.5, options)
    run = training.train(*args, 2_000)
    expected_weights, expected_biases, expected_losses = stepped(*args, 2_000)
    assert run.diverged_at is None
    assert all(close(a, b) for a, b in zip(run.losses, expected_losses, strict=True))
    for name in WEIGHTS:
        assert close(run.weights[name], expected_weights[name]), name


def test_divergence_stops_before_the_update_that_leaves_the_bounds():
    targets = {"o1": 1000.0, "o2": -1000.0}
    weights = {**EXAMPLE_WEIGHTS, "w5": 900.0}
    options = Options(activation="relu")
    run = training.train(EXAMPLE_INPUTS, targets, weights, EXAMPLE_BIASES, 1000.0, options, 500)
    assert run.diverged_at is not None and run.diverged_parameter in WEIGHTS
    assert len(run.losses) == run.diverged_at - 1
    assert training.out_of_bounds(run.weights, run.biases) is None
    assert all(math.isfinite(loss) for loss in run.losses)
    # The refused iteration really leaves the bounds, and the ones before it did not.
    new_weights, new_biases, _ = network.step(
        EXAMPLE_INPUTS, targets, run.weights, run.biases, 1000.0, options
    )
    assert training.out_of_bounds(new_weights, new_biases) == run.diverged_parameter
    before_weights, _, losses = stepped(
        EXAMPLE_INPUTS, targets, weights, EXAMPLE_BIASES, 1000.0, options, len(run.losses)
    )
    assert losses == run.losses
    assert before_weights == run.weights


def test_out_of_bounds_names_non_finite_and_too_large_parameters():
    assert training.out_of_bounds(EXAMPLE_WEIGHTS, EXAMPLE_BIASES) is None
    assert training.out_of_bounds({**EXAMPLE_WEIGHTS, "w3": math.nan}, EXAMPLE_BIASES) == "w3"
    assert training.out_of_bounds(EXAMPLE_WEIGHTS, {"b1": 0.0, "b2": 2e6}) == "b2"
