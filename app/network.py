"""The worked example's 2-2-2 network: its definition, forward pass, backward pass, update.

Written to be read beside the worked example, in its notation: ``net_h1``, ``out_h1``,
``delta_o1``, ``w5``, ``E_total``. Every function takes a ``State`` whose numbers are plain
floats or, unchanged, numpy arrays of equal shape (one network per element), which is how a
whole loss landscape is evaluated in one call. Imports numpy and nothing else; the web layer
imports this, never the reverse.

One iteration is three separate steps, so that every intermediate value is there to show:
``forward`` keeps what backward needs, ``backward`` returns every factor of the chain rule and
every gradient, ``update`` applies them.

Where the worked example writes out (1 - out), 1 - out^2 or ln(e^net / sum), this module uses
forms that keep their relative precision when a neuron saturates: sigma(net) sigma(-net),
sech^2(net), and a log-softmax shifted by the larger net (see ``activation_derivative`` and
``softmax``).
"""

import copy
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

Number = Any  # a float, or a numpy array of networks

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("squared", "cross_entropy")
HIDDEN_DELTAS_USE = ("original", "updated")


@dataclass(frozen=True)
class Options:
    """The choices the worked example makes, each with the post's behaviour as default.

    activation: on hidden and output neurons (with ``cross_entropy`` the outputs use softmax).
    loss: ``squared`` is E = sum of 1/2 (target - out)^2; ``cross_entropy`` is softmax over
        net_o1, net_o2, then E = -sum of target * ln(out), with targets summing to 1.
    train_biases: the post keeps b1 and b2 fixed; when true each moves by the learning rate
        times the sum of its layer's deltas.
    hidden_deltas_use: the post computes the hidden deltas with the ``original`` w5..w8;
        ``updated`` uses the w5..w8 of this same iteration's update, which is what reproduces
        the post's 0.291027924. The hidden layer's numbers are then that rule's, not dE/dw.
    """

    activation: str = ACTIVATIONS[0]
    loss: str = LOSSES[0]
    train_biases: bool = False
    hidden_deltas_use: str = HIDDEN_DELTAS_USE[0]

    def __post_init__(self) -> None:
        for name, allowed in (
            ("activation", ACTIVATIONS),
            ("loss", LOSSES),
            ("hidden_deltas_use", HIDDEN_DELTAS_USE),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}")


@dataclass(frozen=True)
class Bounds:
    """What a valid request may hold; the schemas, the training loop and the page read these.

    target_sum_tolerance: with cross_entropy the server scales any non-negative targets to sum
    to exactly 1 (see ``distribution``); a typed pair whose sum is further than this from 1 is
    more than rounding, and the page refuses it beside the control rather than send it.
    """

    value: float = 1e6  # |input|, |target|, |weight|, |bias|
    learning_rate_max: float = 1000.0
    iteration_max: int = 10**12
    epochs_max: int = 100_000
    path_max: int = 1000
    landscape_resolution_max: int = 201
    landscape_span_max: float = 1000.0
    target_sum_tolerance: float = 1e-9


@dataclass(frozen=True)
class Network:
    """The network, declared once: its neurons, its edges, its choices, its example, its bounds.

    ``weights`` lists (name, from, to); ``biases`` lists (name, the neurons it is shared by).
    """

    inputs: tuple[str, ...]
    hidden: tuple[str, ...]
    outputs: tuple[str, ...]
    weights: tuple[tuple[str, str, str], ...]
    biases: tuple[tuple[str, tuple[str, ...]], ...]
    example: dict[str, Any]
    bounds: Bounds = Bounds()

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(name for name, *_ in self.weights) + tuple(name for name, _ in self.biases)

    def definition(self) -> dict[str, Any]:
        """Return the network as JSON-able data: what ``GET /api/network`` answers."""
        return {
            "inputs": list(self.inputs),
            "hidden": list(self.hidden),
            "outputs": list(self.outputs),
            "weights": [
                {"name": name, "from": source, "to": target}
                for name, source, target in self.weights
            ],
            "biases": [{"name": name, "to": list(fed)} for name, fed in self.biases],
            "parameters": list(self.parameters),
            "options": {
                "activation": list(ACTIVATIONS),
                "loss": list(LOSSES),
                "train_biases": [False, True],
                "hidden_deltas_use": list(HIDDEN_DELTAS_USE),
            },
            "example": copy.deepcopy(self.example),
            "bounds": asdict(self.bounds),
        }


# The worked example as published: i1, i2 -> h1, h2 -> o1, o2, with b1 shared by the hidden
# neurons and b2 by the outputs.
NETWORK = Network(
    inputs=("i1", "i2"),
    hidden=("h1", "h2"),
    outputs=("o1", "o2"),
    weights=(
        ("w1", "i1", "h1"), ("w2", "i2", "h1"), ("w3", "i1", "h2"), ("w4", "i2", "h2"),
        ("w5", "h1", "o1"), ("w6", "h2", "o1"), ("w7", "h1", "o2"), ("w8", "h2", "o2"),
    ),
    biases=(("b1", ("h1", "h2")), ("b2", ("o1", "o2"))),
    example={
        "inputs": {"i1": 0.05, "i2": 0.10},
        "targets": {"o1": 0.01, "o2": 0.99},
        "weights": {
            "w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
            "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55,
        },
        "biases": {"b1": 0.35, "b2": 0.60},
        "learning_rate": 0.5,
        "options": asdict(Options()),
        "iteration": 0,
    },
)  # fmt: skip

WEIGHTS = tuple(name for name, _, _ in NETWORK.weights)
BIASES = tuple(name for name, _ in NETWORK.biases)
PARAMETERS = NETWORK.parameters


def definition() -> dict[str, Any]:
    """Return the network's definition as JSON-able data (see ``Network.definition``)."""
    return NETWORK.definition()


@dataclass(frozen=True)
class State:
    """One network's numbers and choices, by the worked example's names."""

    inputs: Mapping[str, Number]
    targets: Mapping[str, Number]
    weights: Mapping[str, Number]
    biases: Mapping[str, Number]
    learning_rate: Number
    options: Options = field(default_factory=Options)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> "State":
        """Return the state held in JSON-like data (the API's; its ``iteration`` is ignored)."""
        return cls(
            data["inputs"], data["targets"], data["weights"], data["biases"],
            data["learning_rate"], Options(**data["options"]),
        )  # fmt: skip

    def parameters(self) -> dict[str, Number]:
        return {**self.weights, **self.biases}

    def with_parameters(self, parameters: Mapping[str, Number]) -> "State":
        """Return this state with the given weights and biases changed."""
        weights = {name: parameters.get(name, value) for name, value in self.weights.items()}
        biases = {name: parameters.get(name, value) for name, value in self.biases.items()}
        return State(self.inputs, self.targets, weights, biases, self.learning_rate, self.options)


EXAMPLE = State.of(NETWORK.example)


def distribution(o1: float, o2: float) -> tuple[float, float]:
    """Return softmax targets scaled to sum to 1 exactly, unchanged if they already do in
    float64: the larger divided by the sum, the smaller 1 minus that (an exact subtraction),
    so that delta_o = out_o - target_o is the derivative of the E_total reported."""
    total = o1 + o2
    if total == 1.0:
        return o1, o2
    if o1 >= o2:
        return o1 / total, 1.0 - o1 / total
    return 1.0 - o2 / total, o2 / total


# --- One neuron ---------------------------------------------------------------------------


def activate(activation: str, net: Number) -> Number:
    """Return out = f(net) for the hidden and (with squared error) output neurons."""
    if activation == "sigmoid":
        # 1 / (1 + e^-net) for net >= 0 and e^net / (1 + e^net) below: e^-|net| <= 1 never
        # overflows, and a tiny out keeps its relative precision
        return np.exp(np.minimum(net, 0.0)) / (1 + np.exp(-np.abs(net)))
    if activation == "tanh":
        return np.tanh(net)
    return np.maximum(net, 0.0)


def activation_derivative(activation: str, net: Number, out: Number) -> Number:
    """Return d out / d net. The worked example writes out (1 - out) and 1 - out^2, but near
    saturation 1 - out cancels to nothing; these are the same numbers in forms that keep
    their digits: sigma(net) sigma(-net) = e^-|net| / (1 + e^-|net|)^2 and
    sech^2(net) = 4 e^-2|net| / (1 + e^-2|net|)^2."""
    if activation == "sigmoid":
        z = np.exp(-np.abs(net))
        return z / ((1 + z) * (1 + z))
    if activation == "tanh":
        z = np.exp(-2 * np.abs(net))
        return 4 * z / ((1 + z) * (1 + z))
    return (net > 0) * 1.0  # relu'(0) = 0


def softmax(net_o1: Number, net_o2: Number) -> tuple[Number, ...]:
    """Return out_o1, out_o2 and -ln out_o1, -ln out_o2 of the softmax over net_o1, net_o2.

    Shifted by the larger net (top), e^(net - top) is 1 or e^-|net_o1 - net_o2|, so nothing
    overflows, ln of the sum is log1p of the smaller exponential, and each -ln out is a sum of
    two non-negative numbers: never -0.0, and exact to the last digits when the nets are huge.
    """
    top = np.maximum(net_o1, net_o2)
    smaller = np.exp(-np.abs(net_o1 - net_o2))
    log_sum = np.log1p(smaller)  # ln(e^(net_o1 - top) + e^(net_o2 - top))
    out_o1 = np.exp(net_o1 - top) / (1 + smaller)
    out_o2 = np.exp(net_o2 - top) / (1 + smaller)
    return out_o1, out_o2, (top - net_o1) + log_sum, (top - net_o2) + log_sum


# --- One iteration ------------------------------------------------------------------------


def forward(state: State) -> dict[str, Number]:
    """Return every value of the forward pass, from net_h1 to E_total."""
    i1, i2 = state.inputs["i1"], state.inputs["i2"]
    target_o1, target_o2 = state.targets["o1"], state.targets["o2"]
    w1, w2, w3, w4 = (state.weights[name] for name in ("w1", "w2", "w3", "w4"))
    w5, w6, w7, w8 = (state.weights[name] for name in ("w5", "w6", "w7", "w8"))
    b1, b2 = state.biases["b1"], state.biases["b2"]
    activation = state.options.activation

    net_h1 = w1 * i1 + w2 * i2 + b1
    out_h1 = activate(activation, net_h1)
    net_h2 = w3 * i1 + w4 * i2 + b1
    out_h2 = activate(activation, net_h2)

    net_o1 = w5 * out_h1 + w6 * out_h2 + b2
    net_o2 = w7 * out_h1 + w8 * out_h2 + b2
    if state.options.loss == "squared":
        out_o1 = activate(activation, net_o1)
        out_o2 = activate(activation, net_o2)
        E_o1 = 0.5 * (target_o1 - out_o1) ** 2
        E_o2 = 0.5 * (target_o2 - out_o2) ** 2
    else:
        out_o1, out_o2, minus_ln_out_o1, minus_ln_out_o2 = softmax(net_o1, net_o2)
        E_o1 = target_o1 * minus_ln_out_o1
        E_o2 = target_o2 * minus_ln_out_o2
    E_total = E_o1 + E_o2

    return {
        "net_h1": net_h1, "out_h1": out_h1, "net_h2": net_h2, "out_h2": out_h2,
        "net_o1": net_o1, "out_o1": out_o1, "net_o2": net_o2, "out_o2": out_o2,
        "E_o1": E_o1, "E_o2": E_o2, "E_total": E_total,
    }  # fmt: skip


def products(state: State, fwd: dict[str, Number]) -> dict[str, Number]:
    """Return each weight times what it multiplies, the multiply nodes of the layer view:
    net_h1 = w1_i1 + w2_i2 + b1, net_o1 = w5_out_h1 + w6_out_h2 + b2, and so on."""
    weights, i1, i2 = state.weights, state.inputs["i1"], state.inputs["i2"]
    out_h1, out_h2 = fwd["out_h1"], fwd["out_h2"]
    return {
        "w1_i1": weights["w1"] * i1, "w2_i2": weights["w2"] * i2,
        "w3_i1": weights["w3"] * i1, "w4_i2": weights["w4"] * i2,
        "w5_out_h1": weights["w5"] * out_h1, "w6_out_h2": weights["w6"] * out_h2,
        "w7_out_h1": weights["w7"] * out_h1, "w8_out_h2": weights["w8"] * out_h2,
    }  # fmt: skip


def backward(state: State, fwd: dict[str, Number]) -> dict[str, dict[str, Number]]:
    """Return the chain rule of one iteration: its factors, the deltas and the gradients.

    Factor names read as partial derivatives: ``dE_dout_o1`` is dE_total/dout_o1,
    ``dnet_o1_dw5`` is dnet_o1/dw5. With cross-entropy the softmax ties both outputs to both
    nets, so dE/dout_o1 and dout_o1/dnet_o1 are not separate factors (they are None) and
    delta_o1 = out_o1 - target_o1. ``dE_dout_h1_via_o1`` = delta_o1 w5 is the part of
    dE_total/dout_h1 that flows through net_o1 (with squared error, that is dE_o1/dout_h1).
    With the ``updated`` rule, w5..w8 here are the updated ones, and every hidden-layer
    number is that rule's, not a derivative of E_total.
    """
    i1, i2 = state.inputs["i1"], state.inputs["i2"]
    target_o1, target_o2 = state.targets["o1"], state.targets["o2"]
    out_h1, out_h2 = fwd["out_h1"], fwd["out_h2"]
    out_o1, out_o2 = fwd["out_o1"], fwd["out_o2"]
    activation = state.options.activation

    # Output layer: delta_o = dE/dnet_o
    if state.options.loss == "squared":
        dE_dout_o1 = -(target_o1 - out_o1)
        dE_dout_o2 = -(target_o2 - out_o2)
        dout_o1_dnet_o1 = activation_derivative(activation, fwd["net_o1"], out_o1)
        dout_o2_dnet_o2 = activation_derivative(activation, fwd["net_o2"], out_o2)
        delta_o1 = dE_dout_o1 * dout_o1_dnet_o1
        delta_o2 = dE_dout_o2 * dout_o2_dnet_o2
    else:
        dE_dout_o1 = dE_dout_o2 = dout_o1_dnet_o1 = dout_o2_dnet_o2 = None
        # delta_o = out_o - target_o. Outputs and targets each sum to 1 (see ``distribution``),
        # so delta_o2 = -delta_o1 exactly: both are taken from the smaller output, whose
        # rounding is the smaller, and dE/db2 = delta_o1 + delta_o2 comes out exactly 0.
        first_larger = fwd["net_o1"] >= fwd["net_o2"]
        delta_o1 = np.where(first_larger, target_o2 - out_o2, out_o1 - target_o1)[()]
        delta_o2 = -delta_o1

    dnet_o1_dw5, dnet_o1_dw6 = out_h1, out_h2
    dnet_o2_dw7, dnet_o2_dw8 = out_h1, out_h2
    gradient_w5 = delta_o1 * dnet_o1_dw5
    gradient_w6 = delta_o1 * dnet_o1_dw6
    gradient_w7 = delta_o2 * dnet_o2_dw7
    gradient_w8 = delta_o2 * dnet_o2_dw8

    # Hidden layer: the error reaching out_h1 comes along two paths, through net_o1 and net_o2.
    w5, w6, w7, w8 = (state.weights[name] for name in ("w5", "w6", "w7", "w8"))
    if state.options.hidden_deltas_use == "updated":
        eta = state.learning_rate
        w5, w6 = w5 - eta * gradient_w5, w6 - eta * gradient_w6
        w7, w8 = w7 - eta * gradient_w7, w8 - eta * gradient_w8
    dnet_o1_dout_h1, dnet_o2_dout_h1 = w5, w7
    dnet_o1_dout_h2, dnet_o2_dout_h2 = w6, w8
    dE_dout_h1_via_o1 = delta_o1 * dnet_o1_dout_h1
    dE_dout_h1_via_o2 = delta_o2 * dnet_o2_dout_h1
    dE_dout_h2_via_o1 = delta_o1 * dnet_o1_dout_h2
    dE_dout_h2_via_o2 = delta_o2 * dnet_o2_dout_h2
    dE_dout_h1 = dE_dout_h1_via_o1 + dE_dout_h1_via_o2
    dE_dout_h2 = dE_dout_h2_via_o1 + dE_dout_h2_via_o2
    dout_h1_dnet_h1 = activation_derivative(activation, fwd["net_h1"], out_h1)
    dout_h2_dnet_h2 = activation_derivative(activation, fwd["net_h2"], out_h2)
    delta_h1 = dE_dout_h1 * dout_h1_dnet_h1
    delta_h2 = dE_dout_h2 * dout_h2_dnet_h2

    dnet_h1_dw1, dnet_h1_dw2 = i1, i2
    dnet_h2_dw3, dnet_h2_dw4 = i1, i2

    factors = {
        "dE_dout_o1": dE_dout_o1, "dout_o1_dnet_o1": dout_o1_dnet_o1,
        "dE_dout_o2": dE_dout_o2, "dout_o2_dnet_o2": dout_o2_dnet_o2,
        "dnet_o1_dw5": dnet_o1_dw5, "dnet_o1_dw6": dnet_o1_dw6,
        "dnet_o2_dw7": dnet_o2_dw7, "dnet_o2_dw8": dnet_o2_dw8,
        "dnet_o1_dout_h1": dnet_o1_dout_h1, "dnet_o2_dout_h1": dnet_o2_dout_h1,
        "dnet_o1_dout_h2": dnet_o1_dout_h2, "dnet_o2_dout_h2": dnet_o2_dout_h2,
        "dE_dout_h1_via_o1": dE_dout_h1_via_o1, "dE_dout_h1_via_o2": dE_dout_h1_via_o2,
        "dE_dout_h1": dE_dout_h1,
        "dE_dout_h2_via_o1": dE_dout_h2_via_o1, "dE_dout_h2_via_o2": dE_dout_h2_via_o2,
        "dE_dout_h2": dE_dout_h2,
        "dout_h1_dnet_h1": dout_h1_dnet_h1, "dout_h2_dnet_h2": dout_h2_dnet_h2,
        "dnet_h1_dw1": dnet_h1_dw1, "dnet_h1_dw2": dnet_h1_dw2,
        "dnet_h2_dw3": dnet_h2_dw3, "dnet_h2_dw4": dnet_h2_dw4,
    }  # fmt: skip
    deltas = {"o1": delta_o1, "o2": delta_o2, "h1": delta_h1, "h2": delta_h2}
    gradients = {
        "w1": delta_h1 * dnet_h1_dw1, "w2": delta_h1 * dnet_h1_dw2,
        "w3": delta_h2 * dnet_h2_dw3, "w4": delta_h2 * dnet_h2_dw4,
        "w5": gradient_w5, "w6": gradient_w6, "w7": gradient_w7, "w8": gradient_w8,
        # b1 and b2 are each shared by two neurons, so their gradients sum two deltas
        "b1": delta_h1 + delta_h2, "b2": delta_o1 + delta_o2,
    }  # fmt: skip
    return {"factors": factors, "deltas": deltas, "gradients": gradients}


def update(state: State, gradients: dict[str, Number]) -> tuple[State, dict[str, Number]]:
    """Return the state after the update w+ = w - eta dE/dw, and each parameter's change."""
    eta, train_biases = state.learning_rate, state.options.train_biases
    changes = {
        name: -eta * gradients[name] if train_biases or name in WEIGHTS else 0.0
        for name in PARAMETERS
    }
    weights = {name: w - eta * gradients[name] for name, w in state.weights.items()}
    biases = state.biases
    if train_biases:
        biases = {name: b - eta * gradients[name] for name, b in biases.items()}
    new_state = State(state.inputs, state.targets, weights, biases, eta, state.options)
    return new_state, changes


def step(state: State) -> tuple[State, dict[str, Any]]:
    """Return the state after one iteration, and its trace (every value computed)."""
    fwd = forward(state)
    trace: dict[str, Any] = {"forward": fwd}
    trace.update(backward(state, fwd))
    new_state, trace["changes"] = update(state, trace["gradients"])
    return new_state, trace


# --- Analysis -----------------------------------------------------------------------------


def hidden_gradients_are_derivatives(options: Options) -> dict[str, bool]:
    """Return, for each parameter, whether backward's gradient is dE_total/dp: under the
    ``updated`` rule w1..w4 and b1 come from the updated w5..w8, so they are not."""
    not_derivatives = ("w1", "w2", "w3", "w4", "b1")
    updated = options.hidden_deltas_use == "updated"
    return {name: not (updated and name in not_derivatives) for name in PARAMETERS}


def numerical_gradients(state: State, epsilon: float) -> dict[str, Number]:
    """Return dE_total/dp for every weight and bias by central differences,
    (E(p + epsilon) - E(p - epsilon)) / (2 epsilon), from one forward pass over the 20 shifted
    networks at once."""
    count = len(PARAMETERS)
    values = np.array([state.parameters()[name] for name in PARAMETERS])
    shifts = np.concatenate([np.eye(count), -np.eye(count)]) * epsilon
    shifted = values + shifts  # row k moves parameter k up, row count + k moves it down
    E_total = forward(state.with_parameters(dict(zip(PARAMETERS, shifted.T, strict=True))))
    E_total = E_total["E_total"]
    return {
        name: (E_total[k] - E_total[count + k]) / (2 * epsilon) for k, name in enumerate(PARAMETERS)
    }


def relative_error(backprop: float, numerical: float) -> float:
    """Return |a - n| / max(|a|, |n|), or 0 when both are 0."""
    scale = max(abs(backprop), abs(numerical))
    return abs(backprop - numerical) / scale if scale > 0 else 0.0


def gradient_check(state: State, epsilon: float) -> list[dict[str, Any]]:
    """Return, for each parameter, backward's gradient beside the central difference."""
    backprop = backward(state, forward(state))["gradients"]
    numerical = numerical_gradients(state, epsilon)
    is_gradient = hidden_gradients_are_derivatives(state.options)
    return [
        {
            "name": name,
            "backprop": backprop[name],
            "numerical": numerical[name],
            "relative_error": relative_error(backprop[name], numerical[name]),
            "is_gradient": is_gradient[name],
        }
        for name in PARAMETERS
    ]


def loss_surface(
    state: State, x: str, x_values: np.ndarray, y: str, y_values: np.ndarray
) -> np.ndarray:
    """Return E_total over a grid of two parameters, rows following y and columns x, every other
    parameter held; one forward pass over all the grid's networks at once."""
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    E_total = forward(state.with_parameters({x: grid_x, y: grid_y}))["E_total"]
    return np.broadcast_to(E_total, grid_x.shape)


def landscape(state: State, x: str, y: str, span: float, resolution: int) -> dict[str, Any]:
    """Return the axes and E_total of a resolution x resolution grid centred on the current
    values of x and y, each axis running from value - span to value + span."""
    values = state.parameters()
    axes = {
        axis: np.linspace(values[name] - span, values[name] + span, resolution)
        for axis, name in (("x", x), ("y", y))
    }
    return {
        "x": {"name": x, "values": axes["x"].tolist()},
        "y": {"name": y, "values": axes["y"].tolist()},
        "E_total": loss_surface(state, x, axes["x"], y, axes["y"]).tolist(),
    }
