"""Many iterations at once: the same arithmetic as ``network.step``, in plain Python floats.

For a network this small, numpy's per-call overhead costs about fifteen times the arithmetic
itself, so long runs use this loop. ``network.step`` stays the one the page explains; the tests
hold the two to agreement within 1e-12 on random states. A run stops before the first update
that would leave a value non-finite or a parameter beyond ``PARAMETER_LIMIT``, and says so.
"""

import math
from dataclasses import dataclass, field

from app.network import BIASES, NETWORK, WEIGHTS, Options, step

# The largest magnitude a weight, bias, input or target may take (also the input bound).
PARAMETER_LIMIT = NETWORK.bounds.value


@dataclass
class Run:
    """What ``train`` returns: the parameters reached and E_total before each update."""

    weights: dict[str, float]
    biases: dict[str, float]
    losses: list[float]
    diverged_at: int | None = None  # the iteration (1-based) whose update was refused
    diverged_parameter: str | None = None
    # (iterations done, weights, biases) at the points asked for, starting with the start
    path: list[tuple[int, dict[str, float], dict[str, float]]] = field(default_factory=list)


def _sigmoid(net: float) -> float:
    return 1 / (1 + math.exp(-net))  # overflows below net = -709: train() then falls back


def _relu(net: float) -> float:
    return net if net > 0 else 0.0


def _sigmoid_slope(net: float, out: float) -> float:
    return out * (1 - out)


def _tanh_slope(net: float, out: float) -> float:
    return 1 - out * out


def _relu_slope(net: float, out: float) -> float:
    return 1.0 if net > 0 else 0.0


_ACTIVATIONS = {
    "sigmoid": (_sigmoid, _sigmoid_slope),
    "tanh": (math.tanh, _tanh_slope),
    "relu": (_relu, _relu_slope),
}


def out_of_bounds(weights: dict[str, float], biases: dict[str, float]) -> str | None:
    """Return the first parameter that is not finite or beyond the limit, else None."""
    for name, value in (*weights.items(), *biases.items()):
        if not abs(value) <= PARAMETER_LIMIT:  # also true for NaN
            return name
    return None


class _DivergenceError(Exception):
    """Raised by the fast loop so that the checked loop can find where and why."""


def _fast(
    inputs: dict[str, float],
    targets: dict[str, float],
    weights: dict[str, float],
    biases: dict[str, float],
    learning_rate: float,
    options: Options,
    epochs: int,
) -> Run:
    """Return ``epochs`` iterations, raising at the first parameter beyond the limit."""
    f, slope = _ACTIVATIONS[options.activation]
    squared = options.loss == "squared"
    updated_rule = options.hidden_deltas_use == "updated"
    train_biases = options.train_biases
    exp, log = math.exp, math.log
    eta = learning_rate
    limit = PARAMETER_LIMIT
    i1, i2 = inputs["i1"], inputs["i2"]
    t1, t2 = targets["o1"], targets["o2"]
    w1, w2, w3, w4, w5, w6, w7, w8 = (weights[name] for name in WEIGHTS)
    b1, b2 = biases["b1"], biases["b2"]
    losses = [0.0] * epochs
    for k in range(epochs):
        net_h1 = w1 * i1 + w2 * i2 + b1
        out_h1 = f(net_h1)
        net_h2 = w3 * i1 + w4 * i2 + b1
        out_h2 = f(net_h2)
        net_o1 = w5 * out_h1 + w6 * out_h2 + b2
        net_o2 = w7 * out_h1 + w8 * out_h2 + b2
        if squared:
            out_o1 = f(net_o1)
            out_o2 = f(net_o2)
            losses[k] = 0.5 * (t1 - out_o1) ** 2 + 0.5 * (t2 - out_o2) ** 2
            delta_o1 = -(t1 - out_o1) * slope(net_o1, out_o1)
            delta_o2 = -(t2 - out_o2) * slope(net_o2, out_o2)
        else:
            top = net_o1 if net_o1 > net_o2 else net_o2
            log_sum = top + log(exp(net_o1 - top) + exp(net_o2 - top))
            losses[k] = -t1 * (net_o1 - log_sum) + -t2 * (net_o2 - log_sum)
            delta_o1 = exp(net_o1 - log_sum) - t1
            delta_o2 = exp(net_o2 - log_sum) - t2
        new_w5 = w5 - eta * (delta_o1 * out_h1)
        new_w6 = w6 - eta * (delta_o1 * out_h2)
        new_w7 = w7 - eta * (delta_o2 * out_h1)
        new_w8 = w8 - eta * (delta_o2 * out_h2)
        if updated_rule:
            w5, w6, w7, w8 = new_w5, new_w6, new_w7, new_w8
        delta_h1 = (delta_o1 * w5 + delta_o2 * w7) * slope(net_h1, out_h1)
        delta_h2 = (delta_o1 * w6 + delta_o2 * w8) * slope(net_h2, out_h2)
        w1 = w1 - eta * (delta_h1 * i1)
        w2 = w2 - eta * (delta_h1 * i2)
        w3 = w3 - eta * (delta_h2 * i1)
        w4 = w4 - eta * (delta_h2 * i2)
        w5, w6, w7, w8 = new_w5, new_w6, new_w7, new_w8
        if train_biases:
            b1 = b1 - eta * (delta_h1 + delta_h2)
            b2 = b2 - eta * (delta_o1 + delta_o2)
        if not (
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
            raise _DivergenceError
    weights = dict(zip(WEIGHTS, (w1, w2, w3, w4, w5, w6, w7, w8), strict=True))
    return Run(weights, {"b1": b1, "b2": b2}, losses)


def _checked(
    inputs: dict[str, float],
    targets: dict[str, float],
    weights: dict[str, float],
    biases: dict[str, float],
    learning_rate: float,
    options: Options,
    epochs: int,
) -> Run:
    """Return up to ``epochs`` iterations of ``network.step``, stopping before a divergent one."""
    losses: list[float] = []
    for k in range(epochs):
        new_weights, new_biases, trace = step(
            inputs, targets, weights, biases, learning_rate, options
        )
        loss = float(trace["forward"]["E_total"])
        culprit = out_of_bounds(new_weights, new_biases)
        if culprit is None and not math.isfinite(loss):
            culprit = "E_total"
        if culprit is not None:
            return Run(weights, biases, losses, diverged_at=k + 1, diverged_parameter=culprit)
        losses.append(loss)
        weights = {name: float(new_weights[name]) for name in WEIGHTS}
        biases = {name: float(new_biases[name]) for name in BIASES}
    return Run(weights, biases, losses)


def train(
    inputs: dict[str, float],
    targets: dict[str, float],
    weights: dict[str, float],
    biases: dict[str, float],
    learning_rate: float,
    options: Options,
    epochs: int,
    samples: int = 0,
) -> Run:
    """Return the result of ``epochs`` iterations, or of those before training diverged, with
    the parameters at ``samples`` evenly spaced iterations (and the start) in ``path``."""
    ends = sorted({round(epochs * k / samples) for k in range(1, samples + 1)} - {0} | {epochs})
    path = [(0, weights, biases)] if samples else []
    losses: list[float] = []
    done = 0
    for end in ends:
        run = _train(inputs, targets, weights, biases, learning_rate, options, end - done)
        losses.extend(run.losses)
        weights, biases = run.weights, run.biases
        if run.diverged_at is not None:
            run.diverged_at += done
            return Run(weights, biases, losses, run.diverged_at, run.diverged_parameter, path)
        done = end
        if samples:
            path.append((done, weights, biases))
    return Run(weights, biases, losses, path=path)


def _train(
    inputs: dict[str, float],
    targets: dict[str, float],
    weights: dict[str, float],
    biases: dict[str, float],
    learning_rate: float,
    options: Options,
    epochs: int,
) -> Run:
    """Return ``epochs`` iterations from the fast loop, or from the checked one if it must."""
    args = (inputs, targets, weights, biases, learning_rate, options, epochs)
    try:
        run = _fast(*args)
    except (_DivergenceError, OverflowError, ValueError, ZeroDivisionError):
        return _checked(*args)  # the same iterations again, one by one, to say where and why
    if all(map(math.isfinite, run.losses)):
        return run
    return _checked(*args)
