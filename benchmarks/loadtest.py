"""`make loadtest`: a class stepping while the server is pressed, on 127.0.0.1 only, bounded.

One server, as `python -m app` starts it ($WORKERS, 1 unless set). First the class alone:
30 clients each stepping twice a second, for the idle latency. Then the same class while
40 clients each keep a Run of 100,000 iterations in flight (one in four a crafted state with
saturated sigmoids), 500 sockets send their headers a byte a second and reconnect when closed,
and one client sends a 100 MB header. Prints the steps' p50/p99 under that load next to the
idle figures of the same run, the errors, what happened to the runs, how soon the slow sockets
and the 100 MB header were cut off, and the server's memory. The slow sockets come from other
addresses (127.0.0.2-6: other devices) than the class's.

Then a class under attack, on a server of its own: 300 students (each from an address of its
own, 127.0.1.x) follow a teacher stepping ten times a second while other devices attack it:
pings as fast as they can on WebSockets they never read (127.0.0.2), 1,000 idle connections
and WebSockets without a hello held open and reopened when closed (127.0.0.2), idle
connections reopened a hundred times a second (127.0.0.3), and students who join and never
read (127.0.0.4). Prints a Step's time to the last of the 300 (target p99 <= 100 ms), what
became of each attack, and the server's memory.
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

from benchmarks import classroom
from benchmarks.http import server
from tests.helpers import serving

STEPPERS, STEP_INTERVAL = 30, 0.5
RUNNERS, RUN_EPOCHS, CRAFTED_EVERY = 40, 100_000, 4
SLOW_SOCKETS, SLOW_BYTE_INTERVAL = 500, 1.0
IDLE_SECONDS, LOADED_SECONDS = 8.0, 25.0
HUGE_HEADER_MB = 100
TARGET_P99_MS, TARGET_CLOSE_SECONDS, TARGET_HUGE_SECONDS = 100.0, 15.0, 1.0
CRAFTED = {"inputs": {"i1": 1e6}, "weights": {"w1": -1e6}}
# Other devices than the class's (127.0.0.1): the slow sockets from five, a hundred each
# (within an address's share of the server's connections); the hostile one of the attacks.
SLOW_ADDRESSES = [f"127.0.0.{number}" for number in range(2, 7)]
PRESSURE_ADDRESS = "127.0.0.2"
# The class under attack
HOSTILE, STORM_PER_SECOND, FLOODERS, STALLED = 1000, 100, 4, 20
ATTACK_WARM_UP = 8.0  # the attacks in full swing before the Steps are timed


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


async def slow_socket(port: int, index: int, end: float, results: dict[str, Any]) -> None:
    """Send a request head a byte a second; when the server closes it, start again."""
    while time.monotonic() < end:
        address = (SLOW_ADDRESSES[index % len(SLOW_ADDRESSES)], 0)
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=address)
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
        *(slow_socket(port, index, end, results) for index in range(slow_sockets)),
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


# --- A class under attack, from a process of its own ------------------------------------


async def open_from(port: int, address: str, receive_buffer: int = 0) -> tuple[Any, Any]:
    """A TCP connection from `address`; a small receive buffer and stream limit if asked (a
    device that reads nothing)."""
    sock = socket.socket()
    sock.setblocking(False)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind((address, 0))
    try:
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return await asyncio.open_connection(sock=sock, limit=receive_buffer or 65536)


async def upgrade_from(port: int, address: str, path: str, receive_buffer: int = 0
                       ) -> tuple[Any, Any]:  # fmt: skip
    """A WebSocket from `address`, its handshake answered; refused: ConnectionRefusedError."""
    reader, writer = await open_from(port, address, receive_buffer)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n".encode())  # fmt: skip
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        head = b""
    if not head.startswith(b"HTTP/1.1 101 "):
        writer.close()
        raise ConnectionRefusedError(head[9:12].decode() or "closed")
    return reader, writer


def client_frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


async def ping_flood(port: int, end: float, results: dict[str, Any]) -> None:
    """Pings (125 bytes) as fast as the server takes them, never reading; again when dropped."""
    flood = client_frame(0x9, b"p" * 125) * 100
    while time.monotonic() < end:
        try:
            _, writer = await upgrade_from(port, PRESSURE_ADDRESS, "/ws/classes/x", 4096)
        except OSError:
            results["refused"] += 1
            await asyncio.sleep(0.1)
            continue
        try:
            while time.monotonic() < end:
                writer.write(flood)
                await asyncio.wait_for(writer.drain(), max(0.01, end - time.monotonic()))
                results["pings"] += 100
        except (OSError, TimeoutError):
            results["flooders_dropped"] += 1
        writer.close()


async def hold_idle(port: int, code: str, index: int, end: float, results: dict[str, Any]
                    ) -> None:  # fmt: skip
    """Keep a connection open doing nothing (raw TCP, or a WebSocket that never says hello);
    when the server closes it, open another a second later."""
    await asyncio.sleep(index / HOSTILE)  # all of them within a second
    while time.monotonic() < end:
        try:
            if index % 2:
                reader, writer = await open_from(port, PRESSURE_ADDRESS)
            else:
                reader, writer = await upgrade_from(port, PRESSURE_ADDRESS, f"/ws/classes/{code}")
        except OSError:
            results["refused"] += 1
        else:
            results["held"] += 1
            try:
                await asyncio.wait_for(reader.read(), max(0.01, end - time.monotonic()))
                results["idle_closed"] += 1
            except (OSError, TimeoutError):
                pass
            writer.close()
        await asyncio.sleep(1)


async def storm(port: int, end: float, results: dict[str, Any]) -> None:
    """Idle connections opened STORM_PER_SECOND times a second from one address."""

    async def one() -> None:
        try:
            reader, writer = await open_from(port, "127.0.0.3")
        except OSError:
            results["storm_failed"] += 1
            return
        answer = b""
        try:
            answer = await asyncio.wait_for(reader.read(100), max(0.01, end - time.monotonic()))
        except (OSError, TimeoutError):
            pass
        results["storm_answers"].add(answer[9:12].decode() or "open or closed")
        writer.close()

    tasks = []
    while time.monotonic() < end:
        tasks.append(asyncio.ensure_future(one()))
        results["storm_opened"] += 1
        await asyncio.sleep(1 / STORM_PER_SECOND)
    await asyncio.gather(*tasks)


async def stalled_student(port: int, code: str, end: float, results: dict[str, Any]) -> None:
    """A student who says hello and then reads nothing: dropped, it finds out at the end."""
    try:
        reader, writer = await upgrade_from(port, "127.0.0.4", f"/ws/classes/{code}", 4096)
    except OSError:
        results["stalled_refused"] += 1
        return
    writer.write(client_frame(0x1, b'{"type":"hello","role":"student"}'))
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    try:
        while await asyncio.wait_for(reader.read(1 << 20), 2):
            pass
        results["stalled_closed"] += 1
    except ConnectionResetError:
        results["stalled_dropped"] += 1
    except TimeoutError:
        results["stalled_open"] += 1
    writer.close()


async def attacks(port: int, code: str, seconds: float) -> dict[str, Any]:
    results: dict[str, Any] = {
        "pings": 0, "flooders_dropped": 0, "refused": 0, "held": 0, "idle_closed": 0,
        "storm_opened": 0, "storm_failed": 0, "storm_answers": set(), "stalled_refused": 0,
        "stalled_dropped": 0, "stalled_closed": 0, "stalled_open": 0,
    }  # fmt: skip
    end = time.monotonic() + seconds
    await asyncio.gather(
        *(ping_flood(port, end, results) for _ in range(FLOODERS)),
        *(hold_idle(port, code, index, end, results) for index in range(HOSTILE)),
        storm(port, end, results),
        *(stalled_student(port, code, end, results) for _ in range(STALLED)),
    )
    return results


def attack_process(queue: "Queue[Any]", port: int, code: str, seconds: float) -> None:
    queue.put(asyncio.run(attacks(port, code, seconds)))


def class_under_attack() -> None:
    """300 students follow a teacher's Steps while the attacks run; print the fan-out's p50/p99
    and what became of the attacks."""
    queue: Queue[Any] = multiprocessing.get_context("spawn").Queue()
    processes = []
    seconds = ATTACK_WARM_UP + (classroom.WARM_UP + classroom.STEPS) * classroom.INTERVAL + 10

    with serving() as app:
        quiet = asyncio.run(classroom.fan_out(app, [app]))  # the same class, not attacked
        before = memory_mb(app.process.pid)

        async def attack(code: str) -> None:
            process = multiprocessing.get_context("spawn").Process(
                target=attack_process, args=(queue, app.port, code, seconds)
            )
            process.start()
            processes.append(process)
            await asyncio.sleep(ATTACK_WARM_UP)

        measured = asyncio.run(classroom.fan_out(app, [app], seated=attack))
        during = memory_mb(app.process.pid)
        attacked = queue.get(timeout=seconds + 120)
        for process in processes:
            process.join(30)
        after = memory_mb(app.process.pid)
    print(
        f"A class under attack: {classroom.STUDENTS} students (an address each) follow "
        f"{classroom.STEPS} Steps at ten a second while {FLOODERS} WebSockets send pings and "
        f"never read, {HOSTILE} idle connections and WebSockets without a hello are held and "
        f"reopened from one address, another reopens idle connections {STORM_PER_SECOND} "
        f"times a second, and {STALLED} students never read"
    )
    classroom.report("not attacked (the same run)", quiet)
    classroom.report("under attack", measured)
    print(
        f"  ping floods: {attacked['pings']:,} pings sent, the flooders dropped "
        f"{attacked['flooders_dropped']} times; idle: {attacked['held']} held then closed by the "
        f"server {attacked['idle_closed']} times, {attacked['refused']} refused (429/503); "
        f"storm: {attacked['storm_opened']} opened (answers: "
        f"{', '.join(sorted(attacked['storm_answers']))}); students who never read: "
        f"{attacked['stalled_dropped']} dropped (reset), {attacked['stalled_closed']} closed "
        f"(their keep-alive pings unanswered), {attacked['stalled_open']} still open, "
        f"{attacked['stalled_refused']} refused"
    )
    print(f"  server memory: {before:.1f} MB before, {during:.1f} MB under attack, "
          f"{after:.1f} MB after")  # fmt: skip


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
    class_under_attack()


if __name__ == "__main__":
    main()
