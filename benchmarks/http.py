"""The API over HTTP on 127.0.0.1: /api/epoch against the minimal loop, /api/step against an
endpoint that only validates and echoes the state, and what the server's limits cost, all
under 50 concurrent connections (wrk, bounded in time)."""

import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from app.schemas import EXAMPLE_STATE, MAX_EPOCHS
from benchmarks.engine import XOR_DATA, median_seconds, minimal_loop, paired_ratio, xor_minimal_loop
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 50
SECONDS = 3
ROUNDS = 5
# The app as every launch serves it (python -m app: its limits included), with the echo endpoint
LIMITED = [
    "-c",
    "import os, uvicorn; from app.__main__ import limits; uvicorn.run("
    "'benchmarks.echo:app', port=int(os.environ['PORT']), log_level='warning', **limits())",
]


def uvicorn_plain(http: str) -> list[str]:
    """The same app under uvicorn's defaults with ``http`` (httptools or h11): no limits."""
    return ["-m", "uvicorn", "benchmarks.echo:app", "--http", http, "--log-level", "warning",
            "--no-access-log", "--host", "127.0.0.1", "--port"]  # fmt: skip


@contextmanager
def server(arguments: list[str], probe: str = "/openapi.json") -> Iterator[tuple[str, int]]:
    """Run ``python <arguments>`` on a free port (given as $PORT, or appended after --port);
    yield its URL and process id once ``probe`` answers."""
    port = free_port()
    command = [sys.executable, *arguments] + ([str(port)] if arguments[-1] == "--port" else [])
    environment = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(url + probe, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def cpu_seconds(pid: int) -> float:
    """Return the CPU time a process has used so far (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests_per_second(
    url: str, method: str = "GET", body: str | None = None, pid: int | None = None
) -> tuple[float, float]:
    """Return wrk's requests per second against ``url`` after a short warm-up, and the
    requests per CPU second of the server process ``pid`` (0 without one).

    On a machine shared with other work the first swings with the load; the second, what
    each request costs the server, hardly does."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"wrk.method = {json.dumps(method)}\n")
        if body is not None:
            script.write(f"wrk.body = {json.dumps(body)}\n")
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", "-s", script.name, url]
    subprocess.run([*command[:-1], "-d1s", url], capture_output=True, check=True)
    before = cpu_seconds(pid) if pid else 0.0
    output = subprocess.run(
        [*command[:-1], f"-d{SECONDS}s", url], capture_output=True, text=True, check=True
    ).stdout
    used = cpu_seconds(pid) - before if pid else 0.0
    Path(script.name).unlink()
    if re.search(r"Non-2xx or 3xx responses", output):
        raise SystemExit(f"errors under load:\n{output}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    assert rate and count, output
    return float(rate.group(1)), (int(count.group(1)) / used if used else 0.0)


def long_requests() -> None:
    """Print the epoch, landscape and output-map figures."""
    with server(LIMITED) as (url, _), httpx.Client(base_url=url, timeout=60) as client:
        body = {"state": EXAMPLE_STATE, "epochs": 10_000}

        def epoch() -> None:
            losses = client.post("/api/epoch", json=body).json()["losses"]
            assert len(losses) == 10_000

        ratio, seconds = paired_ratio(epoch, lambda: minimal_loop(10_000))
        xor = {"state": {"layers": [2, 2, 1], "data": XOR_DATA}, "epochs": 10_000}
        expected = xor_minimal_loop(10_000)

        def xor_epochs() -> None:
            losses = client.post("/api/epoch", json=xor).json()["losses"]
            assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(losses, expected,
                                                                        strict=True))  # fmt: skip

        xor_ratio, xor_seconds = paired_ratio(xor_epochs, lambda: xor_minimal_loop(10_000))

        def landscape() -> None:
            grid = client.post("/api/landscape", json={"resolution": 201}).json()["E_total"]
            assert len(grid) == 201

        landscape_seconds = median_seconds(landscape)

        def outputs(body: dict, resolution: int) -> None:
            grid = client.post("/api/outputs", json={**body, "resolution": resolution}).json()
            assert len(grid["out"]) == resolution

        outputs_seconds = median_seconds(lambda: outputs({}, 201))
        # the largest two-input network at the finest grid its work bound allows
        deepest = {"state": {"layers": [2, 4, 4, 4, 4]}}
        deepest_seconds = median_seconds(lambda: outputs(deepest, 107))
        largest = {"state": EXAMPLE_STATE, "epochs": MAX_EPOCHS}
        longest = median_seconds(lambda: client.post("/api/epoch", json=largest), repeats=3)
    print(
        f"POST /api/epoch 10,000 (JSON and the trip to a worker process included): "
        f"{seconds * 1e3:.1f} ms, {ratio:.2f}x baseline (target <= 3x)"
    )
    print(
        f"POST /api/epoch 10,000 of XOR on 2-2-1 online (40,000 updates): "
        f"{xor_seconds * 1e3:.1f} ms, {xor_ratio:.2f}x a minimal loop of that network "
        "(target <= 3x)"
    )
    print(f"the longest request, POST /api/epoch {MAX_EPOCHS:,}: {longest * 1e3:.0f} ms")
    print(
        f"POST /api/landscape at 201 x 201 (JSON included): {landscape_seconds * 1e3:.1f} ms "
        "(target < 100 ms)"
    )
    print(
        f"POST /api/outputs at 201 x 201 of the worked example: {outputs_seconds * 1e3:.1f} ms, "
        f"at 107 x 107 of 2-4-4-4-4: {deepest_seconds * 1e3:.1f} ms (target < 100 ms)"
    )


def request_rates() -> None:
    """Print /api/step against the validate-and-echo endpoint, and the limits' cost.

    The servers run side by side and are measured in turns, ROUNDS times: each figure is the
    median of its rounds, so a load that comes and goes on a shared machine touches all alike.
    """
    step = json.dumps({"state": EXAMPLE_STATE})
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with (
        server(LIMITED) as (limited, limited_pid),
        server(uvicorn_plain("httptools")) as (plain, plain_pid),
        server(uvicorn_plain("h11")) as (h11, h11_pid),
    ):
        targets = [
            ("step", limited + "/api/step", limited_pid),
            ("echo", limited + "/bench/echo", limited_pid),
            ("plain", plain + "/api/step", plain_pid),
            ("h11", h11 + "/api/step", h11_pid),
        ]
        for round_ in range(ROUNDS):
            for name, url, pid in targets if round_ % 2 == 0 else targets[::-1]:
                per_second, per_cpu_second = requests_per_second(url, "POST", step, pid)
                wall.setdefault(name, []).append(per_second)
                cpu.setdefault(name, []).append(per_cpu_second)

    def ratio(rates: dict[str, list[float]], work: str, baseline: str) -> str:
        ratios = [w / b for w, b in zip(rates[work], rates[baseline], strict=True)]
        return f"{statistics.median(ratios):.2f} (rounds {', '.join(f'{r:.2f}' for r in ratios)})"

    def rates(name: str) -> str:
        return (
            f"{statistics.median(wall[name]):,.0f} req/s, "
            f"{statistics.median(cpu[name]):,.0f} per CPU second"
        )

    print(f"POST /api/step, {CONNECTIONS} connections: {rates('step')}")
    print(f"  validate-and-echo of the same state: {rates('echo')}")
    print(f"    step / echo, per CPU second: {ratio(cpu, 'step', 'echo')}; target >= 0.70")
    print(f"    step / echo, per second: {ratio(wall, 'step', 'echo')}")
    print(f"  the same app under uvicorn's httptools without the limits: {rates('plain')}")
    print(f"    with / without the limits, per CPU second: {ratio(cpu, 'step', 'plain')}")
    print(f"    with / without the limits, per second: {ratio(wall, 'step', 'plain')}")
    print(f"  under uvicorn's h11 (the alternative with a header limit): {rates('h11')}")
    print(f"    h11 / httptools, per CPU second: {ratio(cpu, 'h11', 'plain')}")


def main() -> None:
    long_requests()
    if shutil.which("wrk") is None:
        print("wrk is not installed: skipping the request-rate figures (make wrk)")
        return
    request_rates()
