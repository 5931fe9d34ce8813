"""The contract between server and page: one state schema, and what each endpoint returns.

The server keeps nothing per user. The page holds a ``State`` and sends it with each request;
every field left out takes the worked example's value. Input is strict: numbers must be finite
JSON numbers within the stated bounds, unknown fields are refused, and the 422 names the field.
"""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from app import network

BOUNDS = network.NETWORK.bounds
PARAMETER_LIMIT = BOUNDS.value
MAX_EPOCHS = BOUNDS.epochs_max
MAX_LEARNING_RATE = BOUNDS.learning_rate_max
MAX_ITERATION = BOUNDS.iteration_max
MAX_PATH = BOUNDS.path_max
TARGET_SUM_TOLERANCE = BOUNDS.target_sum_tolerance

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


# --- The state the page holds -------------------------------------------------------------


class Inputs(BaseModel):
    model_config = STRICT
    i1: Value = network.EXAMPLE_INPUTS["i1"]
    i2: Value = network.EXAMPLE_INPUTS["i2"]


class Targets(BaseModel):
    model_config = STRICT
    o1: Value = network.EXAMPLE_TARGETS["o1"]
    o2: Value = network.EXAMPLE_TARGETS["o2"]


class Weights(BaseModel):
    model_config = STRICT
    w1: Value = network.EXAMPLE_WEIGHTS["w1"]
    w2: Value = network.EXAMPLE_WEIGHTS["w2"]
    w3: Value = network.EXAMPLE_WEIGHTS["w3"]
    w4: Value = network.EXAMPLE_WEIGHTS["w4"]
    w5: Value = network.EXAMPLE_WEIGHTS["w5"]
    w6: Value = network.EXAMPLE_WEIGHTS["w6"]
    w7: Value = network.EXAMPLE_WEIGHTS["w7"]
    w8: Value = network.EXAMPLE_WEIGHTS["w8"]


class Biases(BaseModel):
    model_config = STRICT
    b1: Value = network.EXAMPLE_BIASES["b1"]
    b2: Value = network.EXAMPLE_BIASES["b2"]


class Options(BaseModel):
    """The worked example's choices; see ``app.network.Options`` for what each one means."""

    model_config = STRICT
    activation: Literal["sigmoid", "tanh", "relu"] = "sigmoid"
    loss: Literal["squared", "cross_entropy"] = "squared"
    train_biases: bool = False
    hidden_deltas_use: Literal["original", "updated"] = "original"


class State(BaseModel):
    """A whole network: what the page sends and gets back."""

    model_config = STRICT
    inputs: Inputs = Field(default_factory=Inputs)
    targets: Targets = Field(default_factory=Targets)
    weights: Weights = Field(default_factory=Weights)
    biases: Biases = Field(default_factory=Biases)
    learning_rate: float = Field(
        default=network.EXAMPLE_LEARNING_RATE,
        gt=0,
        le=MAX_LEARNING_RATE,
        description=f"eta, with 0 < eta <= {MAX_LEARNING_RATE:g}",
    )
    options: Options = Field(default_factory=Options)
    iteration: Count = Field(default=0, ge=0, le=MAX_ITERATION)

    @model_validator(mode="after")
    def softmax_targets_are_a_distribution(self) -> Self:
        if self.options.loss == "cross_entropy":
            o1, o2 = self.targets.o1, self.targets.o2
            if o1 < 0 or o2 < 0 or abs(o1 + o2 - 1) > TARGET_SUM_TOLERANCE:
                raise PydanticCustomError(
                    "targets_not_a_distribution",
                    "with loss cross_entropy the targets must be non-negative and sum to 1 "
                    "(got o1={o1}, o2={o2})",
                    {"field": "targets", "o1": o1, "o2": o2},
                )
        return self


EXAMPLE_STATE = State().model_dump()


# --- Requests -----------------------------------------------------------------------------


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


PARAMETER_NAMES = Literal["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
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


class LandscapeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"state": EXAMPLE_STATE, "x": "w5", "y": "w1", "span": 1.0, "resolution": 51}
            ]
        },
    )
    state: State = Field(default_factory=State)
    x: PARAMETER_NAMES = "w5"
    y: PARAMETER_NAMES = "w1"
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

    @model_validator(mode="after")
    def two_different_axes(self) -> Self:
        if self.x == self.y:
            raise PydanticCustomError(
                "same_axes", "x and y must be two different parameters", {"field": "y"}
            )
        return self


# --- What one iteration computed ----------------------------------------------------------


class Forward(BaseModel):
    """The forward pass, in the worked example's order."""

    model_config = FINITE
    net_h1: float
    out_h1: float
    net_h2: float
    out_h2: float
    net_o1: float
    out_o1: float
    net_o2: float
    out_o2: float
    E_o1: float
    E_o2: float
    E_total: float


class Factors(BaseModel):
    """Each factor of the chain rule: ``dE_dout_o1`` is dE_total/dout_o1, and so on.

    With cross_entropy, dE/dout_o and dout_o/dnet_o are null: the softmax ties both outputs to
    both nets, and delta_o = out_o - target_o directly.
    """

    model_config = FINITE
    dE_dout_o1: float | None
    dout_o1_dnet_o1: float | None
    dE_dout_o2: float | None
    dout_o2_dnet_o2: float | None
    dnet_o1_dw5: float
    dnet_o1_dw6: float
    dnet_o2_dw7: float
    dnet_o2_dw8: float
    dnet_o1_dout_h1: float = Field(description="w5 as used for the hidden deltas")
    dnet_o2_dout_h1: float = Field(description="w7 as used for the hidden deltas")
    dnet_o1_dout_h2: float = Field(description="w6 as used for the hidden deltas")
    dnet_o2_dout_h2: float = Field(description="w8 as used for the hidden deltas")
    dE_o1_dout_h1: float
    dE_o2_dout_h1: float
    dE_dout_h1: float
    dE_o1_dout_h2: float
    dE_o2_dout_h2: float
    dE_dout_h2: float
    dout_h1_dnet_h1: float
    dout_h2_dnet_h2: float
    dnet_h1_dw1: float
    dnet_h1_dw2: float
    dnet_h2_dw3: float
    dnet_h2_dw4: float


class Deltas(BaseModel):
    """delta = dE_total/dnet of each neuron."""

    model_config = FINITE
    o1: float
    o2: float
    h1: float
    h2: float


class PerParameter(BaseModel):
    model_config = FINITE
    w1: float
    w2: float
    w3: float
    w4: float
    w5: float
    w6: float
    w7: float
    w8: float
    b1: float
    b2: float


class Terms(BaseModel):
    """Each weight times what it multiplies: the multiply nodes of the computational graph
    (net_h1 = w1_i1 + w2_i2 + b1, net_o1 = w5_out_h1 + w6_out_h2 + b2, and so on)."""

    model_config = FINITE
    w1_i1: float
    w2_i2: float
    w3_i1: float
    w4_i2: float
    w5_out_h1: float
    w6_out_h2: float
    w7_out_h1: float
    w8_out_h2: float


class ForwardTrace(BaseModel):
    model_config = FINITE
    forward: Forward
    terms: Terms


class Trace(BaseModel):
    """Every value of one iteration, computed from the state that was sent."""

    model_config = FINITE
    forward: Forward
    terms: Terms
    factors: Factors
    deltas: Deltas
    gradients: PerParameter = Field(description="dE_total/dw for each weight and bias")
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


class ResetResponse(BaseModel):
    model_config = FINITE
    state: State
    trace: ForwardTrace


class StepResponse(BaseModel):
    model_config = FINITE
    state: State = Field(description="after the update, iteration + 1 (unchanged if diverged)")
    trace: Trace
    forward: Forward = Field(description="the forward pass of the returned state")
    loss: float = Field(description="E_total of the returned state")
    diverged: Divergence | None = None


class PathPoint(BaseModel):
    model_config = FINITE
    iteration: int
    weights: Weights
    biases: Biases


class EpochResponse(BaseModel):
    model_config = FINITE
    state: State = Field(description="after the last update that was made")
    losses: list[float] = Field(
        description="losses[k] is E_total of iteration k+1's forward pass, before its update"
    )
    forward: Forward = Field(description="the forward pass of the returned state")
    loss: float = Field(description="E_total of the returned state")
    diverged: Divergence | None = None
    path: list[PathPoint] = Field(default=[], description="the parameters asked for by path")


class ParameterCheck(BaseModel):
    model_config = FINITE
    name: str
    backprop: float = Field(description="dE_total/dp as backpropagation computes it")
    numerical: float = Field(description="(E(p + epsilon) - E(p - epsilon)) / (2 epsilon)")
    relative_error: float = Field(
        description="|backprop - numerical| / max(|backprop|, |numerical|)"
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


class DefinitionBounds(BaseModel):
    value: float = Field(description="the largest |input|, |target|, |weight| or |bias|")
    learning_rate_max: float
    iteration_max: int
    epochs_max: int
    path_max: int
    landscape_resolution_max: int
    landscape_span_max: float
    target_sum_tolerance: float = Field(
        description="with cross_entropy, how far the targets' sum may be from 1; a sum off by "
        "at most this much is normalised, a larger one refused"
    )


class NetworkDefinition(BaseModel):
    """The network declared once: neurons, edges, options, the example state and the bounds."""

    inputs: list[str]
    hidden: list[str]
    outputs: list[str]
    weights: list[WeightEdge]
    biases: list[BiasEdge]
    parameters: list[str] = Field(description="every weight and bias, in order")
    options: OptionChoices = Field(description="the values each option may take")
    example: State = Field(description="the worked example, as POST /api/reset returns it")
    bounds: DefinitionBounds


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
