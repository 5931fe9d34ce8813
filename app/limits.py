"""Request limits and error answers: every bad request gets a JSON 4xx that names its field."""

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A state is well under 1 kB; this leaves room for any honest request.
MAX_BODY_BYTES = 64 * 1024


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    """Return a location such as ("body", "state", "weights", "w1") as "state.weights.w1"."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _problem(error: dict[str, Any]) -> dict[str, str]:
    """Return one validation error as {field, message, type}."""
    location = tuple(error.get("loc", ()))
    kind = str(error.get("type", "value_error"))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    context = error.get("ctx") or {}
    if kind == "json_invalid":
        # pydantic locates a JSON syntax error by character position, not by field
        location = ("body",)
        message = f"the body is not valid JSON ({context.get('error', 'decode error')} at "
        message += f"character {error.get('loc', ('', '?'))[-1]})"
    elif "field" in context:
        location = (*location, context["field"])
    return {"field": _field(location), "message": message, "type": kind}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Answer 422 with one line per problem, each naming its field."""
    assert isinstance(exc, RequestValidationError)
    errors = [_problem(error) for error in exc.errors()]
    summary = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
    return JSONResponse(status_code=422, content={"detail": summary, "errors": errors})


class BodySizeLimit:
    """Refuse request bodies over ``MAX_BODY_BYTES`` with 413, whether or not they declare a
    Content-Length, before the application reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            status_code=413,
            content={"detail": f"body: the request body is larger than {self.max_bytes} bytes"},
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
