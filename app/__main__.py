"""Serve the app: ``python -m app`` or ``backprop-lab``, on $HOST:$PORT with $WORKERS workers;
live classes in Redis at $REDIS_URL if set, else in the one worker's memory."""

import os

import uvicorn


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    workers = int(os.environ.get("WORKERS", "1"))
    if workers > 1 and not os.environ.get("REDIS_URL", "").strip():
        # each worker would keep its own classes and students would miss their teacher
        raise SystemExit("WORKERS > 1 needs REDIS_URL: live classes are shared through Redis")
    print(f"Backprop Lab: http://{host}:{port}/", flush=True)
    uvicorn.run("app.main:app", host=host, port=port, workers=workers)


if __name__ == "__main__":
    main()
