"""The API page at /docs: Swagger UI from the installed fastapi-offline package, no CDN.

Swagger UI starts from one inline script; its hash goes into this page's CSP, so the policy
still allows no other inline script.
"""

import re
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.headers import content_security_policy, script_hash

SWAGGER_STATIC = Path(fastapi_offline.__file__).parent / "static"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)

router = APIRouter(include_in_schema=False)


def mount(app: FastAPI) -> None:
    """Serve /docs and its assets."""
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_STATIC), name="docs-assets")
    app.include_router(router)


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title}: API",
        swagger_js_url=str(request.url_for("docs-assets", path="swagger-ui-bundle.js").path),
        swagger_css_url=str(request.url_for("docs-assets", path="swagger-ui.css").path),
        swagger_favicon_url=str(request.url_for("docs-assets", path="favicon.png").path),
    )
    html = bytes(page.body).decode()
    hashes = [script_hash(script) for script in INLINE_SCRIPT.findall(html)]
    page.headers["Content-Security-Policy"] = content_security_policy(hashes)
    return page
