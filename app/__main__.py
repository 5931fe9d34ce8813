"""Serve the app: ``python -m app`` or ``backprop-lab``, on $HOST:$PORT with $WORKERS workers."""

import os

import uvicorn


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    workers = int(os.environ.get("WORKERS", "1"))
    print(f"Backprop Lab: http://{host}:{port}/", flush=True)
    uvicorn.run("app.main:app", host=host, port=port, workers=workers)


if __name__ == "__main__":
    main()
