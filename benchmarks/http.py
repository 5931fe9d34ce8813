"""The API over HTTP on 127.0.0.1: /api/epoch against the minimal loop, /api/step against a
trivial FastAPI endpoint under 50 concurrent connections (wrk, bounded in time)."""

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from app.schemas import EXAMPLE_STATE, MAX_EPOCHS
from benchmarks.engine import median_seconds, minimal_loop, paired_ratio
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 50
SECONDS = 5


@contextmanager
def server(
    application: str, probe: str, port: int | None = None, workers: str = "1"
) -> Iterator[tuple[str, int]]:
    """Serve ``application`` with uvicorn (uvloop, httptools); yield its URL and process id."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", application, "--port", str(port),
         "--workers", workers, "--log-level", "warning", "--no-access-log"],
        cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(url + probe, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def requests_per_second(url: str, method: str = "GET", body: str | None = None) -> float:
    """Return wrk's requests per second against ``url`` after a short warm-up."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"wrk.method = {json.dumps(method)}\n")
        if body is not None:
            script.write(f"wrk.body = {json.dumps(body)}\n")
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", "-s", script.name, url]
    subprocess.run([*command[:-1], "-d1s", url], capture_output=True, check=True)
    output = subprocess.run(
        [*command[:-1], f"-d{SECONDS}s", url], capture_output=True, text=True, check=True
    ).stdout
    Path(script.name).unlink()
    if re.search(r"Non-2xx or 3xx responses", output):
        raise SystemExit(f"errors under load:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def main() -> None:
    with server("app.main:app", "/openapi.json") as (url, _):
        body = {"state": EXAMPLE_STATE, "epochs": 10_000}
        with httpx.Client(base_url=url, timeout=60) as client:

            def epoch() -> None:
                losses = client.post("/api/epoch", json=body).json()["losses"]
                assert len(losses) == 10_000

            ratio, seconds = paired_ratio(epoch, lambda: minimal_loop(10_000))

            def landscape() -> None:
                grid = client.post("/api/landscape", json={"resolution": 201}).json()["E_total"]
                assert len(grid) == 201

            landscape_seconds = median_seconds(landscape)
            largest = {"state": EXAMPLE_STATE, "epochs": MAX_EPOCHS}
            longest = median_seconds(lambda: client.post("/api/epoch", json=largest), repeats=3)
        print(
            f"POST /api/epoch 10,000 (JSON included): {seconds * 1e3:.1f} ms, "
            f"{ratio:.2f}x baseline (target <= 3x)"
        )
        print(
            f"the longest request, POST /api/epoch {MAX_EPOCHS:,}: {longest * 1e3:.0f} ms "
            "of one worker"
        )
        print(
            f"POST /api/landscape at 201 x 201 (JSON included): {landscape_seconds * 1e3:.1f} ms "
            "(target < 100 ms)"
        )
        if shutil.which("wrk") is None:
            print("wrk is not installed: skipping the request-rate figure (apt-get install wrk)")
            return
        step_rate = requests_per_second(
            url + "/api/step", "POST", json.dumps({"state": EXAMPLE_STATE})
        )
    with server("benchmarks.trivial:app", "/trivial") as (url, _):
        trivial_rate = requests_per_second(url + "/trivial")
        sync_rate = requests_per_second(url + "/trivial-sync")
    print(f"POST /api/step, {CONNECTIONS} connections: {step_rate:,.0f} req/s")
    print(
        f"  against a trivial async JSON endpoint ({trivial_rate:,.0f} req/s): "
        f"{step_rate / trivial_rate:.2f} (target >= 0.60)"
    )
    print(
        f"  against the same endpoint written with def ({sync_rate:,.0f} req/s): "
        f"{step_rate / sync_rate:.2f}"
    )
