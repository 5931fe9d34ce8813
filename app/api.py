"""The JSON API: training (reset, step, epoch) and analysis (gradient check, loss landscape).

Stateless: each request carries its network, and each answer is computed from it alone.
"""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
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
    Refused,
    ResetResponse,
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


AnyRequest = StateRequest | EpochRequest | GradientCheckRequest | LandscapeRequest


def _state_of(request: AnyRequest | None, advance: int = 0) -> dict[str, Any]:
    """Return the state a request sends as plain dicts, refusing one whose iteration count
    could not move ``advance`` further without leaving its bound."""
    state = (request or StateRequest()).state.model_dump()
    if state["iteration"] + advance > MAX_ITERATION:
        raise HTTPException(
            status_code=409,
            detail=f"state.iteration: {state['iteration']} cannot advance {advance} further "
            f"without passing the limit of {MAX_ITERATION} iterations; reset it",
        )
    return state


@router.post("/reset", response_model=ResetResponse, tags=["training"])
async def reset(request: OptionalStateRequest = None) -> Response:
    """Validate a state (the worked example if none is sent) and return it at iteration 0 with
    its forward pass."""
    state = {**_state_of(request), "iteration": 0}
    network_state = network.State.of(state)
    forward = network.forward(network_state)
    trace = {"forward": forward, "terms": network.products(network_state, forward)}
    return _answer(ResetResponse, {"state": state, "trace": trace})


_DEFINITION = json.dumps(practice.definition(), separators=(",", ":"))


@router.get("/network", response_model=NetworkDefinition, tags=["network"])
async def definition() -> Response:
    """The network declared once: its neurons, weights and biases with their edges, the options,
    the worked example's state, every bound a request must keep to, and the named mistakes."""
    return Response(_DEFINITION, media_type="application/json")


# async: one step is far cheaper than a hop to the thread pool
@router.post("/step", response_model=StepResponse, tags=["training"])
async def step(request: OptionalStateRequest = None) -> Response:
    """Run one iteration (forward, backward, update) and return the next state with every value
    it computed."""
    state = _state_of(request, advance=1)
    sent = network.State.of(state)
    reached, trace = network.step(sent)
    trace["terms"] = network.products(sent, trace["forward"])
    culprit = training.out_of_bounds(reached.parameters())
    if culprit is not None:
        diverged = _divergence(state["iteration"] + 1, culprit)
        forward = trace["forward"]
    else:
        diverged = None
        state = {
            **state,
            "weights": reached.weights,
            "biases": reached.biases,
            "iteration": state["iteration"] + 1,
        }
        forward = network.forward(reached)
    return _answer(
        StepResponse,
        {
            "state": state,
            "trace": trace,
            "forward": forward,
            "loss": forward["E_total"],
            "diverged": diverged,
        },
    )


def epoch(request: Annotated[EpochRequest | None, Body()] = None) -> Response:
    """Run ``epochs`` iterations and return the state reached and E_total before each update."""
    request = request or EpochRequest()
    state = _state_of(request, advance=request.epochs)
    run = training.train(network.State.of(state), request.epochs, samples=request.path)
    start = state["iteration"]
    diverged = None
    if run.diverged_at is not None and run.diverged_parameter is not None:
        diverged = _divergence(start + run.diverged_at, run.diverged_parameter)
    state = {
        **state,
        "weights": run.state.weights,
        "biases": run.state.biases,
        "iteration": start + len(run.losses),
    }
    forward = network.forward(run.state)
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
            "loss": forward["E_total"],
            "diverged": diverged,
            "path": path,
        },
    )


@router.post("/gradient-check", response_model=GradientCheckResponse, tags=["analysis"])
async def gradient_check(
    request: Annotated[GradientCheckRequest | None, Body()] = None,
) -> Response:
    """Compare each backpropagation gradient with a central difference of E_total."""
    request = request or GradientCheckRequest()
    parameters = network.gradient_check(network.State.of(_state_of(request)), request.epsilon)
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
    """E_total over a grid of two parameters centred on their current values, the rest held."""
    request = request or LandscapeRequest()
    state = network.State.of(_state_of(request))
    grid = network.landscape(state, request.x, request.y, request.span, request.resolution)
    return _answer(LandscapeResponse, grid)
