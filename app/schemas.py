"""The contract between server and page: one state schema, and what each endpoint returns.

The server keeps nothing per user. The page holds a ``State`` and sends it with each request;
every field left out takes the worked example's value. Input is strict: numbers must be finite
JSON numbers within the stated bounds, unknown fields are refused, and the 422 names the field.
"""

from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app import network
from app.network import PARAMETERS

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


# --- The state the page holds -------------------------------------------------------------
# Each group of numbers takes its names and defaults from the network's definition.


def _numbers(name: str, doc: str, defaults: dict[str, float]) -> type[BaseModel]:
    fields: dict[str, Any] = {key: (Value, default) for key, default in defaults.items()}
    return create_model(name, __config__=STRICT, __doc__=doc, **fields)


EXAMPLE = network.NETWORK.example
Inputs = _numbers("Inputs", "i1, i2.", EXAMPLE["inputs"])
Targets = _numbers(
    "Targets",
    "The targets of o1, o2. With cross_entropy they are non-negative, not both 0, and scaled "
    "to sum to 1: unchanged if their float64 sum is 1, else the larger becomes larger / sum "
    "and the smaller 1 minus that (so 0.3, 0.3 becomes 0.5, 0.5). The state answered carries "
    "the targets used.",
    EXAMPLE["targets"],
)
Weights = _numbers(
    "Weights", "w1..w4 input to hidden, w5..w8 hidden to output.", EXAMPLE["weights"]
)
Biases = _numbers("Biases", "b1 shared by h1, h2; b2 shared by o1, o2.", EXAMPLE["biases"])


class Options(BaseModel):
    """The worked example's choices; see ``app.network.Options`` for what each one means."""

    model_config = STRICT
    activation: Literal[network.ACTIVATIONS] = network.Options.activation
    loss: Literal[network.LOSSES] = network.Options.loss
    train_biases: bool = network.Options.train_biases
    hidden_deltas_use: Literal[network.HIDDEN_DELTAS_USE] = network.Options.hidden_deltas_use


# JSON Schema's statement of the rule the validator below keeps (so generated requests know it)
_SOFTMAX_TARGETS = {
    "if": {
        "properties": {"options": {"properties": {"loss": {"const": "cross_entropy"}},
                                   "required": ["loss"]}},
        "required": ["options"],
    },
    "then": {
        "properties": {
            "targets": {
                "properties": {"o1": {"minimum": 0}, "o2": {"minimum": 0}},
                "not": {"properties": {"o1": {"const": 0}, "o2": {"const": 0}},
                        "required": ["o1", "o2"]},
            }
        }
    },
}  # fmt: skip


class State(BaseModel):
    """A whole network: what the page sends and gets back."""

    model_config = ConfigDict(**STRICT, json_schema_extra=_SOFTMAX_TARGETS)
    inputs: Inputs = Field(default_factory=Inputs)
    targets: Targets = Field(default_factory=Targets)
    weights: Weights = Field(default_factory=Weights)
    biases: Biases = Field(default_factory=Biases)
    learning_rate: float = Field(
        default=EXAMPLE["learning_rate"],
        gt=0,
        le=MAX_LEARNING_RATE,
        description=f"eta, with 0 < eta <= {MAX_LEARNING_RATE:g}",
    )
    options: Options = Field(default_factory=Options)
    iteration: Count = Field(default=EXAMPLE["iteration"], ge=0, le=MAX_ITERATION)

    @model_validator(mode="after")
    def softmax_targets_are_a_distribution(self) -> Self:
        if self.options.loss == "cross_entropy":
            o1, o2 = self.targets.o1, self.targets.o2
            if o1 < 0 or o2 < 0 or o1 == o2 == 0:
                raise PydanticCustomError(
                    "targets_not_a_distribution",
                    "with loss cross_entropy the targets must be non-negative and not both 0 "
                    "(got o1={o1}, o2={o2})",
                    {"field": "targets", "o1": o1, "o2": o2},
                )
            o1, o2 = network.distribution(o1, o2)
            self.targets = Targets(o1=o1, o2=o2)
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


PARAMETER_NAMES = Literal[network.PARAMETERS]
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
# JSON Schema's statement of the rule ``two_different_axes`` keeps: x and y, as given or by
# default, are never the same parameter.
_DIFFERENT_AXES = {
    "not": {
        "anyOf": [
            *(
                {"properties": {"x": {"const": name}, "y": {"const": name}}, "required": ["x", "y"]}
                for name in PARAMETERS
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
    x: PARAMETER_NAMES = X_DEFAULT
    y: PARAMETER_NAMES = Y_DEFAULT
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


def _answer_numbers(
    name: str, doc: str, names: Any, nullable: Any = (), descriptions: dict[str, str] | None = None
) -> type[BaseModel]:
    descriptions = descriptions or {}
    fields: dict[str, Any] = {
        key: (float | None if key in nullable else float, Field(description=descriptions.get(key)))
        for key in names
    }
    return create_model(name, __config__=FINITE, __doc__=doc, **fields)


def _factor_description(name: str) -> str:
    """Read a factor's name as the partial derivative it is: dnet_o1_dw5 is dnet_o1/dw5."""
    numerator, _, denominator = name[1:].partition("_d")
    denominator, _, path = denominator.partition("_via_")
    numerator = "E_total" if numerator == "E" else numerator
    if path:
        return f"the part of dE_total/d{denominator} that flows through net_{path}"
    return f"d{numerator}/d{denominator}"


# The engine's own answers name the fields: one iteration of the example in each loss.
_SQUARED = network.step(network.EXAMPLE)[1]
_SOFTMAX = network.step(network.State.of({**EXAMPLE, "options": {"loss": "cross_entropy"}}))[1]
_NULL_WITH_SOFTMAX = [name for name, value in _SOFTMAX["factors"].items() if value is None]
_WEIGHT_USED = "as used for the hidden deltas: with the updated rule, the updated one"

Forward = _answer_numbers(
    "Forward", "The forward pass, in the worked example's order.", _SQUARED["forward"]
)
Factors = _answer_numbers(
    "Factors",
    "Each factor of the chain rule, named as the partial derivative it is: dE_dout_o1 is "
    "dE_total/dout_o1, dnet_o1_dw5 is dnet_o1/dw5, dE_dout_h1_via_o1 = delta_o1 * w5 is the "
    "part of dE_total/dout_h1 that flows through net_o1 (with squared error, dE_o1/dout_h1)."
    "\n\nWith cross_entropy, dE/dout_o and dout_o/dnet_o are null: the softmax ties both "
    "outputs to both nets, and delta_o = out_o - target_o directly. With hidden_deltas_use "
    "updated, dnet_o*_dout_h* are the updated w5..w8 and every hidden-layer factor is that "
    "rule's value, not a derivative of E_total.",
    _SQUARED["factors"],
    nullable=_NULL_WITH_SOFTMAX,
    descriptions={
        **{name: _factor_description(name) for name in _SQUARED["factors"]},
        "dnet_o1_dout_h1": f"w5 {_WEIGHT_USED}",
        "dnet_o2_dout_h1": f"w7 {_WEIGHT_USED}",
        "dnet_o1_dout_h2": f"w6 {_WEIGHT_USED}",
        "dnet_o2_dout_h2": f"w8 {_WEIGHT_USED}",
    },
)
Deltas = _answer_numbers(
    "Deltas",
    "delta = dE_total/dnet of each neuron (of h1, h2: the updated rule's value under it).",
    _SQUARED["deltas"],
)
PerParameter = _answer_numbers("PerParameter", "One number per weight and bias.", PARAMETERS)
Terms = _answer_numbers(
    "Terms",
    "Each weight times what it multiplies: the multiply nodes of the computational graph "
    "(net_h1 = w1_i1 + w2_i2 + b1, net_o1 = w5_out_h1 + w6_out_h2 + b2, and so on).",
    network.products(network.EXAMPLE, _SQUARED["forward"]),
)


class ForwardTrace(BaseModel):
    model_config = FINITE
    forward: Forward
    terms: Terms


class Trace(ForwardTrace):
    """Every value of one iteration, computed from the state that was sent."""

    factors: Factors
    deltas: Deltas
    gradients: PerParameter = Field(
        description="dE_total/dp for each weight and bias, by backpropagation; with "
        "hidden_deltas_use updated, w1..w4 and b1 are that rule's values (computed with the "
        "updated w5..w8), not dE_total/dp"
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


class NamedMistake(BaseModel):
    """A mistake the practice check names and the live class's polls offer."""

    code: str = Field(description="e.g. missed_second_path")
    concept: bool = Field(description="false for rounding, which is no mistake of concept")
    name: dict[str, str] = Field(description="its short name in each language (en, zh-Hans, ...)")


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
    bounds: network.Bounds
    mistakes: list[NamedMistake] = Field(description="the catalogue of named mistakes")


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


def _as_sent(model: type[BaseModel], name: str, held: bool = False) -> type[BaseModel]:
    """`model`'s fields, every one required, strict and alone (what the server answered);
    `held`: each number may be null (a value the teacher's page withholds from the class)."""
    fields: dict[str, Any] = {}
    for key, info in model.model_fields.items():
        number = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        fields[key] = (number | None if held else number, Field(description=info.description))
    return create_model(name, __config__=SENT, __doc__=model.__doc__, **fields)


def _state_as_sent(name: str, held: bool = False) -> type[BaseModel]:
    """The state as sent, without the softmax rule's rescaling: a teacher's numbers pass
    unchanged; `held`: a weight or bias may be null (its update withheld)."""
    fields: dict[str, Any] = {key: (info.annotation, info) for key, info in
                              State.model_fields.items()}  # fmt: skip
    if held:
        for key, model in (("weights", Weights), ("biases", Biases)):
            fields[key] = (_as_sent(model, f"{name}{key.title()}", held=True), ...)
    return create_model(name, __config__=STRICT, __doc__="A network state as the page holds it.",
                        **fields)  # fmt: skip


SentState = _state_as_sent("SentState")
SentForward = _as_sent(Forward, "SentForward")


def _trace_as_sent(name: str, held: bool = False) -> type[BaseModel]:
    """One iteration's values as /api/step answered them (`held`: any of them may be null)."""
    parts = {"forward": Forward, "factors": Factors, "deltas": Deltas,
             "gradients": PerParameter, "changes": PerParameter}  # fmt: skip
    fields: dict[str, Any] = {
        part: (_as_sent(model, f"{name}{part.title()}", held), ...) for part, model in parts.items()
    }
    fields["terms"] = (_as_sent(Terms, f"{name}Terms", held) | None, None)
    return create_model(name, __config__=SENT, __doc__=_trace_as_sent.__doc__, **fields)


SentTrace = _trace_as_sent("SentTrace")
HeldState = _state_as_sent("HeldState", held=True)
HeldTrace = _trace_as_sent("HeldTrace", held=True)


class SentDivergence(BaseModel):
    model_config = SENT
    iteration: Count = Field(ge=0, le=MAX_ITERATION)
    parameter: PARAMETER_NAMES
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
    """The settings a class shares: the open cards, the lesson's tab, the digits shown."""

    model_config = SENT
    open: Annotated[list[PARAMETER_NAMES], Field(max_length=len(PARAMETERS))] = []
    tab: Name = "graph"
    digits: Annotated[int, Field(ge=0, le=17)] = 0


class ClassPage(BaseModel):
    """What a teacher's page sends to its class: its network, its walk and shared settings."""

    model_config = SENT
    version: Literal[2]
    purpose: Literal["message"]
    network: SentNetwork
    walk: SentWalk | None = None
    settings: SentSettings = Field(default_factory=SentSettings)
