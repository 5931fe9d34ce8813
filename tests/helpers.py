"""The one way the tests and benchmarks start a real server: ``python -m app`` on a free port."""

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30


def run_alone(scenario: Any) -> Any:
    """Run a coroutine on an event loop of its own thread: the browser tests' Playwright keeps
    a loop running on the main thread for the whole session."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario).result()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningApp:
    process: subprocess.Popen[bytes]
    origin: str
    port: int

    def stop(self) -> None:
        """Ask the server to stop, and kill it if it has not within 10 s."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_until_serving(process: subprocess.Popen[bytes], origin: str, probe: str = "/") -> None:
    """Return once ``origin + probe`` answers 200; raise if the process exits or 30 s pass."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(origin + probe, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"the server did not answer within {START_SECONDS} s")


def start_app(
    port: int | None = None,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    output: IO[bytes] | IO[str] | None = None,
    command: Sequence[str] = (sys.executable, "-m", "app"),
    cwd: Path = ROOT,
) -> RunningApp:
    """Start ``python -m app`` (or ``command`` in ``cwd``) with $HOST, $PORT and $WORKERS (plus
    ``env``) and wait for it."""
    port = port or free_port()
    environment = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(workers),
        **(env or {}),
    }
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=environment,
        stdout=output if output is not None else subprocess.DEVNULL,
        stderr=output if output is not None else None,
    )
    origin = f"http://127.0.0.1:{port}"
    wait_until_serving(process, origin)
    return RunningApp(process, origin, port)


@contextmanager
def serving(*args: Any, **kwargs: Any) -> Iterator[RunningApp]:
    """Run the app for the length of a ``with`` block (arguments as for ``start_app``)."""
    app = start_app(*args, **kwargs)
    try:
        yield app
    finally:
        app.stop()


@contextmanager
def redis_server() -> Iterator[str]:
    """Run Debian's redis-server on a free port, keeping nothing on disk; yield its URL."""
    import shutil
    import tempfile

    if shutil.which("redis-server") is None:
        import pytest

        pytest.skip("redis-server is not installed (make redis installs it)")
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", directory],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                        sock.sendall(b"PING\r\n")
                        if sock.recv(64).startswith(b"+PONG"):
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


def class_page(iteration: int = 0, index: int = 0, **state: Any) -> dict[str, Any]:
    """A teacher's page as its serializer writes it for a class: a network at `iteration` (the
    worked example, or `state`'s changes to it) and the walk of its next Step at sub-step
    `index`, every number as the API answers it."""
    from app import network
    from app.schemas import State

    sent = State.model_validate({**state, "iteration": iteration}).model_dump()
    reached, trace = network.step(network.State.of(sent))
    trace["terms"] = network.products(network.State.of(sent), trace["forward"])
    forward = network.forward(reached)
    after = {**sent, "weights": dict(reached.weights), "biases": dict(reached.biases),
             "iteration": iteration + 1}  # fmt: skip
    result = {"state": after, "trace": trace, "forward": forward, "loss": forward["E_total"],
              "diverged": None}  # fmt: skip
    return {
        "version": 3,
        "purpose": "message",
        "network": {"initial": {**sent, "iteration": 0}, "state": sent, "forward": trace["forward"],
                    "loss": trace["forward"]["E_total"], "last": None},
        "walk": {"sent": sent, "result": result, "index": index, "answers": {}},
        "settings": {"open": ["w5", "w1"], "tab": "graph", "digits": 0, "row": 0},
    }  # fmt: skip


def preset_class_page(state: dict[str, Any], training: str) -> dict[str, Any]:
    """A teacher's page on the network `state` (a preset's, any shape, with rows of data) after
    one Step with `training`, walking the next, as the page's serializer writes it: every
    number as the API answered it."""
    from fastapi.testclient import TestClient

    from app.main import app

    client = TestClient(app)
    sent = {**state, "options": {**state["options"], "training": training}}
    started = client.post("/api/reset", json={"state": sent}).json()
    stepped = client.post("/api/step", json={"state": started["state"]}).json()
    walked = client.post("/api/step", json={"state": stepped["state"]}).json()
    result = {key: walked[key] for key in ("state", "trace", "forward", "loss", "diverged")}
    return {
        "version": 3, "purpose": "message",
        "network": {"initial": started["state"], "state": stepped["state"],
                    "forward": stepped["forward"], "loss": stepped["loss"],
                    "last": {"sent": started["state"], "trace": stepped["trace"],
                             "diverged": None}},
        "walk": {"sent": stepped["state"], "result": result, "index": 4, "answers": {}},
        "settings": {"open": ["w1"], "tab": "graph", "digits": 3, "row": 3},
    }  # fmt: skip
