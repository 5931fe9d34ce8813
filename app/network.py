"""The worked example's 2-2-2 network: forward pass, backward pass, update.

Written to be read beside the worked example, in its notation: ``net_h1``, ``out_h1``,
``delta_o1``, ``w5``, ``E_total``. Every function works on plain floats and, unchanged, on numpy
arrays of equal shape (one network per element), which is how a whole loss landscape is
evaluated in one call. Imports numpy and nothing else; the web layer imports this, never the
reverse.

One iteration is three separate steps, so that every intermediate value is there to show:
``forward`` keeps what backward needs, ``backward`` returns every factor of the chain rule and
every gradient, ``update`` applies them.
"""

import copy
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("squared", "cross_entropy")
HIDDEN_DELTAS_USE = ("original", "updated")


@dataclass(frozen=True)
class Bounds:
    """What a valid request may hold; the schemas, the training loop and the page read these."""

    value: float = 1e6  # |input|, |target|, |weight|, |bias|
    learning_rate_max: float = 1000.0
    iteration_max: int = 10**12
    epochs_max: int = 100_000
    path_max: int = 1000
    landscape_resolution_max: int = 201
    landscape_span_max: float = 1000.0
    # Softmax targets must sum to 1; this much rounding in a typed sum is forgiven (and removed).
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
        "options": {
            "activation": "sigmoid", "loss": "squared",
            "train_biases": False, "hidden_deltas_use": "original",
        },
        "iteration": 0,
    },
)  # fmt: skip

WEIGHTS = tuple(name for name, _, _ in NETWORK.weights)
BIASES = tuple(name for name, _ in NETWORK.biases)
PARAMETERS = NETWORK.parameters
INPUTS = NETWORK.inputs
TARGETS = NETWORK.outputs

EXAMPLE_INPUTS = NETWORK.example["inputs"]
EXAMPLE_TARGETS = NETWORK.example["targets"]
EXAMPLE_WEIGHTS = NETWORK.example["weights"]
EXAMPLE_BIASES = NETWORK.example["biases"]
EXAMPLE_LEARNING_RATE = NETWORK.example["learning_rate"]


def definition() -> dict[str, Any]:
    """Return the network's definition as JSON-able data (see ``Network.definition``)."""
    return NETWORK.definition()


Number = Any  # a float, or a numpy array of networks


@dataclass(frozen=True)
class Options:
    """The choices the worked example makes, each with the post's behaviour as default.

    activation: on hidden and output neurons (with ``cross_entropy`` the outputs use softmax).
    loss: ``squared`` is E = sum of 1/2 (target - out)^2; ``cross_entropy`` is softmax over
        net_o1, net_o2, then E = -sum of target * ln(out).
    train_biases: the post keeps b1 and b2 fixed; when true each moves by the learning rate
        times the sum of its layer's deltas.
    hidden_deltas_use: the post computes the hidden deltas with the ``original`` w5..w8;
        ``updated`` uses the w5..w8 of this same iteration's update, which is what reproduces
        the post's 0.291027924.
    """

    activation: str = "sigmoid"
    loss: str = "squared"
    train_biases: bool = False
    hidden_deltas_use: str = "original"

    def __post_init__(self) -> None:
        for name, allowed in (
            ("activation", ACTIVATIONS),
            ("loss", LOSSES),
            ("hidden_deltas_use", HIDDEN_DELTAS_USE),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}")


def activate(activation: str, net: Number) -> Number:
    """Return out = f(net) for the hidden and (with squared error) output neurons."""
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-net))
    if activation == "tanh":
        return np.tanh(net)
    return np.maximum(net, 0.0)


def activation_derivative(activation: str, net: Number, out: Number) -> Number:
    """Return d out / d net, written with out where the worked example does (out (1 - out))."""
    if activation == "sigmoid":
        return out * (1 - out)
    if activation == "tanh":
        return 1 - out * out
    return (net > 0) * 1.0  # relu'(0) = 0


@np.errstate(over="ignore")  # a saturated sigmoid's e^-net overflows to inf, giving out = 0
def forward(
    inputs: dict[str, Number],
    targets: dict[str, Number],
    weights: dict[str, Number],
    biases: dict[str, Number],
    options: Options,
) -> dict[str, Number]:
    """Return every value of the forward pass, from net_h1 to E_total."""
    i1, i2 = inputs["i1"], inputs["i2"]
    target_o1, target_o2 = targets["o1"], targets["o2"]
    w1, w2, w3, w4 = weights["w1"], weights["w2"], weights["w3"], weights["w4"]
    w5, w6, w7, w8 = weights["w5"], weights["w6"], weights["w7"], weights["w8"]
    b1, b2 = biases["b1"], biases["b2"]

    net_h1 = w1 * i1 + w2 * i2 + b1
    out_h1 = activate(options.activation, net_h1)
    net_h2 = w3 * i1 + w4 * i2 + b1
    out_h2 = activate(options.activation, net_h2)

    net_o1 = w5 * out_h1 + w6 * out_h2 + b2
    net_o2 = w7 * out_h1 + w8 * out_h2 + b2
    if options.loss == "squared":
        out_o1 = activate(options.activation, net_o1)
        out_o2 = activate(options.activation, net_o2)
        E_o1 = 0.5 * (target_o1 - out_o1) ** 2
        E_o2 = 0.5 * (target_o2 - out_o2) ** 2
    else:
        # softmax, with ln(out) taken from the log-sum-exp so that a tiny out never gives ln 0
        top = np.maximum(net_o1, net_o2)
        log_sum = top + np.log(np.exp(net_o1 - top) + np.exp(net_o2 - top))
        out_o1 = np.exp(net_o1 - log_sum)
        out_o2 = np.exp(net_o2 - log_sum)
        E_o1 = -target_o1 * (net_o1 - log_sum)
        E_o2 = -target_o2 * (net_o2 - log_sum)
    E_total = E_o1 + E_o2

    return {
        "net_h1": net_h1, "out_h1": out_h1, "net_h2": net_h2, "out_h2": out_h2,
        "net_o1": net_o1, "out_o1": out_o1, "net_o2": net_o2, "out_o2": out_o2,
        "E_o1": E_o1, "E_o2": E_o2, "E_total": E_total,
    }  # fmt: skip


def products(
    inputs: dict[str, Number], weights: dict[str, Number], fwd: dict[str, Number]
) -> dict[str, Number]:
    """Return each weight times what it multiplies, the multiply nodes of the layer view:
    net_h1 = w1_i1 + w2_i2 + b1, net_o1 = w5_out_h1 + w6_out_h2 + b2, and so on."""
    i1, i2, out_h1, out_h2 = inputs["i1"], inputs["i2"], fwd["out_h1"], fwd["out_h2"]
    return {
        "w1_i1": weights["w1"] * i1, "w2_i2": weights["w2"] * i2,
        "w3_i1": weights["w3"] * i1, "w4_i2": weights["w4"] * i2,
        "w5_out_h1": weights["w5"] * out_h1, "w6_out_h2": weights["w6"] * out_h2,
        "w7_out_h1": weights["w7"] * out_h1, "w8_out_h2": weights["w8"] * out_h2,
    }  # fmt: skip


def backward(
    inputs: dict[str, Number],
    targets: dict[str, Number],
    weights: dict[str, Number],
    learning_rate: Number,
    fwd: dict[str, Number],
    options: Options,
) -> dict[str, dict[str, Number]]:
    """Return the chain rule of one iteration: its factors, the deltas and the gradients.

    Factor names read as the worked example's partial derivatives: ``dE_dout_o1`` is
    dE_total/dout_o1, ``dnet_o1_dw5`` is dnet_o1/dw5, ``dE_o1_dout_h1`` is dE_o1/dout_h1.
    With cross-entropy the softmax ties both outputs to both nets, so dE/dout_o1 and
    dout_o1/dnet_o1 are not separate factors (they are None) and delta_o1 = out_o1 - target_o1;
    dE_o1_dout_h1 is then the path through net_o1, delta_o1 * w5.
    """
    i1, i2 = inputs["i1"], inputs["i2"]
    target_o1, target_o2 = targets["o1"], targets["o2"]
    out_h1, out_h2 = fwd["out_h1"], fwd["out_h2"]
    out_o1, out_o2 = fwd["out_o1"], fwd["out_o2"]

    # Output layer: delta_o = dE/dnet_o
    if options.loss == "squared":
        dE_dout_o1 = -(target_o1 - out_o1)
        dE_dout_o2 = -(target_o2 - out_o2)
        dout_o1_dnet_o1 = activation_derivative(options.activation, fwd["net_o1"], out_o1)
        dout_o2_dnet_o2 = activation_derivative(options.activation, fwd["net_o2"], out_o2)
        delta_o1 = dE_dout_o1 * dout_o1_dnet_o1
        delta_o2 = dE_dout_o2 * dout_o2_dnet_o2
    else:
        dE_dout_o1 = dE_dout_o2 = dout_o1_dnet_o1 = dout_o2_dnet_o2 = None
        delta_o1 = out_o1 - target_o1
        delta_o2 = out_o2 - target_o2

    dnet_o1_dw5, dnet_o1_dw6 = out_h1, out_h2
    dnet_o2_dw7, dnet_o2_dw8 = out_h1, out_h2
    gradient_w5 = delta_o1 * dnet_o1_dw5
    gradient_w6 = delta_o1 * dnet_o1_dw6
    gradient_w7 = delta_o2 * dnet_o2_dw7
    gradient_w8 = delta_o2 * dnet_o2_dw8

    # Hidden layer: the error reaching out_h1 comes along two paths, through net_o1 and net_o2.
    if options.hidden_deltas_use == "original":
        w5, w6, w7, w8 = weights["w5"], weights["w6"], weights["w7"], weights["w8"]
    else:
        w5 = weights["w5"] - learning_rate * gradient_w5
        w6 = weights["w6"] - learning_rate * gradient_w6
        w7 = weights["w7"] - learning_rate * gradient_w7
        w8 = weights["w8"] - learning_rate * gradient_w8
    dnet_o1_dout_h1, dnet_o2_dout_h1 = w5, w7
    dnet_o1_dout_h2, dnet_o2_dout_h2 = w6, w8
    dE_o1_dout_h1 = delta_o1 * dnet_o1_dout_h1
    dE_o2_dout_h1 = delta_o2 * dnet_o2_dout_h1
    dE_o1_dout_h2 = delta_o1 * dnet_o1_dout_h2
    dE_o2_dout_h2 = delta_o2 * dnet_o2_dout_h2
    dE_dout_h1 = dE_o1_dout_h1 + dE_o2_dout_h1
    dE_dout_h2 = dE_o1_dout_h2 + dE_o2_dout_h2
    dout_h1_dnet_h1 = activation_derivative(options.activation, fwd["net_h1"], out_h1)
    dout_h2_dnet_h2 = activation_derivative(options.activation, fwd["net_h2"], out_h2)
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
        "dE_o1_dout_h1": dE_o1_dout_h1, "dE_o2_dout_h1": dE_o2_dout_h1, "dE_dout_h1": dE_dout_h1,
        "dE_o1_dout_h2": dE_o1_dout_h2, "dE_o2_dout_h2": dE_o2_dout_h2, "dE_dout_h2": dE_dout_h2,
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


def update(
    weights: dict[str, Number],
    biases: dict[str, Number],
    gradients: dict[str, Number],
    learning_rate: Number,
    options: Options,
) -> tuple[dict[str, Number], dict[str, Number], dict[str, Number]]:
    """Return the new weights, the new biases and each parameter's change, w+ = w - eta dE/dw."""
    trained = WEIGHTS + BIASES if options.train_biases else WEIGHTS
    changes = {
        name: -learning_rate * gradients[name] if name in trained else 0.0 for name in PARAMETERS
    }
    new_weights = {name: weights[name] - learning_rate * gradients[name] for name in WEIGHTS}
    new_biases = {
        name: biases[name] - learning_rate * gradients[name] if name in trained else biases[name]
        for name in BIASES
    }
    return new_weights, new_biases, changes


def step(
    inputs: dict[str, Number],
    targets: dict[str, Number],
    weights: dict[str, Number],
    biases: dict[str, Number],
    learning_rate: Number,
    options: Options,
) -> tuple[dict[str, Number], dict[str, Number], dict[str, Any]]:
    """Return the weights and biases after one iteration, and its trace (every value computed)."""
    fwd = forward(inputs, targets, weights, biases, options)
    trace: dict[str, Any] = {"forward": fwd}
    trace.update(backward(inputs, targets, weights, learning_rate, fwd, options))
    new_weights, new_biases, trace["changes"] = update(
        weights, biases, trace["gradients"], learning_rate, options
    )
    return new_weights, new_biases, trace


def numerical_gradients(
    inputs: dict[str, Number],
    targets: dict[str, Number],
    weights: dict[str, Number],
    biases: dict[str, Number],
    options: Options,
    epsilon: float,
) -> dict[str, Number]:
    """Return dE_total/dp for every weight and bias by central differences,
    (E(p + epsilon) - E(p - epsilon)) / (2 epsilon), from one forward pass over the 20 shifted
    networks at once."""
    count = len(PARAMETERS)
    values = np.array([weights[name] for name in WEIGHTS] + [biases[name] for name in BIASES])
    shifts = np.concatenate([np.eye(count), -np.eye(count)]) * epsilon
    shifted = values + shifts  # row k moves parameter k up, row count + k moves it down
    columns = {name: shifted[:, k] for k, name in enumerate(PARAMETERS)}
    E_total = forward(
        inputs,
        targets,
        {name: columns[name] for name in WEIGHTS},
        {name: columns[name] for name in BIASES},
        options,
    )["E_total"]
    return {
        name: (E_total[k] - E_total[count + k]) / (2 * epsilon) for k, name in enumerate(PARAMETERS)
    }


def loss_surface(
    inputs: dict[str, Number],
    targets: dict[str, Number],
    weights: dict[str, Number],
    biases: dict[str, Number],
    options: Options,
    x: str,
    x_values: np.ndarray,
    y: str,
    y_values: np.ndarray,
) -> np.ndarray:
    """Return E_total over a grid of two parameters, rows following y and columns x, every other
    parameter held; one forward pass over all the grid's networks at once."""
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    parameters: dict[str, Number] = {**weights, **biases, x: grid_x, y: grid_y}
    fwd = forward(
        inputs,
        targets,
        {name: parameters[name] for name in WEIGHTS},
        {name: parameters[name] for name in BIASES},
        options,
    )
    return np.broadcast_to(fwd["E_total"], grid_x.shape)
