"""Serving: `python -m app` on $HOST/$PORT, and several workers answer exactly as one."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(workers: int, log: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": str(workers)}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "app"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(f"{url}/api/reset", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def session(url: str) -> list[str]:
    """Return the raw answers to a fixed sequence of requests, each state fed to the next."""
    answers = []
    with httpx.Client(base_url=url, timeout=30) as http:
        state = http.post("/api/reset", json={"state": {"options": {"activation": "tanh"}}}).json()[
            "state"
        ]
        for _ in range(12):
            answer = http.post("/api/step", json={"state": state})
            answers.append(answer.text)
            state = answer.json()["state"]
        answer = http.post("/api/epoch", json={"state": state, "epochs": 2000})
        answers.append(answer.text)
        answers.append(http.post("/api/step", json={"state": {"weights": {"w1": 1e7}}}).text)
    return answers


def test_the_server_prints_its_url_and_several_workers_answer_as_one(tmp_path):
    with serving(workers=1, log=tmp_path / "one.log") as url:
        one = session(url)
    assert f"Backprop Lab: {url}/" in (tmp_path / "one.log").read_text()
    with serving(workers=4, log=tmp_path / "four.log") as url:
        four = session(url)
    assert len(one) == 14
    assert one == four
    assert '"field":"state.weights.w1"' in one[-1]
