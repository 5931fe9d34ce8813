"""Many iterations at once: the same arithmetic as ``network.step``, in plain Python floats.

For a network this small, numpy's per-call overhead costs about fifteen times the arithmetic
itself, so long runs use this loop. ``network.step`` stays the one the page explains; the tests
hold the two to agreement within 1e-12 on random states. The loop uses the same overflow-free
forms as ``network`` (e^-|net|, log1p), so every valid state, however extreme, runs here at the
same cost per iteration. A run stops before the first update that would leave a parameter
beyond ``PARAMETER_LIMIT``, and says so.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from app.network import NETWORK, PARAMETERS, State

# The largest magnitude a weight, bias, input or target may take (also the input bound).
PARAMETER_LIMIT = NETWORK.bounds.value

exp, log1p = math.exp, math.log1p


@dataclass
class Run:
    """What ``train`` returns: the state reached and E_total before each update."""

    state: State
    losses: list[float]
    diverged_at: int | None = None  # the iteration (1-based) whose update was refused
    diverged_parameter: str | None = None
    # (iterations done, state) at the points asked for, starting with the start
    path: list[tuple[int, State]] = field(default_factory=list)


# Each activation returns out and d out / d net, as network.activate and
# network.activation_derivative compute them.


def _sigmoid(net: float) -> tuple[float, float]:
    if net >= 0:
        z = exp(-net)
        one_plus_z = 1 + z
        return 1 / one_plus_z, z / (one_plus_z * one_plus_z)
    z = exp(net)
    one_plus_z = 1 + z
    return z / one_plus_z, z / (one_plus_z * one_plus_z)


def _tanh(net: float) -> tuple[float, float]:
    z = exp(-2 * abs(net))
    one_plus_z = 1 + z
    return math.tanh(net), 4 * z / (one_plus_z * one_plus_z)


def _relu(net: float) -> tuple[float, float]:
    return (net, 1.0) if net > 0 else (0.0, 0.0)


_ACTIVATIONS: dict[str, Callable[[float], tuple[float, float]]] = {
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
}


def out_of_bounds(parameters: Mapping[str, float]) -> str | None:
    """Return the first parameter that is not finite or beyond the limit, else None."""
    for name in PARAMETERS:
        if not abs(parameters[name]) <= PARAMETER_LIMIT:  # also true for NaN
            return name
    return None


def _fast(state: State, epochs: int) -> Run:
    """Return ``epochs`` iterations, or those before the first update that leaves the bounds
    (found again by a second run, which costs at most as much as the first)."""
    options = state.options
    f = _ACTIVATIONS[options.activation]
    squared = options.loss == "squared"
    updated_rule = options.hidden_deltas_use == "updated"
    train_biases = options.train_biases
    eta = state.learning_rate
    limit = PARAMETER_LIMIT
    i1, i2 = state.inputs["i1"], state.inputs["i2"]
    t1, t2 = state.targets["o1"], state.targets["o2"]
    w1, w2, w3, w4, w5, w6, w7, w8 = (state.weights[f"w{k}"] for k in range(1, 9))
    b1, b2 = state.biases["b1"], state.biases["b2"]
    losses = [0.0] * epochs
    for k in range(epochs):
        net_h1 = w1 * i1 + w2 * i2 + b1
        out_h1, slope_h1 = f(net_h1)
        net_h2 = w3 * i1 + w4 * i2 + b1
        out_h2, slope_h2 = f(net_h2)
        net_o1 = w5 * out_h1 + w6 * out_h2 + b2
        net_o2 = w7 * out_h1 + w8 * out_h2 + b2
        if squared:
            out_o1, slope_o1 = f(net_o1)
            out_o2, slope_o2 = f(net_o2)
            losses[k] = 0.5 * (t1 - out_o1) ** 2 + 0.5 * (t2 - out_o2) ** 2
            delta_o1 = -(t1 - out_o1) * slope_o1
            delta_o2 = -(t2 - out_o2) * slope_o2
        else:  # softmax shifted by the larger net, as network.softmax
            gap = abs(net_o1 - net_o2)
            smaller = exp(-gap)
            log_sum = log1p(smaller)
            if net_o1 >= net_o2:
                losses[k] = t1 * log_sum + t2 * (gap + log_sum)
                delta_o1 = t2 - smaller / (1 + smaller)
            else:
                losses[k] = t1 * (gap + log_sum) + t2 * log_sum
                delta_o1 = smaller / (1 + smaller) - t1
            delta_o2 = -delta_o1
        new_w5 = w5 - eta * (delta_o1 * out_h1)
        new_w6 = w6 - eta * (delta_o1 * out_h2)
        new_w7 = w7 - eta * (delta_o2 * out_h1)
        new_w8 = w8 - eta * (delta_o2 * out_h2)
        if updated_rule:
            w5, w6, w7, w8 = new_w5, new_w6, new_w7, new_w8
        delta_h1 = (delta_o1 * w5 + delta_o2 * w7) * slope_h1
        delta_h2 = (delta_o1 * w6 + delta_o2 * w8) * slope_h2
        w1 = w1 - eta * (delta_h1 * i1)
        w2 = w2 - eta * (delta_h1 * i2)
        w3 = w3 - eta * (delta_h2 * i1)
        w4 = w4 - eta * (delta_h2 * i2)
        w5, w6, w7, w8 = new_w5, new_w6, new_w7, new_w8
        if train_biases:
            b1 = b1 - eta * (delta_h1 + delta_h2)
            b2 = b2 - eta * (delta_o1 + delta_o2)
        if not (  # also false for NaN
            -limit <= w1 <= limit
            and -limit <= w2 <= limit
            and -limit <= w3 <= limit
            and -limit <= w4 <= limit
            and -limit <= w5 <= limit
            and -limit <= w6 <= limit
            and -limit <= w7 <= limit
            and -limit <= w8 <= limit
            and -limit <= b1 <= limit
            and -limit <= b2 <= limit
        ):
            # the same k iterations again give the state before the refused update
            refused = dict(zip(PARAMETERS, (w1, w2, w3, w4, w5, w6, w7, w8, b1, b2), strict=True))
            before = _fast(state, k)
            return Run(before.state, before.losses, k + 1, out_of_bounds(refused))
    reached = dict(zip(PARAMETERS, (w1, w2, w3, w4, w5, w6, w7, w8, b1, b2), strict=True))
    return Run(state.with_parameters(reached), losses)


def train(state: State, epochs: int, samples: int = 0) -> Run:
    """Return the result of ``epochs`` iterations, or of those before training diverged, with
    the state at ``samples`` evenly spaced iterations (and the start) in ``path``."""
    ends = sorted({round(epochs * k / samples) for k in range(1, samples + 1)} - {0} | {epochs})
    path = [(0, state)] if samples else []
    losses: list[float] = []
    done = 0
    for end in ends:
        run = _fast(state, end - done)
        losses.extend(run.losses)
        state = run.state
        if run.diverged_at is not None:
            run.diverged_at += done
            return Run(state, losses, run.diverged_at, run.diverged_parameter, path)
        done = end
        if samples:
            path.append((done, state))
    return Run(state, losses, path=path)
