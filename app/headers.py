"""Security headers on every answer, redirects that never name a host, and HEAD as GET.

The Content-Security-Policy allows this origin only: no inline script, no other host, no
framing (inline styles are allowed: plotly.js draws with them). A course site that embeds the
app names itself in the FRAME_ANCESTORS environment variable (for example
"https://lms.example.edu"); a page with an inline script it trusts passes that script's hash.
"""

import base64
import hashlib
import os
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def frame_ancestors() -> str:
    """Return who may frame the app: FRAME_ANCESTORS, or nobody."""
    return os.environ.get("FRAME_ANCESTORS", "").strip() or "'none'"


def script_hash(source: str) -> str:
    """Return the CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(script_sources: Iterable[str] = ()) -> str:
    scripts = " ".join(["'self'", *script_sources])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            # plotly.js writes style attributes and rules as it draws; styles cannot run code
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors()}",
        ]
    )


class SecurityHeaders:
    """Add the security headers to every HTTP answer (keeping a route's own CSP if it set one),
    and make every redirect relative."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = content_security_policy()
        framing = frame_ancestors()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if framing == "'none'":
                    headers.setdefault("X-Frame-Options", "DENY")
                if "location" in headers:
                    headers["location"] = relative_location(headers["location"])
            await send(message)

        await self.app(scope, receive, send_with_headers)


def relative_location(location: str) -> str:
    """Return a redirect's target as a path on this server: the Host header a client sent is
    never echoed back (the app redirects nowhere else). A path that a browser would read as
    another host ("//x", "/\\x") keeps a single slash."""
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/\\")
    return path + ("?" + parts.query if parts.query else "")


class HeadAsGet:
    """Answer HEAD exactly as GET (status and headers, Content-Length included), without the
    body: FastAPI's routes answer only the methods they declare, and HEAD would get 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
