"""Assemble the application: the API, the page, the static files and the error answers."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from app import api, compression, docs, headers, limits, pages, practice_api
from app.classes import routes as classes

app = FastAPI(
    title="Backprop Lab",
    summary="Backpropagation on the classic 2-2-2 worked example and any small network, "
    "computed exactly.",
    description=(
        "Each endpoint takes the whole network as `state` (its shape as `layers`, absent for the "
        "worked example's 2-2-2; omitted numbers take the values of that shape's example, "
        "GET /api/network?layers=...) and returns the next one: the server keeps nothing "
        "between requests."
    ),
    # one schema per model: an answer's state is the state a request sends
    separate_input_output_schemas=False,
    version="0.1.0",
    docs_url=None,
    redoc_url=None,
    lifespan=api.long_runs.running,
)
app.add_exception_handler(RequestValidationError, limits.validation_error)
app.add_exception_handler(HTTPException, limits.http_error)
app.add_middleware(limits.BodySizeLimit)
app.add_middleware(limits.JsonBodies)
app.add_middleware(compression.CompressAssets)
app.add_middleware(headers.HeadAsGet)
app.add_middleware(headers.SecurityHeaders)
app.include_router(api.router)
app.include_router(classes.router)
app.include_router(pages.router)
app.include_router(practice_api.router)
docs.mount(app)
app.mount("/static", pages.VersionedStaticFiles(directory=pages.STATIC_DIR), name="static")
