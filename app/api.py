"""The JSON API: training (reset, step, epoch) and analysis (gradient check, loss landscape).

Stateless: each request carries its network, and each answer is computed from it alone.
"""

import json
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel

from app import network, training
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


def _parts(state: dict[str, Any]) -> tuple[Any, ...]:
    """Return a state's inputs, targets, learning rate and options as the engine takes them."""
    return (
        state["inputs"],
        state["targets"],
        state["learning_rate"],
        network.Options(**state["options"]),
    )


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
    inputs, targets, _, options = _parts(state)
    forward = network.forward(inputs, targets, state["weights"], state["biases"], options)
    trace = {"forward": forward, "terms": network.products(inputs, state["weights"], forward)}
    return _answer(ResetResponse, {"state": state, "trace": trace})


_DEFINITION = json.dumps(network.definition(), separators=(",", ":"))


@router.get("/network", response_model=NetworkDefinition, tags=["network"])
async def definition() -> Response:
    """The network declared once: its neurons, weights and biases with their edges, the options,
    the worked example's state and every bound a request must keep to."""
    return Response(_DEFINITION, media_type="application/json")


# async: one step is far cheaper than a hop to the thread pool
@router.post("/step", response_model=StepResponse, tags=["training"])
async def step(request: OptionalStateRequest = None) -> Response:
    """Run one iteration (forward, backward, update) and return the next state with every value
    it computed."""
    state = _state_of(request, advance=1)
    inputs, targets, learning_rate, options = _parts(state)
    weights, biases, trace = network.step(
        inputs, targets, state["weights"], state["biases"], learning_rate, options
    )
    trace["terms"] = network.products(inputs, state["weights"], trace["forward"])
    culprit = training.out_of_bounds(weights, biases)
    if culprit is not None:
        diverged = _divergence(state["iteration"] + 1, culprit)
        forward = trace["forward"]
    else:
        diverged = None
        state = {**state, "weights": weights, "biases": biases, "iteration": state["iteration"] + 1}
        forward = network.forward(inputs, targets, weights, biases, options)
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


# sync: a long run must not hold up the event loop, so it goes to the thread pool
@router.post("/epoch", response_model=EpochResponse, tags=["training"])
def epoch(request: Annotated[EpochRequest | None, Body()] = None) -> Response:
    """Run ``epochs`` iterations and return the state reached and E_total before each update."""
    request = request or EpochRequest()
    state = _state_of(request, advance=request.epochs)
    inputs, targets, learning_rate, options = _parts(state)
    run = training.train(
        inputs,
        targets,
        state["weights"],
        state["biases"],
        learning_rate,
        options,
        request.epochs,
        samples=request.path,
    )
    start = state["iteration"]
    diverged = None
    if run.diverged_at is not None and run.diverged_parameter is not None:
        diverged = _divergence(start + run.diverged_at, run.diverged_parameter)
    state = {
        **state,
        "weights": run.weights,
        "biases": run.biases,
        "iteration": start + len(run.losses),
    }
    forward = network.forward(inputs, targets, run.weights, run.biases, options)
    path = [{"iteration": start + done, "weights": w, "biases": b} for done, w, b in run.path]
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


def relative_error(backprop: float, numerical: float) -> float:
    """Return |a - n| / max(|a|, |n|), or 0 when both are 0."""
    scale = max(abs(backprop), abs(numerical))
    return abs(backprop - numerical) / scale if scale > 0 else 0.0


@router.post("/gradient-check", response_model=GradientCheckResponse, tags=["analysis"])
async def gradient_check(
    request: Annotated[GradientCheckRequest | None, Body()] = None,
) -> Response:
    """Compare each backpropagation gradient with a central difference of E_total."""
    request = request or GradientCheckRequest()
    state = _state_of(request)
    inputs, targets, learning_rate, options = _parts(state)
    weights, biases = state["weights"], state["biases"]
    fwd = network.forward(inputs, targets, weights, biases, options)
    backprop = network.backward(inputs, targets, weights, learning_rate, fwd, options)["gradients"]
    numerical = network.numerical_gradients(
        inputs, targets, weights, biases, options, request.epsilon
    )
    parameters = [
        {
            "name": name,
            "backprop": backprop[name],
            "numerical": numerical[name],
            "relative_error": relative_error(backprop[name], numerical[name]),
        }
        for name in network.PARAMETERS
    ]
    return _answer(GradientCheckResponse, {"parameters": parameters})


# sync: 40,000 networks take a few milliseconds, kept off the event loop
@router.post("/landscape", response_model=LandscapeResponse, tags=["analysis"])
def landscape(request: Annotated[LandscapeRequest | None, Body()] = None) -> Response:
    """E_total over a grid of two parameters centred on their current values, the rest held."""
    request = request or LandscapeRequest()
    state = _state_of(request)
    inputs, targets, _, options = _parts(state)
    weights, biases = state["weights"], state["biases"]
    values = {**weights, **biases}
    axes = {
        axis: np.linspace(
            values[name] - request.span, values[name] + request.span, request.resolution
        )
        for axis, name in (("x", request.x), ("y", request.y))
    }
    surface = network.loss_surface(
        inputs, targets, weights, biases, options, request.x, axes["x"], request.y, axes["y"]
    )
    return _answer(
        LandscapeResponse,
        {
            "x": {"name": request.x, "values": axes["x"].tolist()},
            "y": {"name": request.y, "values": axes["y"].tolist()},
            "E_total": surface.tolist(),
        },
    )
