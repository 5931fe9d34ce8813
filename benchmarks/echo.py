"""The floor of every endpoint for the request-rate figures: the app itself, with one more
endpoint that validates a state exactly as /api/step does and sends it back unchanged."""

from fastapi.responses import Response

from app.api import OptionalStateRequest
from app.main import app
from app.schemas import StateRequest


@app.post("/bench/echo", include_in_schema=False)
async def echo(request: OptionalStateRequest = None) -> Response:
    """Validate the state and echo it: everything /api/step does but the step itself."""
    return Response((request or StateRequest()).model_dump_json(), media_type="application/json")
