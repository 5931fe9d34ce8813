"""Schemathesis against the app's own OpenAPI schema: generated requests, valid and invalid,
must never produce a 500, a non-JSON answer or an answer outside the documented schema; every
request the schema allows is answered 2xx (the cross-field rules are stated in the schema
itself), and every request it forbids is refused."""

import os

import schemathesis
from hypothesis import HealthCheck, settings

from app.main import app

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


def _names(layers: list, group: str) -> set[str]:
    """The names the documented rule gives a network of this shape."""
    if group == "inputs":
        return {f"i{k}" for k in range(1, layers[0] + 1)}
    if group == "targets":
        return {f"o{k}" for k in range(1, layers[-1] + 1)}
    if group == "weights":
        count = sum(a * b for a, b in zip(layers, layers[1:], strict=False))
        return {f"w{k}" for k in range(1, count + 1)}
    return {f"b{k}" for k in range(1, len(layers))}


def fits_its_network(body: object, path: str = "") -> bool:
    """The one rule the schema cannot state: every name a state gives is one of its shape's
    (and the cross-field rules that follow from the shape). Other bodies pass as generated."""
    if not isinstance(body, dict) or not isinstance(body.get("state", {}), dict):
        return True
    state = body.get("state", {})
    layers = state.get("layers") or [2, 2, 2]
    if not isinstance(layers, list) or not 3 <= len(layers) <= 5:
        return True  # no shape at all: refused by the schema's own rules
    if not all(isinstance(n, int | float) and n in (1, 2, 3, 4) for n in layers):
        return True
    layers = [int(n) for n in layers]  # JSON Schema's integers include 2.0
    options = state.get("options") if isinstance(state.get("options"), dict) else {}
    for group in ("inputs", "targets", "weights", "biases"):
        given = state.get(group)
        if isinstance(given, dict) and not set(given) <= _names(layers, group):
            return False
    data = state.get("data")
    if isinstance(data, list):
        if "inputs" in state or "targets" in state:
            return False
        for row in data:
            if isinstance(row, dict) and any(
                isinstance(row.get(group), dict) and set(row[group]) != _names(layers, group)
                for group in ("inputs", "targets")
            ):
                return False
    if options.get("loss") == "cross_entropy":
        if layers[-1] < 2:
            return False
        rows = [*(data if isinstance(data, list) else []), state]
        for row in rows:
            targets = row.get("targets") if isinstance(row, dict) else None
            if isinstance(targets, dict) and targets and not any(targets.values()):
                return False
    if options.get("training") == "batch" and options.get("hidden_deltas_use") == "updated":
        return False
    rows = len(data) if isinstance(data, list) else 1
    epochs = body.get("epochs")
    if isinstance(epochs, int | float) and epochs * rows * len(_names(layers, "weights")) > 4e6:
        return False  # more work than a run may take
    resolution = body.get("resolution")
    if isinstance(resolution, int | float) and resolution**2 * rows > 4 * 201 * 201:
        return False
    if path == "/api/outputs" and not fits_the_outputs_grid(body, layers):
        return False
    parameters = _names(layers, "weights") | _names(layers, "biases")
    axes = [body.get(axis) for axis in ("x", "y") if isinstance(body.get(axis), str)]
    return all(axis in parameters for axis in axes)


def fits_the_outputs_grid(body: dict, layers: list[int]) -> bool:
    """/api/outputs' rules beside the shape: two inputs, an output of the network, each range
    running upwards, and resolution² x weights within its bound."""
    if layers[0] != 2:
        return False
    output = body.get("output")
    if isinstance(output, str) and output not in _names(layers, "targets"):
        return False
    ranges = body.get("range")
    for given in ranges.values() if isinstance(ranges, dict) else ():
        if isinstance(given, list) and len(given) == 2 and all(
            isinstance(v, int | float) for v in given
        ) and not given[0] < given[1]:
            return False
    resolution = body.get("resolution", 51)
    weights = len(_names(layers, "weights"))
    return not (isinstance(resolution, int | float) and resolution**2 * weights > 16 * 201 * 201)


@schemathesis.hook
def filter_case(context: object, case: schemathesis.Case) -> bool:
    return fits_its_network(case.body, case.path)


@schema.parametrize()
@settings(
    # make test-fast asks for fewer cases through FUZZ_EXAMPLES
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    derandomize=True,  # a fixed seed: the same cases on every run
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_keep_to_the_schema(case):
    case.call_and_validate()  # every built-in check, positive_data_acceptance included
