"""Request limits and error answers: every bad request gets a JSON 4xx that names its field."""

from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.pages import not_found_page

# A state is well under 1 kB; this leaves room for any honest request.
MAX_BODY_BYTES = 64 * 1024


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    """Return a location such as ("body", "state", "weights", "w1") as "state.weights.w1"."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    """Return one validation error as {field, message, type, context}: the context holds the
    bound a number broke (ge, gt, le, lt), so that a page can word the message itself."""
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
    bounds = {
        name: value
        for name, value in context.items()
        if name in ("ge", "gt", "le", "lt") and isinstance(value, int | float)
    }
    return {"field": _field(location), "message": message, "type": kind, "context": bounds}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Answer 422 with one line per problem, each naming its field."""
    assert isinstance(exc, RequestValidationError)
    errors = [_problem(error) for error in exc.errors()]
    summary = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
    return JSONResponse(status_code=422, content={"detail": summary, "errors": errors})


async def http_error(request: Request, exc: Exception) -> Response:
    """Answer as FastAPI does, but say that a 400 (bytes that are not even text) is the body's,
    and answer a page's 404 with a page."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and not request.url.path.startswith("/api/"):
        return not_found_page(request)
    if exc.status_code == 400:
        if isinstance(exc.__cause__, RecursionError):  # the JSON parser's own depth limit
            detail = "body: the JSON is nested too deeply; send the fields the schema names"
        else:
            detail = f"body: {exc.detail}; send UTF-8 JSON"
        return JSONResponse(status_code=400, content={"detail": detail})
    return await http_exception_handler(request, exc)


def is_json(content_type: bytes) -> bool:
    """Return whether a Content-Type names JSON: application/json or any application/*+json."""
    kind = content_type.split(b";")[0].strip().lower()
    return kind == b"application/json" or (
        kind.startswith(b"application/") and kind.endswith(b"+json")
    )


class JsonBodies:
    """Refuse a body to the API that is not declared as JSON with 415 (an empty body with any
    Content-Type, or none, is the worked example)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            headers = dict(scope["headers"])
            content_type = headers.get(b"content-type", b"")
            has_body = headers.get(b"content-length", b"0") != b"0" or (
                b"transfer-encoding" in headers
            )
            if has_body and not is_json(content_type):
                detail = "body: send JSON with Content-Type: application/json"
                if content_type:
                    detail += f", not {content_type.decode('latin-1')}"
                response = JSONResponse(status_code=415, content={"detail": detail})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuse request bodies over ``MAX_BODY_BYTES`` with 413, whether or not they declare a
    Content-Length. The body is read here first (it is small by then) and handed on whole."""

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

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body, only a disconnect can arrive

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            status_code=413,
            content={"detail": f"body: the request body is larger than {self.max_bytes} bytes"},
        )
        await response(scope, receive, send)
