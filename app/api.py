"""The JSON API: reset, step and epoch. Stateless: each request carries its network."""

from typing import Any

from fastapi import APIRouter, Body

from app import network, training
from app.schemas import (
    Divergence,
    EpochRequest,
    EpochResponse,
    ResetResponse,
    State,
    StateRequest,
    StepResponse,
)

router = APIRouter(prefix="/api", tags=["training"])


def _network_options(state: State) -> network.Options:
    return network.Options(**state.options.model_dump())


def _parts(state: State) -> tuple[dict[str, float], ...]:
    """Return the inputs, targets, weights and biases of a state as plain dicts."""
    return (
        state.inputs.model_dump(),
        state.targets.model_dump(),
        state.weights.model_dump(),
        state.biases.model_dump(),
    )


def _floats(values: dict[str, Any]) -> dict[str, float | None]:
    return {name: None if value is None else float(value) for name, value in values.items()}


def _forward(state: State, weights: dict[str, float], biases: dict[str, float]) -> dict[str, Any]:
    inputs, targets, _, _ = _parts(state)
    return _floats(network.forward(inputs, targets, weights, biases, _network_options(state)))


def _advanced(
    state: State, weights: dict[str, float], biases: dict[str, float], iterations: int
) -> State:
    """Return ``state`` with new parameters, ``iterations`` further on."""
    return state.model_copy(
        update={
            "weights": state.weights.model_copy(update=_floats(weights)),
            "biases": state.biases.model_copy(update=_floats(biases)),
            "iteration": state.iteration + iterations,
        }
    )


def _divergence(iteration: int, parameter: str) -> Divergence:
    return Divergence(
        iteration=iteration,
        parameter=parameter,
        message=(
            f"training diverged at iteration {iteration}: its update would have made {parameter} "
            f"non-finite or larger than {training.PARAMETER_LIMIT:g} in magnitude, so it was not "
            "applied; try a smaller learning rate"
        ),
    )


def _request_state(request: StateRequest | EpochRequest | None) -> State:
    return request.state if request is not None else State()


@router.post("/reset", response_model=ResetResponse)
def reset(request: StateRequest | None = Body(default=None)) -> dict[str, Any]:
    """Validate a state (the worked example if none is sent) and return it at iteration 0 with
    its forward pass."""
    state = _request_state(request).model_copy(update={"iteration": 0})
    _, _, weights, biases = _parts(state)
    return {"state": state, "trace": {"forward": _forward(state, weights, biases)}}


@router.post("/step", response_model=StepResponse)
def step(request: StateRequest | None = Body(default=None)) -> dict[str, Any]:
    """Run one iteration (forward, backward, update) and return the next state with every value
    it computed."""
    state = _request_state(request)
    inputs, targets, weights, biases = _parts(state)
    new_weights, new_biases, trace = network.step(
        inputs, targets, weights, biases, state.learning_rate, _network_options(state)
    )
    trace = {part: _floats(values) for part, values in trace.items()}
    culprit = training.out_of_bounds(new_weights, new_biases)
    if culprit is not None:
        return {
            "state": state,
            "trace": trace,
            "loss": trace["forward"]["E_total"],
            "diverged": _divergence(state.iteration + 1, culprit),
        }
    next_state = _advanced(state, new_weights, new_biases, 1)
    return {
        "state": next_state,
        "trace": trace,
        "loss": _forward(next_state, new_weights, new_biases)["E_total"],
        "diverged": None,
    }


@router.post("/epoch", response_model=EpochResponse)
def epoch(request: EpochRequest = Body(...)) -> dict[str, Any]:
    """Run ``epochs`` iterations and return the state reached and E_total before each update."""
    state = request.state
    inputs, targets, weights, biases = _parts(state)
    run = training.train(
        inputs,
        targets,
        weights,
        biases,
        state.learning_rate,
        _network_options(state),
        request.epochs,
    )
    next_state = _advanced(state, run.weights, run.biases, len(run.losses))
    diverged = None
    if run.diverged_at is not None and run.diverged_parameter is not None:
        diverged = _divergence(state.iteration + run.diverged_at, run.diverged_parameter)
    return {
        "state": next_state,
        "losses": run.losses,
        "loss": _forward(next_state, run.weights, run.biases)["E_total"],
        "diverged": diverged,
    }
