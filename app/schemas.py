"""The contract between server and page: one state schema, and what each endpoint returns.

The server keeps nothing per user. The page holds a ``State`` and sends it with each request;
every field left out takes the worked example's value. Input is strict: numbers must be finite
JSON numbers within the stated bounds, unknown fields are refused, and the 422 names the field.
"""

import math
from dataclasses import replace
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app import network

BOUNDS = network.NETWORK.bounds
PARAMETER_LIMIT = BOUNDS.value
MAX_EPOCHS = BOUNDS.epochs_max
MAX_LEARNING_RATE = BOUNDS.learning_rate_max
MAX_ITERATION = BOUNDS.iteration_max
MAX_PATH = BOUNDS.path_max

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
# Answers hold finite numbers only: a non-finite one must fail loudly, never turn into null.
FINITE = ConfigDict(allow_inf_nan=False)

Value = Annotated[
    float,
    Field(
        ge=-PARAMETER_LIMIT,
        le=PARAMETER_LIMIT,
        description=f"a finite number, |value| <= {PARAMETER_LIMIT:g}",
    ),
]


def _whole_float_to_int(value: object) -> object:
    """JSON Schema counts 3.0 as an integer; strict pydantic would not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Count = Annotated[int, BeforeValidator(_whole_float_to_int)]


EXAMPLE = network.NETWORK.example


# --- The state the page holds -------------------------------------------------------------
# The names each group may hold follow from the network's shape (``layers``); a number left out
# takes its value from that shape's example (the worked example's own for 2-2-2).


def _names(pattern: str, doc: str, held: bool = False) -> Any:
    """Numbers by name, each name matching ``pattern`` (``held``: a number may be null)."""
    number = Value | None if held else Value
    return Annotated[
        dict[Annotated[str, Field(pattern=pattern)], number],
        Field(description=doc, json_schema_extra={"additionalProperties": False}),
    ]


Inputs = _names(r"^i[1-4]$", "i1, i2, ... (the worked example's i1 = 0.05, i2 = 0.10)")
Targets = _names(
    r"^o[1-4]$",
    "The target of each output. With cross_entropy they are non-negative, not all 0, and "
    "scaled to sum to 1: unchanged if their float64 sum is 1, else each but the largest "
    "divided by the sum and the largest 1 minus the others (so 0.3, 0.3 becomes 0.5, 0.5). "
    "The state answered carries the targets used.",
)
Weights = _names(
    r"^w[1-9][0-9]?$",
    "w1, w2, ... numbered layer by layer from the inputs, within a layer by target neuron, "
    "then by source neuron: in the worked example w1..w4 input to hidden, w5..w8 hidden to "
    "output.",
)
Biases = _names(r"^b[1-4]$", "b1, b2, ...: one per layer after the inputs, shared by its neurons.")
HeldWeights = _names(r"^w[1-9][0-9]?$", "Weights, null where withheld.", held=True)
HeldBiases = _names(r"^b[1-4]$", "Biases, null where withheld.", held=True)
Layers = Annotated[
    list[Annotated[int, Field(ge=1, le=network.MAX_INPUTS), BeforeValidator(_whole_float_to_int)]],
    Field(
        min_length=3,
        max_length=network.MAX_HIDDEN_LAYERS + 2,
        description="[inputs, hidden..., outputs]: 1 to 4 inputs, 1 to 3 hidden layers of 1 "
        "to 4 neurons, 1 to 4 outputs; absent means the worked example's [2, 2, 2]",
    ),
]


class Options(BaseModel):
    """The worked example's choices; see ``app.network.Options`` for what each one means."""

    model_config = STRICT
    activation: Literal[network.ACTIVATIONS] = network.Options.activation
    loss: Literal[network.LOSSES] = network.Options.loss
    train_biases: bool = network.Options.train_biases
    hidden_deltas_use: Literal[network.HIDDEN_DELTAS_USE] = network.Options.hidden_deltas_use
    training: Literal[network.TRAININGS] = Field(
        default=network.Options.training,
        description="with data: online, one update per row in order (a Step uses row "
        "iteration mod rows); batch, one update per pass with the mean of the rows' gradients",
    )


class Row(BaseModel):
    """One row of data: a value for every input and a target for every output."""

    model_config = STRICT
    inputs: Inputs
    targets: Targets


class _MisfitError(Exception):
    """A cross-field rule broken: ``field`` within the state, and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _softmax_targets(targets: dict[str, float], where: str) -> dict[str, float]:
    """Return targets as a distribution, or raise naming ``where`` if they cannot be one."""
    if any(value < 0 for value in targets.values()) or not any(targets.values()):
        raise _MisfitError(
            where,
            "with loss cross_entropy the targets must be non-negative and not all 0 "
            f"(got {', '.join(f'{name}={value:g}' for name, value in targets.items())})",
        )
    return dict(zip(targets, network.distribution(*targets.values()), strict=True))


# JSON Schema's statement, for the worked example's two outputs, of the softmax rule the
# validator keeps for any number of outputs (so generated requests know it)
_SOFTMAX_TARGETS = {
    "if": {
        "properties": {"options": {"properties": {"loss": {"const": "cross_entropy"}},
                                   "required": ["loss"]}},
        "required": ["options"],
    },
    "then": {
        "properties": {
            "targets": {"anyOf": [{"type": "null"}, {
                "additionalProperties": {"minimum": 0},
                "not": {"properties": {"o1": {"const": 0}, "o2": {"const": 0}},
                        "required": ["o1", "o2"]},
            }]},
        }
    },
}  # fmt: skip


class State(BaseModel):
    """A whole network: what the page sends and gets back."""

    model_config = ConfigDict(**STRICT, json_schema_extra=_SOFTMAX_TARGETS)
    layers: Layers | None = None
    inputs: Inputs | None = None
    targets: Targets | None = None
    weights: Weights = Field(default_factory=dict)
    biases: Biases = Field(default_factory=dict)
    data: (
        Annotated[
            list[Row],
            Field(
                min_length=1,
                max_length=network.MAX_ROWS,
                description=f"up to {network.MAX_ROWS} rows of inputs and targets, in place of "
                "the state's own inputs and targets (which it must then leave out)",
            ),
        ]
        | None
    ) = None
    learning_rate: float = Field(
        default=EXAMPLE["learning_rate"],
        gt=0,
        le=MAX_LEARNING_RATE,
        description=f"eta, with 0 < eta <= {MAX_LEARNING_RATE:g}",
    )
    options: Options = Field(default_factory=Options)
    iteration: Count = Field(default=EXAMPLE["iteration"], ge=0, le=MAX_ITERATION)

    @model_validator(mode="after")
    def names_and_numbers_fit_the_network(self) -> Self:
        try:
            self._fit()
        except _MisfitError as problem:
            raise PydanticCustomError(
                "does_not_fit_the_network", problem.message, {"field": problem.field}
            ) from None
        return self

    def _fit(self) -> None:
        shape = tuple(self.layers or network.LAYERS)
        problem = network.layer_problem(shape)
        if problem:
            raise _MisfitError(*problem.split(": ", 1))
        net = network.Network.of(shape)
        example = net.example
        groups = {
            "weights": tuple(name for name, *_ in net.weights),
            "biases": tuple(name for name, _ in net.biases),
        }
        if self.data is None:
            groups |= {"inputs": net.inputs, "targets": net.outputs}
        else:
            for group in ("inputs", "targets"):
                if getattr(self, group) is not None:
                    raise _MisfitError(group, "a state with data takes its inputs and targets from "
                                   "data's rows; leave this out")  # fmt: skip
        for group, names in groups.items():
            given = getattr(self, group) or {}
            for name in given:
                if name not in names:
                    raise _MisfitError(
                        f"{group}.{name}",
                        f"the network {list(shape)} has no {name}; its {group} are "
                        f"{', '.join(names)}",
                    )
            setattr(self, group, {name: given.get(name, example[group][name]) for name in names})
        for k, row in enumerate(self.data or ()):
            for group, names in (("inputs", net.inputs), ("targets", net.outputs)):
                given = getattr(row, group)
                if set(given) != set(names):
                    raise _MisfitError(
                        f"data.{k}.{group}", f"each row gives exactly {', '.join(names)}"
                    )
                setattr(row, group, {name: given[name] for name in names})
        options = self.options
        if options.loss == "cross_entropy":
            if len(net.outputs) < 2:
                raise _MisfitError("options.loss", "cross_entropy needs two outputs or more: the "
                               "softmax of one output is always 1")  # fmt: skip
            if self.targets is not None:
                self.targets = _softmax_targets(self.targets, "targets")
            for k, row in enumerate(self.data or ()):
                row.targets = _softmax_targets(row.targets, f"data.{k}.targets")
        if options.training == "batch" and options.hidden_deltas_use == "updated":
            raise _MisfitError("options.hidden_deltas_use", "updated is a rule for one row at a "
                           "time; a batch takes original")  # fmt: skip

    @model_serializer(mode="wrap")
    def _without_what_was_left_out(self, handler: Any) -> dict[str, Any]:
        """The worked example's shape, and a state's own inputs beside data, are left out of
        the answer as they were of the request."""
        dumped = handler(self)
        optional = ("layers", "data", "inputs", "targets")
        return {key: value for key, value in dumped.items()
                if value is not None or key not in optional}  # fmt: skip

    def rows(self) -> list[dict[str, Any]]:
        """Every row of data: the state's own inputs and targets when it has no data."""
        if self.data is None:
            return [{"inputs": self.inputs, "targets": self.targets}]
        return [row.model_dump() for row in self.data]


EXAMPLE_STATE = State().model_dump()


# --- Requests -----------------------------------------------------------------------------


class ExampleState(State):
    """A state of the worked example's 2-2-2 network on its own inputs, which practice and the
    polls keep to."""

    layers: Annotated[list[Literal[2]], Field(min_length=3, max_length=3)] | None = None
    data: None = None


class ExampleStateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [{"state": EXAMPLE_STATE}]}
    )
    state: ExampleState = Field(default_factory=ExampleState)


class StateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [{"state": EXAMPLE_STATE}]}
    )
    state: State = Field(default_factory=State)


class EpochRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"state": EXAMPLE_STATE, "epochs": 10_000}]},
    )
    state: State = Field(default_factory=State)
    epochs: Count = Field(
        default=1, ge=1, le=MAX_EPOCHS, description=f"1 <= epochs <= {MAX_EPOCHS}"
    )
    path: Count = Field(
        default=0,
        ge=0,
        le=MAX_PATH,
        description="also return the weights and biases at this many evenly spaced iterations "
        f"and at the start (0 <= path <= {MAX_PATH}), e.g. to draw the training path",
    )

    @model_validator(mode="after")
    def work_within_bounds(self) -> Self:
        shape = network.Network.of(self.state.layers or network.LAYERS)
        per_epoch = len(self.state.rows()) * len(shape.weights)
        most = BOUNDS.training_work_max // per_epoch
        if self.epochs > most:
            raise PydanticCustomError(
                "too_much_work",
                "at most {most} epochs of this network and data (epochs x rows x weights <= "
                "{work})",
                {"field": "epochs", "most": most, "work": BOUNDS.training_work_max},
            )
        return self


ParameterName = Annotated[str, Field(pattern=r"^(w[1-9][0-9]?|b[1-4])$")]
MAX_RESOLUTION = BOUNDS.landscape_resolution_max
MAX_SPAN = BOUNDS.landscape_span_max


class GradientCheckRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"state": EXAMPLE_STATE, "epsilon": 1e-4}]},
    )
    state: State = Field(default_factory=State)
    epsilon: float = Field(
        default=1e-4,
        ge=1e-12,
        le=1.0,
        description="the central difference's step, 1e-12 <= epsilon <= 1",
    )


X_DEFAULT, Y_DEFAULT = "w5", "w1"
ALL_PARAMETER_NAMES = [f"w{k}" for k in range(1, 65)] + [f"b{k}" for k in range(1, 5)]
# JSON Schema's statement of the rule ``two_different_parameters_of_the_network`` keeps for
# the worked example: x and y, as given or by default, are never the same parameter.
_DIFFERENT_AXES = {
    "not": {
        "anyOf": [
            *(
                {"properties": {"x": {"const": name}, "y": {"const": name}}, "required": ["x", "y"]}
                for name in ALL_PARAMETER_NAMES
            ),
            # one axis given, the other left to its default
            {"properties": {"x": {"const": Y_DEFAULT}}, "required": ["x"],
             "not": {"required": ["y"]}},
            {"properties": {"y": {"const": X_DEFAULT}}, "required": ["y"],
             "not": {"required": ["x"]}},
        ]
    }
}  # fmt: skip


class LandscapeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"state": EXAMPLE_STATE, "x": X_DEFAULT, "y": Y_DEFAULT, "span": 1.0,
                 "resolution": 51}
            ],
            **_DIFFERENT_AXES,
        },
    )  # fmt: skip
    state: State = Field(default_factory=State)
    # absent, not null: the default depends on the shape, so it is chosen in ``axes``
    x: ParameterName = Field(  # type: ignore[assignment]
        default=None,
        description="a weight or bias; absent: the output layer's first weight "
        "(w5 in the worked example)",
    )
    y: ParameterName = Field(default=Y_DEFAULT, description="another weight or bias")
    span: float = Field(
        default=1.0,
        gt=0,
        le=MAX_SPAN,
        description=f"each axis runs from value - span to value + span, 0 < span <= {MAX_SPAN:g}",
    )
    resolution: Count = Field(
        default=51,
        ge=2,
        le=MAX_RESOLUTION,
        description=f"points per axis, 2 <= resolution <= {MAX_RESOLUTION}",
    )

    def axes(self) -> tuple[str, str]:
        """Return x and y, x by default the output layer's first weight."""
        shape = network.Network.of(self.state.layers or network.LAYERS)
        x = self.x or next(name for name, _, to in shape.weights if to in shape.outputs)
        return x, self.y

    @model_validator(mode="after")
    def two_different_parameters_of_the_network(self) -> Self:
        parameters = network.Network.of(self.state.layers or network.LAYERS).parameters
        for axis in ("x", "y"):
            name = getattr(self, axis)
            if name is not None and name not in parameters:
                raise PydanticCustomError(
                    "not_a_parameter", "the network has no parameter {name}", {"field": axis,
                    "name": name},
                )  # fmt: skip
        rows = len(self.state.rows())
        if self.resolution**2 * rows > BOUNDS.landscape_work_max:
            most = math.isqrt(BOUNDS.landscape_work_max // rows)
            raise PydanticCustomError(
                "too_much_work", "at most {most} points an axis with {rows} rows of data",
                {"field": "resolution", "most": most, "rows": rows},
            )  # fmt: skip
        if self.axes()[0] == self.y:
            raise PydanticCustomError(
                "same_axes", "x and y must be two different parameters", {"field": "y"}
            )
        return self


MAX_OUTPUTS_RESOLUTION = BOUNDS.outputs_resolution_max
OutputName = Annotated[str, Field(pattern=r"^o[1-4]$")]
InputRange = Annotated[
    list[Value],
    Field(min_length=2, max_length=2, description="[from, to], from below to"),
]


class InputRanges(BaseModel):
    """Where each input's axis runs; an axis left out takes the square around the rows."""

    model_config = STRICT
    i1: InputRange | None = None
    i2: InputRange | None = None


class OutputsRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [{"state": EXAMPLE_STATE, "output": "o1", "resolution": 51,
                          "range": {"i1": [-0.25, 1.25], "i2": [-0.25, 1.25]}}]
        },
    )  # fmt: skip
    state: State = Field(default_factory=State, description="a network with two inputs")
    output: OutputName | None = Field(
        default=None, description="the output neuron whose out is drawn; absent: o1"
    )
    resolution: Count = Field(
        default=51,
        ge=2,
        le=MAX_OUTPUTS_RESOLUTION,
        description=f"points per axis, 2 <= resolution <= {MAX_OUTPUTS_RESOLUTION}, and "
        f"resolution² x weights <= {BOUNDS.outputs_work_max}",
    )
    range: InputRanges = Field(
        default_factory=InputRanges,
        description="each input's axis; absent: from the smallest to the largest input of the "
        "rows, a quarter of that extent (at least 0.25) beyond on each side, the same for both",
    )

    @model_validator(mode="after")
    def a_grid_of_two_inputs_within_bounds(self) -> Self:
        shape = network.Network.of(self.state.layers or network.LAYERS)
        if len(shape.inputs) != 2:
            raise PydanticCustomError(
                "not_two_inputs", "the outputs are drawn over two inputs; this network has {count}",
                {"field": "state.layers", "count": len(shape.inputs)},
            )  # fmt: skip
        if self.output is not None and self.output not in shape.outputs:
            raise PydanticCustomError(
                "not_an_output", "the network has no output {name}; its outputs are {outputs}",
                {"field": "output", "name": self.output, "outputs": ", ".join(shape.outputs)},
            )  # fmt: skip
        for name in ("i1", "i2"):
            given = getattr(self.range, name)
            if given is not None and not given[0] < given[1]:
                raise PydanticCustomError(
                    "empty_range", "from must be below to", {"field": f"range.{name}"}
                )
        most = math.isqrt(BOUNDS.outputs_work_max // len(shape.weights))
        if self.resolution > most:
            raise PydanticCustomError(
                "too_much_work", "at most {most} points an axis for {weights} weights",
                {"field": "resolution", "most": most, "weights": len(shape.weights)},
            )  # fmt: skip
        return self

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Each input's axis, as given or around the rows."""
        square = network.input_square(self.state.rows())
        return {name: tuple(getattr(self.range, name) or square) for name in ("i1", "i2")}


# --- What one iteration computed ----------------------------------------------------------


Numbers = dict[str, float]
Forward = Annotated[
    Numbers,
    Field(
        description="The forward pass, layer by layer: net_h1, out_h1, ..., net_o1, out_o1, "
        "..., E_o1, ..., E_total."
    ),
]
Factors = Annotated[
    dict[str, float | None],
    Field(
        description="Each factor of the chain rule, named as the partial derivative it is: "
        "dE_dout_o1 is dE_total/dout_o1, dnet_o1_dw5 is dnet_o1/dw5, dnet_o1_dout_h1 is the "
        "weight from h1 to o1 (w5), dE_dout_h1_via_o1 = delta_o1 * w5 is the part of "
        "dE_total/dout_h1 that flows through net_o1 (with squared error, dE_o1/dout_h1); "
        "GET /api/network's chain says how they combine.\n\nWith cross_entropy, dE/dout_o and "
        "dout_o/dnet_o are null: the softmax ties every output to every net, and delta_o = "
        "out_o - target_o directly. With hidden_deltas_use updated, the weights above a hidden "
        "layer are the updated ones and every hidden-layer factor is that rule's value, not a "
        "derivative of E_total."
    ),
]
Deltas = Annotated[
    Numbers,
    Field(
        description="delta = dE_total/dnet of each neuron (of a hidden one: the updated rule's "
        "value under it)"
    ),
]
PerParameter = Annotated[Numbers, Field(description="One number per weight and bias.")]
Terms = Annotated[
    Numbers,
    Field(
        description="Each weight times what it multiplies: the multiply nodes of the "
        "computational graph (net_h1 = w1_i1 + w2_i2 + b1, net_o1 = w5_out_h1 + w6_out_h2 + b2, "
        "and so on)."
    ),
]


class _LeftOutWhenNone(BaseModel):
    """Fields in ``left_out`` appear in an answer only when they hold something (they are
    about data, which the worked example's requests do not send)."""

    left_out: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: Any) -> dict[str, Any]:
        dumped = handler(self)
        return {key: value for key, value in dumped.items()
                if value is not None or key not in self.left_out}  # fmt: skip


class ForwardTrace(BaseModel):
    model_config = FINITE
    forward: Forward
    terms: Terms


class RowTrace(BaseModel):
    """One row's values in a batch's iteration."""

    model_config = FINITE
    row: int
    forward: Forward
    terms: Terms
    factors: Factors
    deltas: Deltas


class Trace(_LeftOutWhenNone):
    """Every value of one iteration, computed from the state that was sent. With data, online:
    ``row`` is the row used; batch: ``forward``, ``terms``, ``factors`` and ``deltas`` are null
    and ``rows`` holds each row's, while ``gradients`` are their means."""

    model_config = FINITE
    left_out = ("row", "rows")
    forward: Forward | None
    terms: Terms | None
    factors: Factors | None
    deltas: Deltas | None
    row: int | None = None
    rows: list[RowTrace] | None = None
    gradients: PerParameter = Field(
        description="dE_total/dp for each weight and bias, by backpropagation, as the update "
        "used them (in a batch, the mean over the rows); with hidden_deltas_use updated, the "
        "hidden layers' are that rule's values (computed with the updated weights above), not "
        "dE_total/dp"
    )
    changes: PerParameter = Field(
        description="what the update added: -eta * dE/dw (0 for untrained biases)"
    )


class Divergence(BaseModel):
    """Training stopped: the update of ``iteration`` would have left ``parameter`` unusable."""

    model_config = FINITE
    iteration: int
    parameter: str
    message: str


# --- Responses ----------------------------------------------------------------------------


# What a step or a run reached, as both answer it
ReachedForward = Annotated[
    Forward,
    Field(
        description="the forward pass of the returned state (with data, on the row the next "
        "update uses)"
    ),
]
ReachedLoss = Annotated[
    float, Field(description="E_total of the returned state (with data, the mean over the rows)")
]
ROWS = "with data, the forward pass of the returned state on each row"
ReachedRows = Annotated[list[Forward] | None, Field(description=ROWS)]


class ResetResponse(_LeftOutWhenNone):
    model_config = FINITE
    left_out = ("rows", "loss")
    state: State
    trace: ForwardTrace = Field(description="of the row the next update uses")
    rows: list[Forward] | None = Field(default=None, description=ROWS)
    loss: float | None = Field(default=None, description="with data, the mean over the rows of "
                               "their E_total")  # fmt: skip


class StepResponse(_LeftOutWhenNone):
    model_config = FINITE
    left_out = ("rows",)
    state: State = Field(description="after the update, iteration + 1 (unchanged if diverged)")
    trace: Trace
    forward: ReachedForward
    loss: ReachedLoss
    rows: ReachedRows = None
    diverged: Divergence | None = None


class PathPoint(BaseModel):
    model_config = FINITE
    iteration: int
    weights: Weights
    biases: Biases


class EpochResponse(_LeftOutWhenNone):
    model_config = FINITE
    left_out = ("rows",)
    state: State = Field(description="after the last update that was made")
    losses: list[float] = Field(
        description="losses[k] is pass k+1's loss: the mean over the rows of E_total of the "
        "forward pass each row's update used (without data, iteration k+1's E_total before its "
        "update)"
    )
    forward: ReachedForward
    loss: ReachedLoss
    rows: ReachedRows = None
    diverged: Divergence | None = None
    path: list[PathPoint] = Field(default=[], description="the parameters asked for by path")


class ParameterCheck(BaseModel):
    model_config = FINITE
    name: str
    backprop: float = Field(
        description="the gradient backpropagation computes for p, which the update uses: "
        "dE_total/dp where is_gradient is true"
    )
    numerical: float = Field(
        description="dE_total/dp by central differences: (E(p + epsilon) - E(p - epsilon)) / "
        "(2 epsilon)"
    )
    relative_error: float = Field(
        description="|backprop - numerical| / max(|backprop|, |numerical|)"
    )
    is_gradient: bool = Field(
        description="whether backprop is dE_total/dp: false for w1..w4 and b1 with "
        "hidden_deltas_use updated, whose hidden deltas use the updated w5..w8"
    )


class GradientCheckResponse(BaseModel):
    model_config = FINITE
    parameters: list[ParameterCheck]


class Axis(BaseModel):
    model_config = FINITE
    name: str
    values: list[float]


class LandscapeResponse(BaseModel):
    model_config = FINITE
    x: Axis
    y: Axis
    E_total: list[list[float]] = Field(description="E_total[row][column]: rows follow y, columns x")


class OutputsResponse(BaseModel):
    model_config = FINITE
    output: str = Field(description="the output neuron drawn")
    x: Axis = Field(description="i1's values")
    y: Axis = Field(description="i2's values")
    out: list[list[float]] = Field(
        description="out of the output at each point: out[row][column], rows following y (i2), "
        "columns x (i1); every other number as the state holds it"
    )


# --- The network definition -----------------------------------------------------------------


class WeightEdge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: str
    source: str = Field(alias="from", description="the neuron whose out it multiplies")
    target: str = Field(alias="to", description="the neuron whose net it feeds")


class BiasEdge(BaseModel):
    name: str
    to: list[str] = Field(description="the neurons that share this bias")


class OptionChoices(BaseModel):
    activation: list[str]
    loss: list[str]
    train_biases: list[bool]
    hidden_deltas_use: list[str]
    training: list[str]


class NamedMistake(BaseModel):
    """A mistake the practice check names and the live class's polls offer."""

    code: str = Field(description="e.g. missed_second_path")
    concept: bool = Field(description="false for rounding, which is no mistake of concept")
    name: dict[str, str] = Field(description="its short name in each language (en, zh-Hans, ...)")


class ChainEntry(BaseModel):
    """One quantity of backpropagation and how it is made from others."""

    name: str = Field(description="e.g. delta_o1, dE_dout_h1_via_o1, dE_dw5")
    kind: Literal["leaf", "product", "sum"]
    terms: list[str] = Field(description="what it multiplies or sums; for a leaf, what it reads")
    at: list[str] = Field(description="where a step's trace holds it, e.g. [factors, dE_dout_o1]")
    loss: Literal[network.LOSSES] | None = Field(
        default=None, description="the loss it belongs to, when only one"
    )


class NetworkDefinition(BaseModel):
    """The network declared once: neurons, edges, options, the example state and the bounds."""

    layers: list[int]
    neurons: list[list[str]] = Field(description="each layer's neurons, the inputs first")
    chain: list[ChainEntry] = Field(
        description="how each gradient is made, in the order backpropagation computes it"
    )
    inputs: list[str]
    hidden: list[str]
    outputs: list[str]
    weights: list[WeightEdge]
    biases: list[BiasEdge]
    parameters: list[str] = Field(description="every weight and bias, in order")
    options: OptionChoices = Field(description="the values each option may take")
    example: State = Field(description="the worked example, as POST /api/reset returns it")
    bounds: network.Bounds
    mistakes: list[NamedMistake] = Field(description="the catalogue of named mistakes")
    chain_rule: dict[str, Any] | None = Field(
        default=None,
        description="the worked example's only, which practice and polls keep to: each "
        "weight's three factors, each hidden neuron's paths, every factor's formula",
    )


# --- Errors -------------------------------------------------------------------------------


class Problem(BaseModel):
    field: str = Field(description="where, e.g. state.weights.w1 (body for the body as a whole)")
    message: str
    type: str = Field(description="pydantic's error type, e.g. less_than_equal")
    context: dict[str, float] = Field(default={}, description="the bound broken, e.g. {'le': 1e6}")


class InvalidRequest(BaseModel):
    """A 422: what was wrong, each problem naming its field."""

    detail: str = Field(description="every problem on one line: 'field: message; ...'")
    errors: list[Problem]


class Refused(BaseModel):
    """A 4xx other than 422, e.g. 413 for a body over the limit."""

    detail: str


# --- A live class: the teacher's page as the page's serializer writes it -------------------
# static/js/state/serialize.js writes it (purpose "message") and reads it back on each
# student's page. The server lets through nothing else: numbers where the page reads numbers,
# names where it reads names, no field the page does not write. A field the page's message
# gains is added here too, or the server refuses the teacher's state naming it.

SENT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


ValueName = Annotated[str, Field(pattern=r"^\w{1,40}$")]
# what one iteration of the largest network computes holds a few hundred numbers
SentNumbers = Annotated[dict[ValueName, float], Field(max_length=500)]
HeldNumbers = Annotated[dict[ValueName, float | None], Field(max_length=500)]


def _state_as_sent(name: str, held: bool = False) -> type[BaseModel]:
    """The state as sent, without the softmax rule's rescaling: a teacher's numbers pass
    unchanged; `held`: a weight or bias may be null (its update withheld)."""
    fields: dict[str, Any] = {key: (info.annotation, info) for key, info in
                              State.model_fields.items()}  # fmt: skip
    if held:
        fields["weights"] = (HeldWeights, ...)
        fields["biases"] = (HeldBiases, ...)
    return create_model(name, __config__=STRICT, __doc__="A network state as the page holds it.",
                        **fields)  # fmt: skip


SentState = _state_as_sent("SentState")
SentForward = SentNumbers


RowIndex = Annotated[int, Field(ge=0, lt=network.MAX_ROWS)]


def _row_trace_as_sent(name: str, held: bool = False) -> type[BaseModel]:
    """One row's values in a batch update (`held`: any of them may be null)."""
    numbers = HeldNumbers if held else SentNumbers
    fields: dict[str, Any] = {part: (numbers, ...) for part in ("forward", "deltas")}
    fields["factors"] = (HeldNumbers, ...)
    fields["terms"] = (numbers | None, None)
    fields["row"] = (RowIndex, ...)
    return create_model(name, __config__=SENT, __doc__=_row_trace_as_sent.__doc__, **fields)


def _trace_as_sent(name: str, held: bool = False) -> type[BaseModel]:
    """One iteration's values as /api/step answered them (`held`: any of them may be null):
    online, one row's forward, factors and deltas (and which row, with data); a batch, each
    row's in `rows`, those three null."""
    numbers = HeldNumbers if held else SentNumbers
    fields: dict[str, Any] = {part: (numbers, ...) for part in ("gradients", "changes")}
    fields |= {part: (numbers | None, ...) for part in ("forward", "deltas")}
    fields["factors"] = (HeldNumbers | None, ...)  # null where cross_entropy has no such factor
    fields["terms"] = (numbers | None, None)
    fields["row"] = (RowIndex | None, None)
    rows = _row_trace_as_sent(f"{name}Row", held)
    fields["rows"] = (Annotated[list[rows], Field(min_length=1, max_length=network.MAX_ROWS)]  # type: ignore[valid-type]
                      | None, None)  # fmt: skip
    model = create_model(name, __config__=SENT, __doc__=_trace_as_sent.__doc__,
                         __validators__={"one_row_or_each": model_validator(mode="after")(
                             _one_row_or_each)}, **fields)  # fmt: skip
    return model


def _one_row_or_each(trace: Any) -> Any:
    """A trace holds one row's forward, factors and deltas, or each row's in `rows`."""
    own = [part for part in ("forward", "factors", "deltas") if getattr(trace, part) is not None]
    if trace.rows is None and len(own) < 3:
        raise PydanticCustomError("one_row_or_each", "a trace gives forward, factors and deltas, "
                                  "or rows", {"field": "forward"})  # fmt: skip
    if trace.rows is not None and own:
        raise PydanticCustomError("one_row_or_each", "a batch's trace gives its values in rows "
                                  "only", {"field": own[0]})  # fmt: skip
    return trace


SentTrace = _trace_as_sent("SentTrace")
HeldState = _state_as_sent("HeldState", held=True)
HeldTrace = _trace_as_sent("HeldTrace", held=True)


class SentDivergence(BaseModel):
    model_config = SENT
    iteration: Count = Field(ge=0, le=MAX_ITERATION)
    parameter: ParameterName
    message: Annotated[str, Field(max_length=500)]


class SentLast(BaseModel):
    """The update that led to the state shown."""

    model_config = SENT
    sent: SentState  # type: ignore[valid-type]
    trace: SentTrace  # type: ignore[valid-type]
    diverged: SentDivergence | None = None
    walked: bool = False  # the update has been walked sub-step by sub-step already


class SentNetwork(BaseModel):
    model_config = SENT
    initial: SentState  # type: ignore[valid-type]
    state: SentState  # type: ignore[valid-type]
    forward: SentForward  # type: ignore[valid-type]
    loss: float
    last: SentLast | None = None


class SentResult(BaseModel):
    """A /api/step answer, which the walk unfolds: what the class has not reached yet or is
    answering is null (the walk's `withheld` names it)."""

    model_config = SENT
    state: HeldState  # type: ignore[valid-type]
    trace: HeldTrace  # type: ignore[valid-type]
    forward: SentForward | None  # type: ignore[valid-type]
    loss: float | None
    diverged: SentDivergence | None = None


class SentWalk(BaseModel):
    """An iteration walked sub-step by sub-step: the sub-step shown and the class's answers."""

    model_config = SENT
    sent: SentState  # type: ignore[valid-type]
    result: SentResult
    index: Annotated[int, Field(ge=0, le=100)]
    answers: Annotated[dict[Name, Name | None], Field(max_length=20)] = {}
    withheld: Annotated[list[Annotated[str, Field(pattern=r"^\w{1,40}$")]],
                        Field(max_length=200)] = []  # fmt: skip


class SentSettings(BaseModel):
    """The settings a class shares: the open cards, the lesson's tab, the digits shown, the
    row of data the stage shows."""

    model_config = SENT
    open: Annotated[list[ParameterName], Field(max_length=80)] = []
    tab: Name = "graph"
    digits: Annotated[int, Field(ge=0, le=17)] = 0
    row: RowIndex = 0


class ClassPage(BaseModel):
    """What a teacher's page sends to its class: its network, its walk and shared settings."""

    model_config = SENT
    version: Literal[2, 3]  # 3 carries any network's shape and rows; 2 the worked example's
    purpose: Literal["message"]
    network: SentNetwork
    walk: SentWalk | None = None
    settings: SentSettings = Field(default_factory=SentSettings)

    @model_validator(mode="after")
    def every_name_is_one_the_network_computes(self) -> Self:
        """Numbers by name pass only under the names one iteration of this network computes."""
        layers = tuple(self.network.state.layers or network.LAYERS)
        allowed = _names_computed(layers)
        groups: list[tuple[str, dict[str, Any] | None, str]] = [
            ("network.forward", self.network.forward, "forward")
        ]
        last = self.network.last
        traces = [("network.last.trace", last.trace if last else None, last.sent if last else None)]
        if self.walk is not None:
            groups.append(("walk.result.forward", self.walk.result.forward, "forward"))
            traces.append(("walk.result.trace", self.walk.result.trace, self.walk.sent))
        for where, trace, sent in traces:
            if trace is not None:
                rows = len(sent.data or ((),))
                named = [(f"{where}.row", trace.row)] + [
                    (f"{where}.rows.{k}.row", each.row) for k, each in enumerate(trace.rows or ())]
                for at, row in named:
                    if row is not None and row >= rows:
                        raise PydanticCustomError("no_such_row", "the network has {rows} rows",
                                                  {"field": at, "rows": rows})  # fmt: skip
                for part in ("forward", "factors", "deltas", "gradients", "changes", "terms"):
                    groups.append((f"{where}.{part}", getattr(trace, part), part))
                for k, row in enumerate(trace.rows or ()):
                    for part in ("forward", "factors", "deltas", "terms"):
                        groups.append((f"{where}.rows.{k}.{part}", getattr(row, part), part))
        shape = network.Network.of(layers)
        states = [("network.initial", self.network.initial), ("network.state", self.network.state)]
        if self.network.last is not None:
            states.append(("network.last.sent", self.network.last.sent))
        if self.walk is not None:
            states += [("walk.sent", self.walk.sent), ("walk.result.state", self.walk.result.state)]
        names = {"inputs": shape.inputs, "targets": shape.outputs,
                 "weights": tuple(name for name, *_ in shape.weights),
                 "biases": tuple(name for name, _ in shape.biases)}  # fmt: skip
        for where, state in states:
            if tuple(state.layers or network.LAYERS) != layers:
                raise PydanticCustomError("other_network", "every state of a message is of one "
                                          "network", {"field": f"{where}.layers"})  # fmt: skip
            for group, allowed_names in names.items():
                for name in getattr(state, group) or {}:
                    if name not in allowed_names:
                        raise PydanticCustomError(
                            "not_in_network", "the network has no {name}",
                            {"field": f"{where}.{group}", "name": name},
                        )  # fmt: skip
            for k, row in enumerate(state.data or ()):
                for group, allowed_names in (("inputs", shape.inputs), ("targets", shape.outputs)):
                    if set(getattr(row, group)) != set(allowed_names):
                        raise PydanticCustomError(
                            "not_the_networks_row", "each row gives exactly {names}",
                            {"field": f"{where}.data.{k}.{group}",
                             "names": ", ".join(allowed_names)},
                        )  # fmt: skip
        parameters = shape.parameters
        opened = self.settings.open
        if len(set(opened)) != len(opened) or not set(opened) <= set(parameters):
            raise PydanticCustomError(
                "not_parameters", "each of the network's parameters at most once",
                {"field": "settings.open"},
            )  # fmt: skip
        for where, numbers, part in groups:
            for name in numbers or {}:
                if name not in allowed[part]:
                    raise PydanticCustomError(
                        "not_computed", "{name} is no value this network computes",
                        {"field": where, "name": name},
                    )  # fmt: skip
        return self


@lru_cache(maxsize=64)
def _names_computed(layers: tuple[int, ...]) -> dict[str, frozenset[str]]:
    """The names under which one iteration of a network of this shape answers, by part."""
    engine = network.State.of(network.Network.of(layers).example)
    parts: dict[str, frozenset[str]] = {}
    for loss in network.LOSSES:
        if loss == "cross_entropy" and layers[-1] < 2:
            continue
        sent = replace(engine, options=network.Options(loss=loss))
        _, trace = network.step(sent)
        trace["terms"] = network.products(sent, trace["forward"])
        for part, values in trace.items():
            parts[part] = parts.get(part, frozenset()) | frozenset(values)
    return parts
