"""Assemble the application: the API, the page, the static files and the error answers."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from app import api, compression, docs, headers, limits, pages, practice_api
from app.classes import routes as classes

app = FastAPI(
    title="Backprop Lab",
    summary="The classic 2-2-2 backpropagation worked example, computed exactly.",
    description=(
        "Each endpoint takes the whole network as `state` (omitted fields take the worked "
        "example's values) and returns the next one: the server keeps nothing between requests."
    ),
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
