"""Many iterations at once: the same arithmetic as ``network.step``, in plain Python floats.

For networks this small, numpy's per-call overhead costs many times the arithmetic itself, so
long runs use a loop of plain floats. It is written out once per network shape and set of
options (``_loop_source``) in the worked example's notation, ``net_h1 = w1 * i1 + w2 * i2 +
b1``, with every operation in the order ``network`` does it, so the two agree but for the last
bit numpy's exp and tanh may round differently from the C library's; the tests hold them to
that on random states. The loop uses the same overflow-free forms as
``network`` (e^-|net|, log1p), so every valid state, however extreme, runs at the same cost per
iteration. A run stops before the first update that would leave a parameter beyond
``PARAMETER_LIMIT``, and says so.

``network.step`` stays the one the page explains.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.network import NETWORK, Network, State

# The largest magnitude a weight, bias, input or target may take (also the input bound).
PARAMETER_LIMIT = NETWORK.bounds.value

exp, log1p = math.exp, math.log1p


@dataclass
class Run:
    """What ``train`` returns: the state reached and the loss of each pass over the rows."""

    state: State
    losses: list[float]  # losses[k]: the mean over the rows of E_total before each row's update
    updates: int = 0  # iterations made (online: one per row; batch: one per pass)
    diverged_at: int | None = None  # the update (1-based) that was refused
    diverged_parameter: str | None = None
    # (updates made, state) at the points asked for, starting with the start
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


def _softmax(*nets: float) -> tuple[list[float], list[float]]:
    """Return each out and -ln out of the softmax, as ``network.softmax`` computes them."""
    top = max(nets)
    first = nets.index(top)
    others = 0.0
    for k, net in enumerate(nets):
        others = others + (0.0 if k == first else exp(net - top))
    log_sum = log1p(others)
    return [exp(net - top) / (1 + others) for net in nets], [(top - net) + log_sum for net in nets]


def out_of_bounds(parameters: Mapping[str, float]) -> str | None:
    """Return the first parameter that is not finite or beyond the limit, else None."""
    for name, value in parameters.items():
        if not abs(value) <= PARAMETER_LIMIT:  # also true for NaN
            return name
    return None


def _fed(neuron: str) -> str:
    return neuron if neuron.startswith("i") else f"out_{neuron}"


def _sum(terms: Sequence[str]) -> str:
    return " + ".join(terms)


def _loop_source(network: Network, loss: str, updated_rule: bool, train_biases: bool,
                 batch: bool) -> str:  # fmt: skip
    """Return the source of ``run(parameters, rows, passes, eta, limit)``: ``passes`` passes over
    ``rows`` (each a tuple of inputs then targets), written out for this network."""
    neurons, outputs = network.neurons, network.outputs
    weights = [name for name, *_ in network.weights]
    biases = [name for name, _ in network.biases]
    parameters = weights + biases
    row = [*network.inputs, *(f"target_{o}" for o in outputs)]
    lines = [
        "def run(parameters, rows, passes, eta, limit):",
        f"    {', '.join(parameters)}, = parameters",
        "    losses = []",
        "    count = len(rows)",
        "    for _ in range(passes):",
        "        total = 0.0",
    ]
    if batch:
        lines += [f"        g_{name} = 0.0" for name in parameters]
    lines.append(f"        for {', '.join(row)}, in rows:")
    body: list[str] = []
    for depth, layer in enumerate(neurons[1:], start=1):
        is_output = depth == len(neurons) - 1
        for neuron in layer:
            terms = [f"{w} * {_fed(s)}" for w, s in network.into(neuron)]
            body.append(f"net_{neuron} = {_sum(terms)} + {network.bias_of(neuron)}")
            if not (is_output and loss == "cross_entropy"):
                body.append(f"out_{neuron}, slope_{neuron} = f(net_{neuron})")
    if loss == "squared":
        errors = [f"0.5 * (target_{o} - out_{o}) ** 2" for o in outputs]
        body.append(f"total = total + ({_sum(errors)})")
        body += [f"delta_{o} = -(target_{o} - out_{o}) * slope_{o}" for o in outputs]
    else:
        nets = ", ".join(f"net_{o}" for o in outputs)
        outs = ", ".join(f"out_{o}" for o in outputs)
        minus_ln = ", ".join(f"minus_ln_{o}" for o in outputs)
        body.append(f"({outs},), ({minus_ln},) = softmax({nets})")
        errors = [f"target_{o} * minus_ln_{o}" for o in outputs]
        body.append(f"total = total + ({_sum(errors)})")
        if len(outputs) == 2:  # as network.backward: both from the smaller output
            o1, o2 = outputs
            body += [
                f"delta_{o1} = target_{o2} - out_{o2} if net_{o1} >= net_{o2} "
                f"else out_{o1} - target_{o1}",
                f"delta_{o2} = -delta_{o1}",
            ]
        else:
            body += [f"delta_{o} = out_{o} - target_{o}" for o in outputs]
    # backward, from the outputs down; online, each layer's new weights as soon as known
    for depth in reversed(range(1, len(neurons))):
        layer = neurons[depth]
        if depth < len(neurons) - 1:
            for h in layer:
                read = "new_" if updated_rule else ""
                vias = [f"delta_{t} * {read}{w}" for w, t in network.out_of(h)]
                body.append(f"delta_{h} = ({_sum(vias)}) * slope_{h}")
        for neuron in layer:
            for w, s in network.into(neuron):
                gradient = f"delta_{neuron} * {_fed(s)}"
                if batch:
                    body.append(f"g_{w} = g_{w} + {gradient}")
                else:
                    body.append(f"new_{w} = {w} - eta * ({gradient})")
        bias = network.bias_of(layer[0])
        deltas = _sum([f"delta_{n}" for n in layer])
        if batch:
            body.append(f"g_{bias} = g_{bias} + ({deltas})")
        elif train_biases:
            body.append(f"new_{bias} = {bias} - eta * ({deltas})")
        else:
            body.append(f"new_{bias} = {bias}")
    news = [f"new_{name}" for name in parameters]
    check = " and ".join(f"-limit <= new_{name} <= limit" for name in parameters)
    refused = f"return ({', '.join(parameters)}), losses, ({', '.join(news)})"
    if not batch:
        body += [
            f"if not ({check}):  # also for NaN",
            f"    {refused}",
            f"{', '.join(parameters)}, = {', '.join(news)},",
        ]
        lines += [f"            {line}" for line in body]
        lines.append("        losses.append(total / count)")
    else:
        lines += [f"            {line}" for line in body]
        lines.append("        losses.append(total / count)")
        for name in weights:
            lines.append(f"        new_{name} = {name} - eta * (g_{name} / count)")
        for name in biases:
            new = f"{name} - eta * (g_{name} / count)" if train_biases else name
            lines.append(f"        new_{name} = {new}")
        lines += [
            f"        if not ({check}):  # also for NaN",
            "            losses.pop()",
            f"            {refused}",
            f"        {', '.join(parameters)}, = {', '.join(news)},",
        ]
    lines.append(f"    return ({', '.join(parameters)}), losses, None")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=256)
def _loop(network: Network, activation: str, loss: str, updated_rule: bool, train_biases: bool,
          batch: bool) -> Callable[..., Any]:  # fmt: skip
    """Return the compiled loop for this shape and these options."""
    source = _loop_source(network, loss, updated_rule, train_biases, batch)
    scope: dict[str, Any] = {"f": _ACTIVATIONS[activation], "softmax": _softmax}
    exec(compile(source, f"<training loop {network.layers}>", "exec"), scope)  # noqa: S102
    return scope["run"]


def _passes(state: State, rows: list[tuple[float, ...]], passes: int) -> Run:
    """Return ``passes`` passes over ``rows`` from ``state``, or the updates before the first
    that leaves the bounds."""
    options, network = state.options, state.network
    batch = options.training == "batch"
    run = _loop(network, options.activation, options.loss,
                options.hidden_deltas_use == "updated", options.train_biases, batch)  # fmt: skip
    names = network.parameters
    values = tuple(state.parameters()[name] for name in names)
    reached, losses, refused = run(values, rows, passes, state.learning_rate, PARAMETER_LIMIT)
    reached_state = state.with_parameters(dict(zip(names, reached, strict=True)))
    per_pass = 1 if batch else len(rows)
    if refused is None:
        return Run(reached_state, losses, passes * per_pass)
    culprit = out_of_bounds(dict(zip(names, refused, strict=True)))
    if batch:
        updates = len(losses)
    else:  # the updates of the passes done, and of the rows of this pass before the refused
        updates = len(losses) * per_pass
        updates += _rows_done(state, rows, len(losses), reached_state)
    return Run(reached_state, losses, updates, updates + 1, culprit)


def _rows_done(state: State, rows: list[tuple[float, ...]], passes: int, reached: State) -> int:
    """Return how many rows of the pass after ``passes`` were updated before the refused one:
    the rows of that pass are run one at a time until the state reached is met again."""
    if passes:
        state = _passes(state, rows, passes).state
    for done, row in enumerate(rows):
        if state.parameters() == reached.parameters():
            return done
        state = _passes(state, [row], 1).state
    return len(rows)


def train(state: State, epochs: int, samples: int = 0,
          rows: Sequence[Mapping[str, Any]] | None = None, first_row: int = 0) -> Run:  # fmt: skip
    """Return the result of ``epochs`` passes over ``rows`` (the state's own inputs and targets
    if None; online from ``first_row`` on), or of the updates before training diverged, with
    the state at ``samples`` evenly spaced passes (and the start) in ``path``."""
    network = state.network
    rows = rows or [{"inputs": state.inputs, "targets": state.targets}]
    ordered = [*rows[first_row:], *rows[:first_row]]
    plain = [
        (*(row["inputs"][i] for i in network.inputs), *(row["targets"][o] for o in network.outputs))
        for row in ordered
    ]
    ends = sorted({round(epochs * k / samples) for k in range(1, samples + 1)} - {0} | {epochs})
    path = [(0, state)] if samples else []
    losses: list[float] = []
    updates = done = 0
    for end in ends:
        run = _passes(state, plain, end - done)
        losses.extend(run.losses)
        state = run.state
        if run.diverged_at is not None:
            return Run(state, losses, updates + run.updates, updates + run.diverged_at,
                       run.diverged_parameter, path)  # fmt: skip
        updates += run.updates
        done = end
        if samples:
            path.append((updates, state))
    return Run(state, losses, updates, path=path)
