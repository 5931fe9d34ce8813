"""Compress the page and its static text, but not API answers.

A step answer is 3 kB and a 10,000-epoch answer 200 kB of JSON: on localhost or a classroom
LAN, gzip at Starlette's default level costs more time than the bytes it saves (30 ms for the
long run, where the whole computation takes 20 ms).
"""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class CompressAssets:
    def __init__(self, app: ASGIApp, minimum_size: int = 500) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
        else:
            await self.gzip(scope, receive, send)
