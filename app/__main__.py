"""Serve the app: ``python -m app`` or ``backprop-lab``, on $HOST:$PORT with $WORKERS workers.

Every launch gets the same limits (see ``app.protocol``). ACCESS_LOG=1 logs one line per
request; by default only warnings and errors are logged.
"""

import os
from typing import Any

import uvicorn

from app import protocol

TRUE = ("1", "true", "yes", "on")


def server_settings() -> dict[str, Any]:
    """Return uvicorn's settings for the environment: address, workers, limits and logging."""
    return {
        "host": os.environ.get("HOST", "127.0.0.1"),
        "port": int(os.environ.get("PORT", "8000")),
        "workers": int(os.environ.get("WORKERS", "1")),
        "http": "app.protocol:LimitedHttpToolsProtocol",
        "timeout_keep_alive": protocol.KEEP_ALIVE_SECONDS,
        "access_log": os.environ.get("ACCESS_LOG", "").strip().lower() in TRUE,
        "log_level": "info",
    }


def serve(application: str = "app.main:app") -> None:
    """Serve ``application`` with the app's settings and limits."""
    settings = server_settings()
    print(f"Backprop Lab: http://{settings['host']}:{settings['port']}/", flush=True)
    uvicorn.run(application, **settings)


def main() -> None:
    serve()


if __name__ == "__main__":
    main()
