"""The baseline server for the request-rate figure: FastAPI's own first example, one trivial
JSON endpoint."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/trivial")
async def trivial() -> dict[str, bool]:
    return {"ok": True}


@app.get("/trivial-sync")
def trivial_sync() -> dict[str, bool]:
    """The same endpoint written with def, which FastAPI runs in its thread pool."""
    return {"ok": True}
