"""app.training: the long-run loop agrees with network.step and stops where training diverges."""

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings

from app import network, training
from app.network import EXAMPLE, PARAMETERS, Options
from tests.conftest import printed_as
from tests.test_network import networks


def example_run(epochs: int, options: Options = Options()) -> training.Run:
    return training.train(replace(EXAMPLE, options=options), epochs)


def forward_of(run: training.Run) -> dict:
    return network.forward(run.state)


def test_ten_thousand_iterations_give_the_published_error():
    run = example_run(10_000)
    assert len(run.losses) == 10_000 and run.diverged_at is None
    # The post's 0.0000351085 is E_total of the 10,000th forward pass, before its update.
    assert printed_as(run.losses[9_999], "0.0000351085") == "0.0000351085"
    # After the 10,000th update it is 3.51019e-5.
    assert f"{forward_of(run)['E_total']:.5e}" == "3.51019e-05"
    assert run.losses[0] == network.forward(EXAMPLE)["E_total"]


def test_published_outputs_come_from_the_updated_rule():
    fwd = forward_of(example_run(10_000, Options(hidden_deltas_use="updated")))
    assert printed_as(fwd["out_o1"], "0.015912196") == "0.015912196"
    assert printed_as(fwd["out_o2"], "0.984065734") == "0.984065734"


def test_losses_fall_monotonically_for_the_worked_example():
    losses = example_run(2_000).losses
    assert all(later < earlier for earlier, later in zip(losses, losses[1:], strict=False))


def stepped(state, epochs):
    """Return the state and losses after ``epochs`` calls of network.step."""
    losses = []
    for _ in range(epochs):
        state, trace = network.step(state)
        losses.append(float(trace["forward"]["E_total"]))
    return state, losses


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=400, deadline=None)
@given(networks())
def test_fast_loop_does_the_arithmetic_of_network_step(state):
    """One iteration from the same random state: the two agree to 1e-12 (numpy's exp and
    math.exp may differ in the last bit, so not always to the bit)."""
    run = training.train(state, 1)
    expected, expected_losses = stepped(state, 1)
    if run.diverged_at is not None:
        assert run.losses == [] and training.out_of_bounds(expected.parameters())
        return
    assert close(run.losses[0], expected_losses[0])
    reached, expected = run.state.parameters(), expected.parameters()
    for name in PARAMETERS:
        assert close(reached[name], expected[name]), name


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
    state = replace(EXAMPLE, options=options)
    run = training.train(state, 2_000)
    expected, expected_losses = stepped(state, 2_000)
    assert run.diverged_at is None
    assert all(close(a, b) for a, b in zip(run.losses, expected_losses, strict=True))
    reached, expected = run.state.parameters(), expected.parameters()
    for name in PARAMETERS:
        assert close(reached[name], expected[name]), name


def test_divergence_stops_before_the_update_that_leaves_the_bounds():
    state = replace(
        EXAMPLE.with_parameters({"w5": 900.0}),
        targets={"o1": 1000.0, "o2": -1000.0},
        learning_rate=1000.0,
        options=Options(activation="relu"),
    )
    run = training.train(state, 500)
    assert run.diverged_at is not None and run.diverged_parameter in PARAMETERS
    assert len(run.losses) == run.diverged_at - 1
    assert training.out_of_bounds(run.state.parameters()) is None
    assert all(math.isfinite(loss) for loss in run.losses)
    # The refused iteration really leaves the bounds, and the ones before it did not.
    refused, _ = network.step(run.state)
    assert training.out_of_bounds(refused.parameters()) == run.diverged_parameter
    before, losses = stepped(state, len(run.losses))
    assert losses == run.losses
    assert before.parameters() == run.state.parameters()


def test_out_of_bounds_names_non_finite_and_too_large_parameters():
    assert training.out_of_bounds(EXAMPLE.parameters()) is None
    assert training.out_of_bounds({**EXAMPLE.parameters(), "w3": math.nan}) == "w3"
    assert training.out_of_bounds({**EXAMPLE.parameters(), "b2": 2e6}) == "b2"
