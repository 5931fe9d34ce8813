"""Schemathesis against the app's own OpenAPI schema: generated requests, valid and invalid,
must never produce a 500, a non-JSON answer or an answer outside the documented schema; every
request the schema allows is answered 2xx (the cross-field rules are stated in the schema
itself), and every request it forbids is refused."""

import os

import schemathesis
from hypothesis import HealthCheck, settings

from app.main import app

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


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
