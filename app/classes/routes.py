"""The live class's HTTP and WebSocket routes: create a class, its QR code, its socket."""

import io
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import segno
from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, WebSocket
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from app.classes import codes
from app.classes.hosts import host_allowed, origin_allowed
from app.classes.hub import Hub
from app.classes.limits import address_key, limits_from_environment
from app.classes.store import ClassStore, FullError, MemoryStore
from app.schemas import Refused


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    hub = getattr(app.state, "classroom", None)
    if hub is not None:
        await hub.close()


HOST_REFUSED = {400: {"model": Refused, "description": "The Host is not this server's address"}}
STORE_AWAY = {"model": Refused, "description": "The class store (Redis) cannot answer now; "
              "try again after Retry-After seconds"}  # fmt: skip
RETRY_SECONDS = 5


@asynccontextmanager
async def store_answering(hub: Hub) -> AsyncIterator[None]:
    """Answer 503 with Retry-After while the class store cannot answer, never a 500."""
    try:
        yield
    except hub.store.unreachable:
        raise HTTPException(
            status_code=503, detail="the class store cannot answer now; try again shortly",
            headers={"Retry-After": str(RETRY_SECONDS)},
        ) from None  # fmt: skip
router = APIRouter(tags=["classes"], lifespan=lifespan)


def hub_of(app: Any) -> Hub:
    """The app's one hub, made on first use: classes in Redis if REDIS_URL is set."""
    hub = getattr(app.state, "classroom", None)
    if hub is None:
        limits = limits_from_environment()
        url = os.environ.get("REDIS_URL", "").strip()
        store: ClassStore
        if url:
            from app.classes.redis_store import RedisStore

            store = RedisStore(
                url, limits.idle_seconds, limits.presence_seconds, limits.instance_seconds
            )
        else:
            store = MemoryStore(limits.idle_seconds, max_classes=limits.max_classes)
        hub = app.state.classroom = Hub(store, limits)
    return hub


class ClassCreated(BaseModel):
    """A new class. Keep `teacher_token` to yourself: it is what makes a connection the
    teacher's, and the server never shows it again."""

    code: str
    teacher_token: str
    join_url: str
    qr_url: str


def _check_host(connection: HTTPConnection) -> None:
    if not host_allowed(connection):
        host = connection.headers.get("host", "")[:100]
        detail = (f"Host: {host!r} is not this server's address; a server behind a proxy "
                  "lists its public names in ALLOWED_HOSTS")  # fmt: skip
        raise HTTPException(status_code=400, detail=detail)


@router.post(
    "/api/classes",
    status_code=201,
    responses={
        **HOST_REFUSED,
        413: {"model": Refused, "description": "The body is larger than 64 KiB"},
        429: {"model": Refused, "description": "Too many classes started from one address"},
        503: {"model": Refused, "description": "This worker holds as many classes as it may, "
              "or the class store (Redis) cannot answer now; try again after Retry-After"},
    },
)
async def create_class(request: Request, response: Response) -> ClassCreated:
    """Start a live class (no body needed): its join code, the teacher's token and the join
    URL on the host this request used. The class ends when the teacher ends it or after
    4 hours without activity. The answer is never stored by a cache (it holds the token)."""
    response.headers["Cache-Control"] = "no-store"
    _check_host(request)
    hub = hub_of(request.app)
    address = address_key(request.client.host if request.client else "")
    try:
        async with store_answering(hub):
            created = await hub.create(address)
    except FullError as full:
        raise HTTPException(status_code=503, detail=f"{full}; try again later",
                            headers={"Retry-After": "600"}) from None  # fmt: skip
    if created is None:
        raise HTTPException(
            status_code=429,
            detail="too many classes started from this address; try again in a minute",
            headers={"Retry-After": "60"},
        )
    code, token = created
    join_url = f"{request.base_url}?class={code}"
    qr_url = str(request.url_for("class_qr", code=code))
    return ClassCreated(code=code, teacher_token=token, join_url=join_url, qr_url=qr_url)


@router.get(
    "/api/classes/{code}/qr.svg",
    name="class_qr",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}},
        **HOST_REFUSED,
        404: {"model": Refused, "description": "No live class has this code"},
        429: {"model": Refused, "description": "Too many unknown codes tried from one address"},
        503: STORE_AWAY,
    },
)
async def class_qr(code: str, request: Request) -> Response:
    """The join URL as a QR code, in SVG. Unknown codes count against the same per-address
    limit as joins to them."""
    _check_host(request)
    normalized = codes.normalize_code(code)
    hub = hub_of(request.app)
    async with store_answering(hub):
        if normalized is None or not await hub.exists(normalized):
            address = address_key(request.client.host if request.client else "")
            if not await hub.take_miss(address):
                raise HTTPException(
                    status_code=429, detail="too many unknown codes tried from this address",
                    headers={"Retry-After": str(round(1 / hub.limits.misses_per_second))},
                )  # fmt: skip
            raise HTTPException(status_code=404, detail=f"code: no live class {code[:12]!r}")
    url = f"{request.base_url}?class={normalized}"
    svg = io.BytesIO()
    segno.make(url, error="m").save(
        svg, kind="svg", border=2, omitsize=True, xmldecl=False, light="#fff",
        title=f"Join class {normalized}: {url}", svgclass=None, lineclass=None,
    )  # fmt: skip
    return Response(svg.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})  # fmt: skip


@router.get(
    "/api/classes/{code}/practice.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}},
        **HOST_REFUSED,
        401: {"model": Refused, "description": "No teacher token, or not this class's"},
        404: {"model": Refused, "description": "No live class has this code"},
    },
)
async def practice_csv(
    code: str,
    request: Request,
    authorization: Annotated[str, Header(description="Bearer and the teacher token")] = "",
) -> Response:
    """The practice dashboard as CSV, for the class's teacher only: a line a student (their
    number and nickname, seed, answers checked, asks solved) and a column a named mistake."""
    _check_host(request)
    hub = hub_of(request.app)
    normalized = codes.normalize_code(code)
    if normalized is None or not await hub.exists(normalized):
        raise HTTPException(status_code=404, detail=f"code: no live class {code[:12]!r}")
    scheme, _, token = authorization.partition(" ")
    text = await hub.csv(normalized, token.strip()) if scheme.lower() == "bearer" else None
    if text is None:
        raise HTTPException(
            status_code=401,
            detail="authorization: send the class's teacher token as 'Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="practice-{normalized}.csv"',
    })  # fmt: skip


@router.websocket("/ws/classes/{code}")
async def class_socket(websocket: WebSocket, code: str) -> None:
    """A teacher's or a student's connection to a class (see app.classes.protocol)."""
    if not origin_allowed(websocket):
        await websocket.close(code=1008)  # before accepting: the handshake gets a 403
        return
    await hub_of(websocket.app).serve(websocket, code)
