"""The classroom page: ``GET /``, its static files, and plotly.js from the installed package.

Every asset carries a version in its URL (a hash of the file, or plotly's version), so the
browser may keep it for a year and a reload asks for nothing but the page itself.
"""

import gzip
import hashlib
import json
import mimetypes
import os
import posixpath
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from stat import S_ISREG
from typing import Any

import plotly
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers
from starlette.types import Scope

from app import api, practice, presets
from app.headers import content_security_policy, script_hash
from app.schemas import MAX_EPOCHS

PACKAGE = Path(__file__).resolve().parent


def _located(name: str) -> Path:
    """Return static/ or templates/: inside the package when installed from a wheel, else at
    the top of the checkout (where they live, and where an editable install finds them)."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


STATIC_DIR = _located("static")
TEMPLATES_DIR = _located("templates")

PLOTLY_VERSION = plotly.__version__
YEAR = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES_DIR)


class VersionedStaticFiles(StaticFiles):
    """Static files that may be cached for a year when asked for by a versioned URL.

    A first load asks for some fifty modules and stylesheets by versioned URL: those are kept
    in memory, compressed once, and answered without a trip to a worker thread, so that the
    server's share of a first load stays small on a busy machine."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if b"v=" in scope.get("query_string", b"") and scope["method"] in ("GET", "HEAD"):
            asset = _versioned_asset(path)
            if asset is not None:
                return asset.response(Headers(scope=scope).get("accept-encoding", ""))
        return await super().get_response(path, scope)

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"")
        response.headers["Cache-Control"] = YEAR if versioned else "no-cache"
        return response


@dataclass(frozen=True)
class _Asset:
    plain: bytes
    packed: bytes | None  # gzipped, for text worth compressing
    media_type: str

    def response(self, accept_encoding: str) -> Response:
        headers = {"Cache-Control": YEAR, "Vary": "Accept-Encoding"}
        if self.packed is not None and "gzip" in accept_encoding:
            headers["Content-Encoding"] = "gzip"
            return Response(self.packed, media_type=self.media_type, headers=headers)
        return Response(self.plain, media_type=self.media_type, headers=headers)


def _versioned_asset(path: str) -> _Asset | None:
    """Return the file at ``static/<path>`` from memory, or None for anything but a file there."""
    full = os.path.realpath(os.path.join(STATIC_DIR, path))
    if not full.startswith(f"{os.path.realpath(STATIC_DIR)}{os.sep}"):
        return None
    try:
        stat = os.stat(full)
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    return _read_asset(full, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read_asset(full: str, mtime_ns: int, size: int) -> _Asset:
    with open(full, "rb") as file:
        plain = file.read()
    media_type = mimetypes.guess_type(full)[0] or "application/octet-stream"
    text = media_type.startswith("text/") or media_type in ("application/json", "image/svg+xml")
    packed = gzip.compress(plain, compresslevel=9, mtime=0) if text and size >= 500 else None
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    return _Asset(plain, packed, media_type)


@lru_cache(maxsize=256)
def _file_hash(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_version(relative: str) -> str:
    """Return a short hash of ``static/<relative>``, recomputed only when the file changes."""
    path = STATIC_DIR / relative
    stat = path.stat()
    return _file_hash(path, stat.st_mtime_ns, stat.st_size)


def _modules() -> list[str]:
    return sorted(path.relative_to(STATIC_DIR).as_posix() for path in STATIC_DIR.rglob("*.js"))


# `import ... from "x"`, `export ... from "x"` and `import "x"`: what a module needs before it
# runs. A dynamic `import("x")` (what the page loads after its first paint) is left out on
# purpose: it is not preloaded.
_IMPORT = re.compile(
    r"""\b(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']"""
    r"""|\bimport\s*["']([^"']+)["']"""
)


@lru_cache(maxsize=256)
def _imports(relative: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    source = (STATIC_DIR / relative).read_text(encoding="utf-8")
    folder = posixpath.dirname(relative)
    found = (match.group(1) or match.group(2) for match in _IMPORT.finditer(source))
    return tuple(posixpath.normpath(posixpath.join(folder, name)) for name in found)


def modules_loaded_by(entry: str) -> list[str]:
    """Return ``static/<entry>`` and every module it imports, directly or not."""
    seen = [entry]
    for relative in seen:  # grows as it goes
        stat = (STATIC_DIR / relative).stat()
        imported = _imports(relative, stat.st_mtime_ns, stat.st_size)
        seen += [name for name in imported if name not in seen]
    return seen


def static_url(request: Request, relative: str) -> str:
    """The path of the static file ``relative`` under this app's mount: the router resolves
    the mount once per page, not once per file (a page names over a hundred)."""
    return f"{request.url_for('static', path='/').path.rstrip('/')}/{relative}"


def versioned_url(request: Request, relative: str) -> str:
    """The static file's path with its content version, cached by the browser for good."""
    return f"{static_url(request, relative)}?v={asset_version(relative)}"


def module_preloads_of(request: Request, entry: str) -> list[str]:
    """The versioned URL of every module ``entry`` loads but itself: listed in the page as
    modulepreload links, the browser asks for them all at once instead of one import level
    after another."""
    base = static_url(request, "")
    return [f"{base}{module}?v={asset_version(module)}" for module in modules_loaded_by(entry)[1:]]


def import_map_of(request: Request) -> str:
    """Map each module's plain URL to its versioned URL, so relative imports are cached too."""
    imports = {}
    base = static_url(request, "")
    for module in _modules():
        url = f"{base}{module}"
        imports[url] = f"{url}?v={asset_version(module)}"
    return json.dumps({"imports": imports}, indent=1)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The classroom page."""

    def versioned(relative: str) -> str:
        return versioned_url(request, relative)

    import_map = import_map_of(request)
    response = templates.TemplateResponse(
        request,
        "index.html",
        {
            "versioned": versioned,
            "import_map": import_map,
            "module_preloads": module_preloads_of(request, "js/controllers/main.js"),
            "plotly_url": request.url_for("plotly", version=PLOTLY_VERSION).path,
            "max_epochs": MAX_EPOCHS,
            # data for the page's modules (a JSON script is not executed: the CSP allows it)
            "network_definition": practice.definition(),
            "network_presets": presets.presets(),
            # JSON of numbers and names only; "<" escaped all the same, inside a <script>
            "example_answer": api.example_reset_json().replace("<", "\\u003c"),
        },
    )
    response.headers["Cache-Control"] = "no-cache"
    # The import map is the page's one inline script: the policy allows it by its hash.
    response.headers["Content-Security-Policy"] = content_security_policy([script_hash(import_map)])
    return response


def not_found_page(request: Request) -> HTMLResponse:
    """The 404 of every path outside the API: a page that leads back to the app."""
    return templates.TemplateResponse(
        request,
        "not_found.html",
        {
            "path": request.url.path,
            "home": request.app.url_path_for("index"),
            "favicon": request.app.url_path_for("static", path="favicon.svg"),
        },
        status_code=404,
        headers={"Cache-Control": "no-cache"},
    )


@lru_cache(maxsize=1)
def _plotly() -> tuple[bytes, bytes, str]:
    """Return plotly.min.js from the installed package, plain and gzipped, and its ETag."""
    source = resources.files("plotly") / "package_data" / "plotly.min.js"
    plain = source.read_bytes()
    etag = '"' + hashlib.sha256(plain).hexdigest()[:16] + '"'
    return plain, gzip.compress(plain, compresslevel=6, mtime=0), etag


@router.get("/vendor/plotly-{version}.min.js", name="plotly")
def plotly_js(version: str, request: Request) -> Response:
    """plotly.js as installed with the plotly package, compressed once and cached for a year."""
    if version != PLOTLY_VERSION:
        raise HTTPException(status_code=404)
    plain, packed, etag = _plotly()
    headers = {"Cache-Control": YEAR, "ETag": etag, "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="text/javascript", headers=headers)
    return Response(plain, media_type="text/javascript", headers=headers)


# Compress plotly.js ahead of the first visitor (about 0.15 s, once per process).
threading.Thread(target=_plotly, name="plotly-gzip", daemon=True).start()
