"""`make loadtest`: a class stepping while the server is pressed, on 127.0.0.1 only, bounded.

One server, as `python -m app` starts it ($WORKERS, 1 unless set). First the class alone:
30 clients each stepping twice a second, for the idle latency. Then the same class while
40 clients each keep a Run of 100,000 iterations in flight (one in four a crafted state with
saturated sigmoids), 500 sockets send their headers a byte a second and reconnect when closed,
and one client sends a 100 MB header. Prints the steps' p50/p99 under that load next to the
idle figures of the same run, the errors, what happened to the runs, how soon the slow sockets
and the 100 MB header were cut off, and the server's memory.
"""

import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from benchmarks.http import server

STEPPERS, STEP_INTERVAL = 30, 0.5
RUNNERS, RUN_EPOCHS, CRAFTED_EVERY = 40, 100_000, 4
SLOW_SOCKETS, SLOW_BYTE_INTERVAL = 500, 1.0
IDLE_SECONDS, LOADED_SECONDS = 8.0, 25.0
HUGE_HEADER_MB = 100
TARGET_P99_MS, TARGET_CLOSE_SECONDS, TARGET_HUGE_SECONDS = 100.0, 15.0, 1.0
CRAFTED = {"inputs": {"i1": 1e6}, "weights": {"w1": -1e6}}


class Connection:
    """One keep-alive HTTP/1.1 connection, as small as a load generator can be."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, path: str, payload: bytes) -> tuple[int, dict[str, str], bytes]:
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed by the server")
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return int(status_line.split()[1]), headers, body

    def close(self) -> None:
        self.writer.close()


@dataclass
class Steps:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def stepper(port: int, start: float, seconds: float, steps: Steps) -> None:
    """Step every STEP_INTERVAL seconds on one connection, each step sending the last state."""
    client = Connection(port)
    await client.open()
    state = b"{}"
    await asyncio.sleep(max(0.0, start - time.time()))
    next_at = time.monotonic()
    end = next_at + seconds
    while next_at < end:
        began = time.perf_counter()
        try:
            status, _, body = await client.post("/api/step", state)
        except (OSError, asyncio.IncompleteReadError) as error:
            steps.errors.append(f"step: {error!r}")
            return
        steps.latencies.append(time.perf_counter() - began)
        if status != 200:
            steps.errors.append(f"step: HTTP {status}")
        else:
            state = json.dumps({"state": json.loads(body)["state"]}).encode()
        next_at += STEP_INTERVAL
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    client.close()


async def class_stepping(port: int, start: float, seconds: float) -> Steps:
    steps = Steps()
    await asyncio.gather(*(stepper(port, start, seconds, steps) for _ in range(STEPPERS)))
    return steps


# --- The pressure, from a process of its own so that it cannot slow the class's client -----


async def runner(port: int, index: int, end: float, results: dict[str, Any]) -> None:
    """Keep one Run of RUN_EPOCHS in flight until ``end``; then go, leaving it unfinished."""
    state = CRAFTED if index % CRAFTED_EVERY == 0 else {}
    kind = "crafted" if state else "example"
    payload = json.dumps({"state": state, "epochs": RUN_EPOCHS}).encode()
    client = Connection(port)
    await client.open()
    try:
        while (began := time.monotonic()) < end:
            try:
                posting = client.post("/api/epoch", payload)
                status, headers, _ = await asyncio.wait_for(posting, end - began)
            except TimeoutError:
                return  # the connection closes unanswered: the server drops the run
            except (OSError, asyncio.IncompleteReadError) as error:
                results["errors"].append(f"epoch: {error!r}")
                await client.open()
                continue
            if status == 200:
                results[kind].append(time.monotonic() - began)
            elif status == 503:
                results["refused"] += 1
                await asyncio.sleep(float(headers.get("retry-after", "1")))
            else:
                results["errors"].append(f"epoch: HTTP {status}")
    finally:
        client.close()


async def slow_socket(port: int, end: float, results: dict[str, Any]) -> None:
    """Send a request head a byte a second; when the server closes it, start again."""
    while time.monotonic() < end:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        opened = time.monotonic()
        writer.write(b"POST /api/step HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        answer = asyncio.ensure_future(reader.read(65536))
        while not answer.done() and time.monotonic() < end:
            try:
                writer.write(b"a")
                await writer.drain()
            except OSError:
                break
            await asyncio.wait({answer}, timeout=SLOW_BYTE_INTERVAL)
        if answer.done():
            results["closed_after"].append(time.monotonic() - opened)
            results["statuses"].add(answer.result()[9:12].decode() or "closed")
        else:
            answer.cancel()
            results["open_at_end"].append(time.monotonic() - opened)
        writer.close()


async def pressure(
    port: int, start: float, seconds: float, runners: int, slow_sockets: int
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "example": [], "crafted": [], "refused": 0, "errors": [],
        "closed_after": [], "statuses": set(), "open_at_end": [],
    }  # fmt: skip
    await asyncio.sleep(max(0.0, start - time.time()))
    end = time.monotonic() + seconds
    await asyncio.gather(
        *(runner(port, index, end, results) for index in range(runners)),
        *(slow_socket(port, end, results) for _ in range(slow_sockets)),
    )
    return results


def pressure_process(queue: "Queue[Any]", *arguments: Any) -> None:
    queue.put(asyncio.run(pressure(*arguments)))


def huge_header(port: int, at: float) -> tuple[float, str]:
    """Send a HUGE_HEADER_MB header at time ``at``; return how long until the server cut it
    off, and how."""
    time.sleep(max(0.0, at - time.time()))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        began = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ")
        chunk = b"a" * (1 << 20)
        try:
            for _ in range(HUGE_HEADER_MB):
                sock.sendall(chunk)
            answer = sock.recv(100)
        except OSError:
            answer = b""
        return time.monotonic() - began, answer[9:12].decode() or "closed"


# --- Report --------------------------------------------------------------------------------


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
                parent = int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def describe(steps: Steps) -> str:
    ms = [latency * 1e3 for latency in steps.latencies]
    return (
        f"{len(ms)} steps, p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms, default=0):.1f} ms, errors {len(steps.errors)}"
    )


def seconds(values: list[float]) -> str:
    if not values:
        return "none"
    return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"


def main() -> None:
    workers = os.environ.get("WORKERS", "1")
    with server(["-m", "app"]) as (url, pid):
        port = int(url.rsplit(":", 1)[1])
        asyncio.run(class_stepping(port, time.time(), 2.0))  # warm-up
        before = memory_mb(pid)
        idle = asyncio.run(class_stepping(port, time.time(), IDLE_SECONDS))

        queue: Queue[Any] = multiprocessing.get_context("spawn").Queue()
        start = time.time() + 3  # the pressure process needs a moment to import
        loaded_start = start + 2  # runs queued and sockets hanging before the class is timed
        process = multiprocessing.get_context("spawn").Process(
            target=pressure_process,
            args=(queue, port, start, LOADED_SECONDS + 4, RUNNERS, SLOW_SOCKETS),
        )
        process.start()
        loop = asyncio.new_event_loop()
        huge = loop.run_in_executor(None, huge_header, port, start + 8)
        loaded = loop.run_until_complete(class_stepping(port, loaded_start, LOADED_SECONDS))
        huge_seconds, huge_status = loop.run_until_complete(huge)
        loop.close()
        pressed = queue.get(timeout=120)
        process.join(30)
        after = memory_mb(pid)

    print(
        f"One server, {workers} worker(s), 127.0.0.1: {STEPPERS} clients stepping every "
        f"{STEP_INTERVAL * 1e3:.0f} ms; then also {RUNNERS} clients keeping a Run of "
        f"{RUN_EPOCHS:,} in flight (1 in {CRAFTED_EVERY} crafted: i1 = 1e6, w1 = -1e6), "
        f"{SLOW_SOCKETS} sockets sending a header byte a second, and a {HUGE_HEADER_MB} MB header"
    )
    print(f"/api/step idle, {IDLE_SECONDS:.0f} s:        {describe(idle)}")
    print(f"/api/step under load, {LOADED_SECONDS:.0f} s: {describe(loaded)}")
    loaded_p99 = percentile(loaded.latencies, 0.99) * 1e3
    print(
        f"  p99 under load {loaded_p99:.1f} ms against idle "
        f"{percentile(idle.latencies, 0.99) * 1e3:.1f} ms (target <= {TARGET_P99_MS:.0f} ms, "
        "0 errors)"
    )
    print(
        f"Runs of {RUN_EPOCHS:,} answered: {len(pressed['example'])} of the example "
        f"({seconds(pressed['example'])}), {len(pressed['crafted'])} crafted "
        f"({seconds(pressed['crafted'])}); refused with 503: {pressed['refused']}; "
        f"errors: {len(pressed['errors'])}"
    )
    print(
        f"Slow sockets closed by the server: {len(pressed['closed_after'])}, "
        f"{seconds(pressed['closed_after'])} after opening "
        f"(answers: {', '.join(sorted(pressed['statuses']))}; "
        f"target <= {TARGET_CLOSE_SECONDS:.0f} s); open when the test ended: "
        f"{len(pressed['open_at_end'])}, the oldest opened "
        f"{max(pressed['open_at_end'], default=0):.1f} s before"
    )
    print(
        f"{HUGE_HEADER_MB} MB header: cut off after {huge_seconds:.3f} s ({huge_status}; target "
        f"<= {TARGET_HUGE_SECONDS:.0f} s)"
    )
    print(f"Server memory: {before:.1f} MB before, {after:.1f} MB after (workers included)")
    errors = idle.errors + loaded.errors + pressed["errors"]
    if errors:
        print(f"errors: {errors[:5]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
