"""`make loadtest`: a classroom on one server, on 127.0.0.1 only, for a bounded 20 seconds.

100 clients at once: 80 press Play (a step every 100 ms, each sending the state it got back)
and 20 press Run (1,000 iterations, then a second to look at the curve). Prints requests per
second, p50/p99 latency, errors, and the server's memory before and after.
"""

import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

from app.schemas import EXAMPLE_STATE
from benchmarks.http import server
from tests.helpers import free_port

DURATION = 20.0
PLAYERS, RUNNERS = 80, 20
PLAY_INTERVAL, RUN_EPOCHS, RUN_PAUSE = 0.1, 1_000, 1.0
TARGET_P99_MS, TARGET_GROWTH_MB = 50.0, 20.0


class Client:
    """One keep-alive HTTP/1.1 connection, as small as a load generator can be."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, path: str, body: dict) -> tuple[int, dict]:
        payload = json.dumps(body).encode()
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        data = await self.reader.readexactly(length)
        return int(status_line.split()[1]), json.loads(data)


async def player(port: int, deadline: float, latencies: list[float], errors: list[str]) -> None:
    client = Client(port)
    await client.open()
    state = EXAMPLE_STATE
    while (now := time.monotonic()) < deadline:
        start = time.perf_counter()
        try:
            status, answer = await client.post("/api/step", {"state": state})
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            errors.append(f"step: {error!r}")
            return
        latencies.append(time.perf_counter() - start)
        if status != 200:
            errors.append(f"step: HTTP {status}")
        else:
            state = answer["state"]
        await asyncio.sleep(max(0.0, PLAY_INTERVAL - (time.monotonic() - now)))


async def runner(port: int, deadline: float, latencies: list[float], errors: list[str]) -> None:
    client = Client(port)
    await client.open()
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            status, _ = await client.post("/api/epoch", {"epochs": RUN_EPOCHS})
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            errors.append(f"epoch: {error!r}")
            return
        latencies.append(time.perf_counter() - start)
        if status != 200:
            errors.append(f"epoch: HTTP {status}")
        await asyncio.sleep(RUN_PAUSE)


def memory_mb(pid: int) -> float:
    """Return the resident memory of a process and its children (the workers), in MB."""
    total = 0
    for candidate in [pid, *children(pid)]:
        status = Path(f"/proc/{candidate}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().split(") ")[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def load(port: int) -> tuple[list[float], list[float], list[str]]:
    steps: list[float] = []
    runs: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + DURATION
    await asyncio.gather(
        *(player(port, deadline, steps, errors) for _ in range(PLAYERS)),
        *(runner(port, deadline, runs, errors) for _ in range(RUNNERS)),
    )
    return steps, runs, errors


def main() -> None:
    workers = os.environ.get("WORKERS", "1")
    port = free_port()
    with server("app.main:app", "/openapi.json", port=port, workers=workers) as (_, pid):
        asyncio.run(warm_up(port))
        before = memory_mb(pid)
        steps, runs, errors = asyncio.run(load(port))
        after = memory_mb(pid)
    print(
        f"{PLAYERS} clients stepping every {PLAY_INTERVAL * 1000:.0f} ms and {RUNNERS} running "
        f"{RUN_EPOCHS:,} epochs, {DURATION:.0f} s, {workers} worker(s), 127.0.0.1"
    )
    for name, latencies in (("/api/step", steps), ("/api/epoch", runs)):
        print(
            f"{name}: {len(latencies) / DURATION:,.0f} req/s, "
            f"p50 {percentile(latencies, 0.5) * 1e3:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms, "
            f"mean {statistics.fmean(latencies or [0]) * 1e3:.1f} ms"
        )
    p99 = percentile(steps, 0.99) * 1e3
    print(f"errors: {len(errors)}{' ' + repr(errors[:3]) if errors else ''}")
    print(
        f"server memory: {before:.1f} MB before, {after:.1f} MB after, "
        f"growth {after - before:+.1f} MB (target <= {TARGET_GROWTH_MB:.0f} MB)"
    )
    print(f"p99 of /api/step: {p99:.1f} ms (target <= {TARGET_P99_MS:.0f} ms)")
    if errors:
        sys.exit(1)


async def warm_up(port: int) -> None:
    client = Client(port)
    await client.open()
    for _ in range(200):
        await client.post("/api/step", {})
    await client.post("/api/epoch", {"epochs": RUN_EPOCHS})


if __name__ == "__main__":
    main()
