"""The JSON API: training (reset, step, epoch) and analysis (gradient check, loss landscape, the
outputs over the inputs).

Stateless: each request carries its network, and each answer is computed from it alone.
"""

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.requests import Request

from app import network, pool, practice, training
from app.schemas import (
    MAX_ITERATION,
    EpochRequest,
    EpochResponse,
    GradientCheckRequest,
    GradientCheckResponse,
    InvalidRequest,
    LandscapeRequest,
    LandscapeResponse,
    NetworkDefinition,
    OutputsRequest,
    OutputsResponse,
    Refused,
    ResetResponse,
    State,
    StateRequest,
    StepResponse,
)

router = APIRouter(
    prefix="/api",
    responses={
        400: {"model": Refused, "description": "The body is not UTF-8 text"},
        409: {"model": Refused, "description": "The iteration count would pass its limit"},
        413: {"model": Refused, "description": "The body is larger than 64 KiB"},
        415: {"model": Refused, "description": "The body is not declared as JSON"},
        422: {
            "model": InvalidRequest,
            "description": "The request is malformed; each problem names its field",
        },
    },
)

OptionalStateRequest = Annotated[StateRequest | None, Body()]


def _answer(model: type[BaseModel], payload: dict[str, Any]) -> Response:
    """Check an answer against its documented model and send it as JSON.

    Serialised here, by pydantic, instead of by FastAPI, which would validate it a second time:
    on a step that costs more than the arithmetic.
    """
    return Response(model.model_validate(payload).model_dump_json(), media_type="application/json")


def _divergence(iteration: int, parameter: str) -> dict[str, Any]:
    return {
        "iteration": iteration,
        "parameter": parameter,
        "message": (
            f"training diverged at iteration {iteration}: its update would have made "
            f"{parameter} non-finite or larger than {training.PARAMETER_LIMIT:g} in magnitude, "
            "so it was not applied; try a smaller learning rate"
        ),
    }


AnyRequest = StateRequest | EpochRequest | GradientCheckRequest | LandscapeRequest | OutputsRequest


def _request_state(request: AnyRequest | None) -> State:
    return (request or StateRequest()).state


def _state_of(request: AnyRequest | None, advance: int = 0) -> dict[str, Any]:
    """Return the state a request sends as plain dicts, refusing one whose iteration count
    could not move ``advance`` further without leaving its bound."""
    state = _request_state(request).model_dump()
    if state["iteration"] + advance > MAX_ITERATION:
        raise HTTPException(
            status_code=409,
            detail=f"state.iteration: {state['iteration']} cannot advance {advance} further "
            f"without passing the limit of {MAX_ITERATION} iterations; reset it",
        )
    return state


def _next_row(state: dict[str, Any], rows: list[dict[str, Any]]) -> int:
    """The row the next online update uses."""
    return state["iteration"] % len(rows)


def _on_rows(state: dict[str, Any], rows: list[dict[str, Any]]) -> network.State:
    """The engine's state on every row at once."""
    return network.State.of({**state, **rows[0]}).with_rows(rows)


def _per_row(values: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """Split values holding an array over the rows into one dict per row."""
    spread = {  # a weight read by every row is the same number in each
        name: None if value is None else np.broadcast_to(value, (count,))
        for name, value in values.items()
    }
    return [
        {name: None if value is None else float(value[row]) for name, value in spread.items()}
        for row in range(count)
    ]


def _rows_seen(state: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[dict, list, float]:
    """Return the forward pass of the row the next update uses, every row's, and the loss
    (E_total, or its mean over the rows)."""
    batch = _on_rows(state, rows)
    each = _per_row(network.forward(batch), len(rows))
    return each[_next_row(state, rows)], each, float(network.loss(batch))


def _answer_rows(state: dict[str, Any], each: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    return each if state.get("data") is not None else None


@router.post("/reset", response_model=ResetResponse, tags=["training"])
async def reset(request: OptionalStateRequest = None) -> Response:
    """Validate a state (the worked example if none is sent) and return it at iteration 0 with
    its forward pass."""
    return _answer(ResetResponse, _reset_payload(request))


def _reset_payload(request: OptionalStateRequest) -> dict[str, Any]:
    state = {**_state_of(request), "iteration": 0}
    rows = _request_state(request).rows()
    shown = network.State.of({**state, **rows[0]})
    forward = network.forward(shown)
    trace = {"forward": forward, "terms": network.products(shown, forward)}
    _, each, loss = _rows_seen(state, rows)
    with_data = state.get("data") is not None
    return {"state": state, "trace": trace, "rows": _answer_rows(state, each),
            "loss": loss if with_data else None}  # fmt: skip


@lru_cache(maxsize=1)
def example_reset_json() -> str:
    """POST /api/reset's answer without a state (the worked example at iteration 0): the page
    carries it, so that its first numbers need no request."""
    return ResetResponse.model_validate(_reset_payload(None)).model_dump_json()


@lru_cache(maxsize=64)
def _definition_json(layers: tuple[int, ...]) -> str:
    return json.dumps(practice.definition(layers), separators=(",", ":"))


@router.get("/network", response_model=NetworkDefinition, tags=["network"])
async def definition(
    layers: Annotated[
        str | None,
        Query(
            pattern=r"^[1-4](,[1-4]){2,4}$",
            description="the network's shape as inputs,hidden...,outputs, e.g. 2,3,1; absent: "
            "the worked example's 2,2,2",
        ),
    ] = None,
) -> Response:
    """The network declared once: its neurons, weights and biases with their edges, how each
    gradient is made (chain), the options, its example state, every bound a request must keep
    to, and the named mistakes."""
    shape = tuple(int(width) for width in layers.split(",")) if layers else network.LAYERS
    problem = network.layer_problem(shape)
    if problem:
        raise HTTPException(status_code=422, detail=f"layers: {problem}")
    return Response(_definition_json(shape), media_type="application/json")


# async: one step is far cheaper than a hop to the thread pool
@router.post("/step", response_model=StepResponse, tags=["training"])
async def step(request: OptionalStateRequest = None) -> Response:
    """Run one iteration (forward, backward, update) and return the next state with every value
    it computed. With data: online, the row iteration mod rows; batch, every row at once, with
    the mean of their gradients."""
    state = _state_of(request, advance=1)
    rows = _request_state(request).rows()
    if state["options"]["training"] == "batch" and len(rows) > 1:
        sent = _on_rows(state, rows)
        reached, trace = network.step(sent)
        trace["terms"] = network.products(sent, trace["forward"])
        count = len(rows)
        trace["rows"] = [
            {"row": row, "forward": forward, "terms": terms, "factors": factors, "deltas": deltas}
            for row, (forward, terms, factors, deltas) in enumerate(
                zip(
                    *(
                        _per_row(trace[part], count)
                        for part in ("forward", "terms", "factors", "deltas")
                    ),
                    strict=True,
                )  # fmt: skip
            )
        ]
        for part in ("forward", "terms", "factors", "deltas"):
            trace[part] = None
        trace["row"] = None
    else:
        row = _next_row(state, rows)
        sent = network.State.of({**state, **rows[row]})
        reached, trace = network.step(sent)
        trace["terms"] = network.products(sent, trace["forward"])
        trace["row"] = row if state.get("data") is not None else None
    culprit = training.out_of_bounds(reached.parameters())
    if culprit is not None:
        diverged = _divergence(state["iteration"] + 1, culprit)
    else:
        diverged = None
        state = {
            **state,
            "weights": reached.weights,
            "biases": reached.biases,
            "iteration": state["iteration"] + 1,
        }
    forward, each, loss = _rows_seen(state, rows)
    return _answer(
        StepResponse,
        {
            "state": state,
            "trace": trace,
            "forward": forward,
            "loss": loss,
            "rows": _answer_rows(state, each),
            "diverged": diverged,
        },
    )


def epoch(request: Annotated[EpochRequest | None, Body()] = None) -> Response:
    """Run ``epochs`` passes over the rows and return the state reached and each pass's loss."""
    request = request or EpochRequest()
    rows = _request_state(request).rows()
    per_pass = 1 if _request_state(request).options.training == "batch" else len(rows)
    state = _state_of(request, advance=request.epochs * per_pass)
    start = state["iteration"]
    first_row = 0 if per_pass == 1 else _next_row(state, rows)
    engine = network.State.of({**state, **rows[0]})
    run = training.train(engine, request.epochs, request.path, rows, first_row)
    diverged = None
    if run.diverged_at is not None and run.diverged_parameter is not None:
        diverged = _divergence(start + run.diverged_at, run.diverged_parameter)
    state = {
        **state,
        "weights": run.state.weights,
        "biases": run.state.biases,
        "iteration": start + run.updates,
    }
    forward, each, loss = _rows_seen(state, rows)
    path = [
        {"iteration": start + done, "weights": point.weights, "biases": point.biases}
        for done, point in run.path
    ]
    return _answer(
        EpochResponse,
        {
            "state": state,
            "losses": run.losses,
            "forward": forward,
            "loss": loss,
            "rows": _answer_rows(state, each),
            "diverged": diverged,
            "path": path,
        },
    )


def _checked_state(request: AnyRequest) -> network.State:
    """The engine's state for an analysis: what the next update uses (a batch's every row)."""
    state = _state_of(request)
    rows = _request_state(request).rows()
    if state["options"]["training"] == "batch" and len(rows) > 1:
        return _on_rows(state, rows)
    return network.State.of({**state, **rows[_next_row(state, rows)]})


@router.post("/gradient-check", response_model=GradientCheckResponse, tags=["analysis"])
async def gradient_check(
    request: Annotated[GradientCheckRequest | None, Body()] = None,
) -> Response:
    """Compare each backpropagation gradient with a central difference of E_total."""
    request = request or GradientCheckRequest()
    parameters = network.gradient_check(_checked_state(request), request.epsilon)
    return _answer(GradientCheckResponse, {"parameters": parameters})


# Runs longer than this, and grids finer than this, are computed in the worker processes;
# smaller ones cost less than the trip there.
INLINE_EPOCHS = 1000
INLINE_RESOLUTION = 101
long_runs = pool.Pool(preload=["app.api"])
BUSY: dict[int | str, dict[str, Any]] = {
    503: {"model": Refused, "description": "Every worker is busy; retry later"}
}


Endpoint = Callable[[Any], Response]


def _json_of(call: tuple[Endpoint, Any]) -> bytes:
    """Return the JSON an endpoint answers to a request (in a worker process)."""
    endpoint, request = call
    return bytes(endpoint(request).body)


async def _computed(http: Request, endpoint: Endpoint, request: Any, inline: bool) -> Response:
    """Return ``endpoint(request)``, computed here when it is cheap, else in a worker process."""
    if inline:
        return endpoint(request)
    return await long_runs.respond(http, _json_of, (endpoint, request))


@router.post(
    "/epoch", name="epoch", response_model=EpochResponse, tags=["training"], responses=BUSY
)
async def epoch_route(
    http: Request, request: Annotated[EpochRequest | None, Body()] = None
) -> Response:
    """Run ``epochs`` iterations and return the state reached and E_total before each update."""
    request = request or EpochRequest()
    _state_of(request, advance=request.epochs)  # refused before it waits in the queue
    return await _computed(http, epoch, request, inline=request.epochs <= INLINE_EPOCHS)


@router.post(
    "/landscape", name="landscape", response_model=LandscapeResponse, tags=["analysis"],
    responses=BUSY,
)  # fmt: skip
async def landscape_route(
    http: Request, request: Annotated[LandscapeRequest | None, Body()] = None
) -> Response:
    """E_total over a grid of two parameters centred on their current values, the rest held."""
    request = request or LandscapeRequest()
    inline = request.resolution <= INLINE_RESOLUTION
    return await _computed(http, landscape, request, inline)


def landscape(request: Annotated[LandscapeRequest | None, Body()] = None) -> Response:
    """E_total over a grid of two parameters centred on their current values, the rest held
    (with data, its mean over the rows)."""
    request = request or LandscapeRequest()
    rows = _request_state(request).rows()
    state = _on_rows(_state_of(request), rows) if len(rows) > 1 else _checked_state(request)
    grid = network.landscape(state, *request.axes(), request.span, request.resolution)
    return _answer(LandscapeResponse, grid)


@router.post(
    "/outputs", name="outputs", response_model=OutputsResponse, tags=["analysis"], responses=BUSY
)
async def outputs_route(
    http: Request, request: Annotated[OutputsRequest | None, Body()] = None
) -> Response:
    """A two-input network's output over a grid of its inputs, every other number held."""
    request = request or OutputsRequest()
    return await _computed(http, outputs, request, inline=request.resolution <= INLINE_RESOLUTION)


def outputs(request: Annotated[OutputsRequest | None, Body()] = None) -> Response:
    """out of one output neuron over a resolution x resolution grid of the two inputs (the
    picture of what the network has learnt), rows following i2."""
    request = request or OutputsRequest()
    state = _state_of(request)
    rows = _request_state(request).rows()
    engine = network.State.of({**state, **rows[0]})
    output = request.output or engine.network.outputs[0]
    grid = network.outputs(engine, output, request.ranges(), request.resolution)
    return _answer(OutputsResponse, grid)
