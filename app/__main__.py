"""Serve the app: ``python -m app`` or ``backprop-lab``, on $HOST:$PORT with $WORKERS workers;
live classes in Redis at $REDIS_URL if set, else in the one worker's memory."""

import os
from typing import Any

import uvicorn

from app import protocol
from app.classes.limits import ClassLimits


def limits() -> dict[str, Any]:
    """Return the uvicorn settings every launch gets: httptools and websockets with the
    server's limits (see ``app.protocol``), the keep-alive timeout, and an access-log line per
    request only when ACCESS_LOG=1 (warnings and errors are always logged). A WebSocket message
    over a live class's size limit is refused by the server as it arrives (close code 1009),
    not read whole. X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies
    listed in FORWARDED_ALLOW_IPS (none unless set): anyone can send them."""
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "").strip()
    return {
        "http": "app.protocol:LimitedHttpToolsProtocol",
        "ws": "app.protocol:LimitedWebSocketProtocol",
        "timeout_keep_alive": protocol.KEEP_ALIVE_SECONDS,
        "ws_max_size": ClassLimits().max_message_bytes,
        # one teacher's message goes to hundreds of students: compressing it once per student
        # costs the server more than the bytes it saves on a classroom's network
        "ws_per_message_deflate": False,
        "access_log": os.environ.get("ACCESS_LOG", "").strip().lower() in ("1", "true", "yes"),
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or "",
    }


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    workers = int(os.environ.get("WORKERS", "1"))
    if workers > 1 and not os.environ.get("REDIS_URL", "").strip():
        # each worker would keep its own classes and students would miss their teacher
        raise SystemExit("WORKERS > 1 needs REDIS_URL: live classes are shared through Redis")
    print(f"Backprop Lab: http://{host}:{port}/", flush=True)
    uvicorn.run("app.main:app", host=host, port=port, workers=workers, **limits())


if __name__ == "__main__":
    main()
