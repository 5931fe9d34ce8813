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

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

Number = Any  # a float, or a numpy array of networks

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("squared", "cross_entropy")
HIDDEN_DELTAS_USE = ("original", "updated")
TRAININGS = ("online", "batch")


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
        In a deeper network each hidden layer uses the weights above it as updated in this
        iteration. It is a rule for one row at a time, so a batch refuses it.
    training: with rows of data, ``online`` makes one update per row, in order; ``batch`` one
        update per pass over the rows, with the mean of their gradients.
    """

    activation: str = ACTIVATIONS[0]
    loss: str = LOSSES[0]
    train_biases: bool = False
    hidden_deltas_use: str = HIDDEN_DELTAS_USE[0]
    training: str = "online"

    def __post_init__(self) -> None:
        for name, allowed in (
            ("activation", ACTIVATIONS),
            ("loss", LOSSES),
            ("hidden_deltas_use", HIDDEN_DELTAS_USE),
            ("training", TRAININGS),
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
    # a run's work: passes x rows x weights (the worked example's 100,000 epochs are 800,000)
    training_work_max: int = 4_000_000
    # a landscape's work: grid points x rows (one row at the finest grid is 40,401)
    landscape_work_max: int = 4 * 201 * 201
    # the outputs over the input square: points per axis, and grid points x weights
    outputs_resolution_max: int = 201
    outputs_work_max: int = 16 * 201 * 201
    # the shapes this app draws, and the rows of data a state may hold
    inputs_max: int = 4
    outputs_max: int = 4
    hidden_width_max: int = 4
    hidden_layers_max: int = 3
    rows_max: int = 16


LAYERS = (2, 2, 2)  # the worked example's; a state without ``layers`` has this shape
MAX_INPUTS, MAX_OUTPUTS = Bounds.inputs_max, Bounds.outputs_max
MAX_HIDDEN_WIDTH, MAX_HIDDEN_LAYERS = Bounds.hidden_width_max, Bounds.hidden_layers_max
MAX_ROWS = Bounds.rows_max

# The worked example's numbers; a network of another shape takes them in turn (see ``example``).
EXAMPLE_NUMBERS = {
    "inputs": (0.05, 0.10),
    "targets": (0.01, 0.99),
    "weights": (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55),
    "biases": (0.35, 0.60),
}


def layer_problem(layers: tuple[int, ...]) -> str | None:
    """Return what makes ``layers`` no network this app draws, or None."""
    if not 3 <= len(layers) <= MAX_HIDDEN_LAYERS + 2:
        return f"layers: [inputs, 1 to {MAX_HIDDEN_LAYERS} hidden layers, outputs]"
    inputs, *hidden, outputs = layers
    if not 1 <= inputs <= MAX_INPUTS:
        return f"layers[0]: 1 to {MAX_INPUTS} inputs"
    if not 1 <= outputs <= MAX_OUTPUTS:
        return f"layers[{len(layers) - 1}]: 1 to {MAX_OUTPUTS} outputs"
    for k, width in enumerate(hidden, start=1):
        if not 1 <= width <= MAX_HIDDEN_WIDTH:
            return f"layers[{k}]: 1 to {MAX_HIDDEN_WIDTH} neurons in a hidden layer"
    return None


@dataclass(frozen=True)
class Network:
    """A feed-forward network's shape, named as the worked example names its 2-2-2 one.

    Inputs are i1, i2, ...; outputs o1, o2, ...; hidden neurons h1, h2, ... numbered on from
    one hidden layer to the next (in 2-3-3-2, h1..h3 then h4..h6). Weights are w1, w2, ...
    numbered layer by layer from the inputs, within a layer by target neuron, then by source
    neuron (which gives the example's w1..w8); biases b1, b2, ..., one per layer after the
    inputs, shared by its neurons. ``weights`` lists (name, from, to); ``biases`` lists (name,
    the neurons it is shared by).
    """

    layers: tuple[int, ...]
    neurons: tuple[tuple[str, ...], ...]  # per layer, the inputs first
    weights: tuple[tuple[str, str, str], ...]
    biases: tuple[tuple[str, tuple[str, ...]], ...]
    bounds: Bounds = Bounds()

    @classmethod
    def of(cls, layers: tuple[int, ...] | list[int]) -> "Network":
        """Return the network of this shape (ValueError if it is none this app draws)."""
        layers = tuple(layers)
        if all(type(width) is int for width in layers):
            return _network_of(layers)
        return cls._made(layers)  # not kept: True == 1 and 2.0 == 2 as keys

    @classmethod
    def _made(cls, layers: tuple[int, ...]) -> "Network":
        problem = layer_problem(layers)
        if problem:
            raise ValueError(problem)
        hidden_names = iter(f"h{k}" for k in range(1, sum(layers[1:-1]) + 1))
        neurons = (
            tuple(f"i{k}" for k in range(1, layers[0] + 1)),
            *(tuple(next(hidden_names) for _ in range(width)) for width in layers[1:-1]),
            tuple(f"o{k}" for k in range(1, layers[-1] + 1)),
        )
        weights = []
        for sources, targets in zip(neurons, neurons[1:], strict=False):
            for target in targets:
                for source in sources:
                    weights.append((f"w{len(weights) + 1}", source, target))
        biases = tuple((f"b{k}", layer) for k, layer in enumerate(neurons[1:], start=1))
        return cls(layers, neurons, tuple(weights), biases)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.neurons[0]

    @property
    def hidden(self) -> tuple[str, ...]:
        return tuple(name for layer in self.neurons[1:-1] for name in layer)

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.neurons[-1]

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(name for name, *_ in self.weights) + tuple(name for name, _ in self.biases)

    def into(self, target: str) -> tuple[tuple[str, str], ...]:
        """Return (weight, source) of each weight feeding ``target``'s net, in order."""
        return self._edges[0].get(target, ())

    def out_of(self, source: str) -> tuple[tuple[str, str], ...]:
        """Return (weight, target) of each weight ``source``'s out feeds, in order."""
        return self._edges[1].get(source, ())

    def bias_of(self, neuron: str) -> str:
        return self._edges[2][neuron]

    @cached_property
    def _edges(self) -> tuple[dict[str, tuple], dict[str, tuple], dict[str, str]]:
        """Each neuron's weights in and out, and its bias: looked up for every neuron of every
        pass, so listed once per shape."""
        into: dict[str, list[tuple[str, str]]] = {}
        out_of: dict[str, list[tuple[str, str]]] = {}
        for name, source, target in self.weights:
            into.setdefault(target, []).append((name, source))
            out_of.setdefault(source, []).append((name, target))
        bias = {neuron: name for name, fed in self.biases for neuron in fed}
        return (
            {k: tuple(v) for k, v in into.items()},
            {k: tuple(v) for k, v in out_of.items()},
            bias,
        )

    @property
    def example(self) -> dict[str, Any]:
        """Return this shape's example state: the worked example itself for 2-2-2; for another
        shape each group takes the worked example's numbers in turn (inputs 0.05, 0.10, 0.05,
        ...; targets 0.01, 0.99, ...; weights 0.15 .. 0.55 and again; biases 0.35, 0.60, ...)."""

        def cycled(group: str, names: tuple[str, ...]) -> dict[str, float]:
            numbers = EXAMPLE_NUMBERS[group]
            return {name: numbers[k % len(numbers)] for k, name in enumerate(names)}

        shape = {"layers": list(self.layers)} if self.layers != LAYERS else {}
        return {
            **shape,
            "inputs": cycled("inputs", self.inputs),
            "targets": cycled("targets", self.outputs),
            "weights": cycled("weights", tuple(name for name, *_ in self.weights)),
            "biases": cycled("biases", tuple(name for name, _ in self.biases)),
            "learning_rate": 0.5,
            "options": asdict(Options()),
            "iteration": 0,
        }

    def chain(self) -> list[dict[str, Any]]:
        """Return how each gradient is made, in the order backpropagation computes it: every
        quantity as a product or a sum of others, or a leaf, each with where a step's trace
        holds its value (``["factors", "dE_dout_o1"]``). With cross_entropy the output deltas
        are leaves (out_o - target_o) and dE/dout_o, dout_o/dnet_o are not computed."""
        entries: list[dict[str, Any]] = []

        def add(name: str, kind: str, terms: list[str], at: list[str], **more: Any) -> None:
            entries.append({"name": name, "kind": kind, "terms": terms, "at": at, **more})

        for layer in reversed(range(1, len(self.neurons))):
            above = self.neurons[layer + 1] if layer + 1 < len(self.neurons) else ()
            for neuron in self.neurons[layer]:
                if not above:
                    add(f"dE_dout_{neuron}", "leaf", [f"out_{neuron}", f"target_{neuron}"],
                        ["factors", f"dE_dout_{neuron}"], loss="squared")  # fmt: skip
                else:
                    vias = []
                    for weight, target in self.out_of(neuron):
                        add(f"dnet_{target}_dout_{neuron}", "leaf", [weight],
                            ["factors", f"dnet_{target}_dout_{neuron}"])  # fmt: skip
                        via = f"dE_dout_{neuron}_via_{target}"
                        add(via, "product", [f"delta_{target}", f"dnet_{target}_dout_{neuron}"],
                            ["factors", via])  # fmt: skip
                        vias.append(via)
                    add(f"dE_dout_{neuron}", "sum", vias, ["factors", f"dE_dout_{neuron}"])
                slope = f"dout_{neuron}_dnet_{neuron}"
                add(slope, "leaf", [f"net_{neuron}"], ["factors", slope],
                    **({"loss": "squared"} if not above else {}))  # fmt: skip
                add(f"delta_{neuron}", "product", [f"dE_dout_{neuron}", slope],
                    ["deltas", neuron], **({"loss": "squared"} if not above else {}))  # fmt: skip
                if not above:
                    add(f"delta_{neuron}", "leaf", [f"out_{neuron}", f"target_{neuron}"],
                        ["deltas", neuron], loss="cross_entropy")  # fmt: skip
            for neuron in self.neurons[layer]:
                for weight, source in self.into(neuron):
                    fed = source if layer == 1 else f"out_{source}"
                    add(f"dnet_{neuron}_d{weight}", "leaf", [fed],
                        ["factors", f"dnet_{neuron}_d{weight}"])  # fmt: skip
                    add(f"dE_d{weight}", "product", [f"delta_{neuron}", f"dnet_{neuron}_d{weight}"],
                        ["gradients", weight])  # fmt: skip
            bias = self.biases[layer - 1][0]
            add(f"dE_d{bias}", "sum", [f"delta_{n}" for n in self.neurons[layer]],
                ["gradients", bias])  # fmt: skip
        return entries

    def definition(self) -> dict[str, Any]:
        """Return the network as JSON-able data: what ``GET /api/network`` answers."""
        return {
            "layers": list(self.layers),
            "neurons": [list(layer) for layer in self.neurons],
            "inputs": list(self.inputs),
            "hidden": list(self.hidden),
            "outputs": list(self.outputs),
            "weights": [
                {"name": name, "from": source, "to": target}
                for name, source, target in self.weights
            ],
            "biases": [{"name": name, "to": list(fed)} for name, fed in self.biases],
            "parameters": list(self.parameters),
            "chain": self.chain(),
            "options": {
                "activation": list(ACTIVATIONS),
                "loss": list(LOSSES),
                "train_biases": [False, True],
                "hidden_deltas_use": list(HIDDEN_DELTAS_USE),
                "training": list(TRAININGS),
            },
            "example": self.example,
            "bounds": asdict(self.bounds),
        }


@lru_cache(maxsize=64)  # the shapes in use; of the 1,344 possible, a client may ask any
def _network_of(layers: tuple[int, ...]) -> Network:
    return Network._made(layers)


# The worked example as published: i1, i2 -> h1, h2 -> o1, o2, with b1 shared by the hidden
# neurons and b2 by the outputs.
NETWORK = Network.of(LAYERS)

WEIGHTS = tuple(name for name, _, _ in NETWORK.weights)
BIASES = tuple(name for name, _ in NETWORK.biases)
PARAMETERS = NETWORK.parameters


def definition(layers: tuple[int, ...] = LAYERS) -> dict[str, Any]:
    """Return a network's definition as JSON-able data (see ``Network.definition``)."""
    return Network.of(layers).definition()


@dataclass(frozen=True)
class State:
    """One network's numbers and choices, by the worked example's names.

    ``rows``: None for one row of inputs and targets; else inputs and targets each hold an
    array over the rows of a batch (their last axis), and E_total and the gradients are means
    over it.
    """

    inputs: Mapping[str, Number]
    targets: Mapping[str, Number]
    weights: Mapping[str, Number]
    biases: Mapping[str, Number]
    learning_rate: Number
    options: Options = field(default_factory=Options)
    network: Network = NETWORK
    rows: int | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> "State":
        """Return the state held in JSON-like data (the API's; its ``iteration`` is ignored)."""
        network = Network.of(data.get("layers") or LAYERS)
        return cls(
            data["inputs"], data["targets"], data["weights"], data["biases"],
            data["learning_rate"], Options(**data["options"]), network,
        )  # fmt: skip

    def parameters(self) -> dict[str, Number]:
        return {**self.weights, **self.biases}

    def with_parameters(self, parameters: Mapping[str, Number]) -> "State":
        """Return this state with the given weights and biases changed."""
        weights = {name: parameters.get(name, value) for name, value in self.weights.items()}
        biases = {name: parameters.get(name, value) for name, value in self.biases.items()}
        return replace(self, weights=weights, biases=biases)

    def with_rows(self, rows: list[Mapping[str, Any]]) -> "State":
        """Return this state on all the given rows at once (a batch)."""
        inputs = {name: np.array([row["inputs"][name] for row in rows]) for name in self.inputs}
        targets = {name: np.array([row["targets"][name] for row in rows]) for name in self.targets}
        return replace(self, inputs=inputs, targets=targets, rows=len(rows))

    def with_row(self, row: Mapping[str, Any]) -> "State":
        """Return this state on one row of data."""
        return replace(self, inputs=dict(row["inputs"]), targets=dict(row["targets"]), rows=None)


def mean_over_rows(state: State, value: Number) -> Number:
    """Return the mean over a batch's rows (the last axis), summed in order; else ``value``."""
    if state.rows is None:
        return value
    total = value[..., 0]
    for row in range(1, state.rows):
        total = total + value[..., row]
    return total / state.rows


EXAMPLE = State.of(NETWORK.example)


def distribution(*targets: float) -> tuple[float, ...]:
    """Return softmax targets scaled to sum to 1 exactly, unchanged if they already do in
    float64: each but the largest divided by the sum, the largest 1 minus the others (with two
    targets an exact subtraction), so that delta_o = out_o - target_o is the derivative of the
    E_total reported."""
    total = sum(targets)
    if total == 1.0:
        return targets
    largest = max(range(len(targets)), key=lambda k: targets[k])
    if len(targets) == 2:
        scaled = targets[largest] / total
        return (scaled, 1.0 - scaled) if largest == 0 else (1.0 - scaled, scaled)
    scaled = [target / total for target in targets]
    scaled[largest] = 1.0 - sum(value for k, value in enumerate(scaled) if k != largest)
    return tuple(scaled)


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


def softmax(*nets: Number) -> tuple[tuple[Number, ...], tuple[Number, ...]]:
    """Return each out_o of the softmax over the output nets, and each -ln out_o.

    Shifted by the largest net (top), e^(net - top) is 1 for the first largest and e^-(gap)
    for the others, so nothing overflows; ln of the sum is log1p of the others' sum, and each
    -ln out is a sum of two non-negative numbers: never -0.0, and exact to the last digits
    when the nets are huge.
    """
    top = nets[0]
    for net in nets[1:]:
        top = np.maximum(top, net)
    taken = np.zeros(np.shape(top), dtype=bool)
    others = 0.0
    for net in nets:
        first_largest = (net == top) & ~taken
        taken = taken | first_largest
        others = others + np.where(first_largest, 0.0, np.exp(net - top))
    log_sum = np.log1p(others)  # ln(sum of e^(net - top))
    outs = tuple(np.exp(net - top) / (1 + others) for net in nets)
    return outs, tuple((top - net) + log_sum for net in nets)


# --- One iteration ------------------------------------------------------------------------


def _fed(neuron: str, values: Mapping[str, Number]) -> str:
    """The name of what a neuron passes on: an input its value, any other neuron its out."""
    return neuron if neuron.startswith("i") else f"out_{neuron}"


def forward(state: State) -> dict[str, Number]:
    """Return every value of the forward pass, from net_h1 to E_total (of each row)."""
    network, activation = state.network, state.options.activation
    values: dict[str, Number] = dict(state.inputs)
    fwd: dict[str, Number] = {}
    for layer in network.neurons[1:]:
        is_output = layer is network.neurons[-1]
        for neuron in layer:
            net = None
            for weight, source in network.into(neuron):
                term = state.weights[weight] * values[_fed(source, values)]
                net = term if net is None else net + term
            fwd[f"net_{neuron}"] = net + state.biases[network.bias_of(neuron)]
            if not (is_output and state.options.loss == "cross_entropy"):
                fwd[f"out_{neuron}"] = activate(activation, fwd[f"net_{neuron}"])
                values[f"out_{neuron}"] = fwd[f"out_{neuron}"]
    outputs = network.outputs
    if state.options.loss == "squared":
        errors = [0.5 * (state.targets[o] - fwd[f"out_{o}"]) ** 2 for o in outputs]
    else:
        outs, minus_ln_outs = softmax(*(fwd[f"net_{o}"] for o in outputs))
        errors = [
            state.targets[o] * minus_ln for o, minus_ln in zip(outputs, minus_ln_outs, strict=True)
        ]
        ordered = {}
        for o, out in zip(outputs, outs, strict=True):
            ordered[f"net_{o}"], ordered[f"out_{o}"] = fwd.pop(f"net_{o}"), out
        fwd.update(ordered)
    E_total = None
    for o, error in zip(outputs, errors, strict=True):
        fwd[f"E_{o}"] = error
        E_total = error if E_total is None else E_total + error
    fwd["E_total"] = E_total
    return fwd


def loss(state: State, fwd: dict[str, Number] | None = None) -> Number:
    """Return E_total, or with a batch its mean over the rows."""
    return mean_over_rows(state, (fwd or forward(state))["E_total"])


def products(state: State, fwd: dict[str, Number]) -> dict[str, Number]:
    """Return each weight times what it multiplies, the multiply nodes of the layer view:
    net_h1 = w1_i1 + w2_i2 + b1, net_o1 = w5_out_h1 + w6_out_h2 + b2, and so on."""
    values = {**state.inputs, **fwd}
    terms = {}
    for weight, source, _ in state.network.weights:
        fed = _fed(source, values)
        terms[f"{weight}_{fed}"] = state.weights[weight] * values[fed]
    return terms


def backward(state: State, fwd: dict[str, Number]) -> dict[str, dict[str, Number]]:
    """Return the chain rule of one iteration: its factors, the deltas and the gradients.

    Factor names read as partial derivatives: ``dE_dout_o1`` is dE_total/dout_o1,
    ``dnet_o1_dw5`` is dnet_o1/dw5. With cross-entropy the softmax ties every output to every
    net, so dE/dout_o1 and dout_o1/dnet_o1 are not separate factors (they are None) and
    delta_o1 = out_o1 - target_o1. ``dE_dout_h1_via_o1`` = delta_o1 w5 is the part of
    dE_total/dout_h1 that flows through net_o1 (with squared error, that is dE_o1/dout_h1).
    With the ``updated`` rule, the weights above a hidden layer are the updated ones, and every
    hidden-layer number is that rule's, not a derivative of E_total. With a batch, factors and
    deltas are each row's and the gradients their means.
    """
    network, activation = state.network, state.options.activation
    values = {**state.inputs, **fwd}
    factors: dict[str, Number] = {}
    deltas: dict[str, Number] = {}
    gradients: dict[str, Number] = {}
    updated_rule = state.options.hidden_deltas_use == "updated"
    used_weights = dict(state.weights)  # the weights the hidden deltas read

    for depth in reversed(range(1, len(network.neurons))):
        layer = network.neurons[depth]
        if depth == len(network.neurons) - 1:
            # Output layer: delta_o = dE/dnet_o
            if state.options.loss == "squared":
                for o in layer:
                    dE_dout = -(state.targets[o] - fwd[f"out_{o}"])
                    slope = activation_derivative(activation, fwd[f"net_{o}"], fwd[f"out_{o}"])
                    factors[f"dE_dout_{o}"], factors[f"dout_{o}_dnet_{o}"] = dE_dout, slope
                    deltas[o] = dE_dout * slope
            else:
                for o in layer:
                    factors[f"dE_dout_{o}"] = factors[f"dout_{o}_dnet_{o}"] = None
                if len(layer) == 2:
                    # Outputs and targets each sum to 1 (see ``distribution``), so delta_o2 =
                    # -delta_o1 exactly: both are taken from the smaller output, whose rounding
                    # is the smaller, and dE/db2 = delta_o1 + delta_o2 comes out exactly 0.
                    o1, o2 = layer
                    first_larger = fwd[f"net_{o1}"] >= fwd[f"net_{o2}"]
                    deltas[o1] = np.where(
                        first_larger,
                        state.targets[o2] - fwd[f"out_{o2}"],
                        fwd[f"out_{o1}"] - state.targets[o1],
                    )[()]
                    deltas[o2] = -deltas[o1]
                else:
                    for o in layer:
                        deltas[o] = fwd[f"out_{o}"] - state.targets[o]
        else:
            # Hidden layer: the error reaching out_h comes along every path through the layer
            # above.
            for h in layer:
                for weight, target in network.out_of(h):
                    factors[f"dnet_{target}_dout_{h}"] = used_weights[weight]
            for h in layer:
                dE_dout = None
                for _, target in network.out_of(h):
                    via = deltas[target] * factors[f"dnet_{target}_dout_{h}"]
                    factors[f"dE_dout_{h}_via_{target}"] = via
                    dE_dout = via if dE_dout is None else dE_dout + via
                factors[f"dE_dout_{h}"] = dE_dout
            for h in layer:
                slope = activation_derivative(activation, fwd[f"net_{h}"], fwd[f"out_{h}"])
                factors[f"dout_{h}_dnet_{h}"] = slope
                deltas[h] = factors[f"dE_dout_{h}"] * slope
        for neuron in layer:
            for weight, source in network.into(neuron):
                factors[f"dnet_{neuron}_d{weight}"] = values[_fed(source, values)]
        for neuron in layer:
            for weight, _ in network.into(neuron):
                dnet_dw = factors[f"dnet_{neuron}_d{weight}"]
                gradient = mean_over_rows(state, deltas[neuron] * dnet_dw)
                gradients[weight] = gradient
                if updated_rule:
                    used_weights[weight] = state.weights[weight] - state.learning_rate * gradient
        # a bias is shared by its layer's neurons, so its gradient sums their deltas
        total = None
        for neuron in layer:
            total = deltas[neuron] if total is None else total + deltas[neuron]
        gradients[network.bias_of(layer[0])] = mean_over_rows(state, total)

    ordered = {name: gradients[name] for name in network.parameters}
    return {"factors": factors, "deltas": deltas, "gradients": ordered}


def update(state: State, gradients: dict[str, Number]) -> tuple[State, dict[str, Number]]:
    """Return the state after the update w+ = w - eta dE/dw, and each parameter's change."""
    eta, train_biases = state.learning_rate, state.options.train_biases
    weights = {name: w - eta * gradients[name] for name, w in state.weights.items()}
    biases = state.biases
    if train_biases:
        biases = {name: b - eta * gradients[name] for name, b in biases.items()}
    changes = {
        name: -eta * gradients[name] if train_biases or name in state.weights else 0.0
        for name in state.network.parameters
    }
    return replace(state, weights=weights, biases=biases), changes


def step(state: State) -> tuple[State, dict[str, Any]]:
    """Return the state after one iteration, and its trace (every value computed)."""
    fwd = forward(state)
    trace: dict[str, Any] = {"forward": fwd}
    trace.update(backward(state, fwd))
    new_state, trace["changes"] = update(state, trace["gradients"])
    return new_state, trace


# --- Analysis -----------------------------------------------------------------------------


def hidden_gradients_are_derivatives(state: State) -> dict[str, bool]:
    """Return, for each parameter, whether backward's gradient is dE_total/dp: under the
    ``updated`` rule every weight and bias below the output layer comes from updated weights,
    so it is not."""
    network = state.network
    updated = state.options.hidden_deltas_use == "updated"
    output_layer = (*(name for name, _, to in network.weights if to in network.outputs),
                    network.biases[-1][0])  # fmt: skip
    return {name: not updated or name in output_layer for name in network.parameters}


def numerical_gradients(state: State, epsilon: float) -> dict[str, Number]:
    """Return dE_total/dp for every weight and bias by central differences,
    (E(p + epsilon) - E(p - epsilon)) / (2 epsilon), from one forward pass over all the
    shifted networks at once (with a batch, E is the mean over the rows)."""
    names = state.network.parameters
    count = len(names)
    values = np.array([state.parameters()[name] for name in names])
    shifts = np.concatenate([np.eye(count), -np.eye(count)]) * epsilon
    shifted = values + shifts  # row k moves parameter k up, row count + k moves it down
    columns = shifted.T if state.rows is None else shifted.T[..., None]  # rows on the last axis
    E_total = loss(state.with_parameters(dict(zip(names, columns, strict=True))))
    return {name: (E_total[k] - E_total[count + k]) / (2 * epsilon) for k, name in enumerate(names)}


def relative_error(backprop: float, numerical: float) -> float:
    """Return |a - n| / max(|a|, |n|), or 0 when both are 0."""
    scale = max(abs(backprop), abs(numerical))
    return abs(backprop - numerical) / scale if scale > 0 else 0.0


def gradient_check(state: State, epsilon: float) -> list[dict[str, Any]]:
    """Return, for each parameter, backward's gradient beside the central difference."""
    backprop = backward(state, forward(state))["gradients"]
    numerical = numerical_gradients(state, epsilon)
    is_gradient = hidden_gradients_are_derivatives(state)
    return [
        {
            "name": name,
            "backprop": backprop[name],
            "numerical": numerical[name],
            "relative_error": relative_error(backprop[name], numerical[name]),
            "is_gradient": is_gradient[name],
        }
        for name in state.network.parameters
    ]


def loss_surface(
    state: State, x: str, x_values: np.ndarray, y: str, y_values: np.ndarray
) -> np.ndarray:
    """Return E_total over a grid of two parameters, rows following y and columns x, every other
    parameter held; one forward pass over all the grid's networks at once."""
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    if state.rows is not None:  # the batch's rows on a last axis
        grid_x, grid_y = grid_x[..., None], grid_y[..., None]
    E_total = loss(state.with_parameters({x: grid_x, y: grid_y}))
    return np.broadcast_to(E_total, (len(y_values), len(x_values)))


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


def input_square(rows: list[Mapping[str, Any]]) -> tuple[float, float]:
    """Return the range, one for both inputs, that holds every row's inputs with a margin of a
    quarter of their extent on each side (at least 0.25): for XOR's 0 and 1, -0.25 to 1.25."""
    values = [float(value) for row in rows for value in row["inputs"].values()]
    low, high = min(values), max(values)
    margin = max((high - low) / 4, 0.25)
    return low - margin, high + margin


def outputs_over_inputs(
    state: State, x_values: np.ndarray, y_values: np.ndarray
) -> dict[str, np.ndarray]:
    """Return out_o of every output over a grid of a two-input network's inputs, rows following
    i2 and columns i1: one forward pass with every grid point as a row of inputs at once."""
    first, second = state.network.inputs
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    fwd = forward(replace(state, inputs={first: grid_x, second: grid_y}, rows=None))
    return {o: np.broadcast_to(fwd[f"out_{o}"], grid_x.shape) for o in state.network.outputs}


def outputs(
    state: State, output: str, ranges: Mapping[str, tuple[float, float]], resolution: int
) -> dict[str, Any]:
    """Return out of ``output`` over a resolution x resolution grid of the two inputs, each axis
    running over its range (``ranges`` by input name)."""
    first, second = state.network.inputs
    axes = {name: np.linspace(*ranges[name], resolution) for name in (first, second)}
    grid = outputs_over_inputs(state, axes[first], axes[second])
    return {
        "output": output,
        "x": {"name": first, "values": axes[first].tolist()},
        "y": {"name": second, "values": axes[second].tolist()},
        "out": grid[output].tolist(),
    }
