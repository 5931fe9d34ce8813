"""Serving: `python -m app` on $HOST/$PORT, and several workers answer exactly as one."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from tests.helpers import redis_server, serving

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serving_logged(workers: int, log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    with log.open("w") as output, serving(workers=workers, env=env, output=output) as app:
        yield app.origin


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
    with serving_logged(1, tmp_path / "one.log") as url:
        one = session(url)
    assert f"Backprop Lab: {url}/" in (tmp_path / "one.log").read_text()
    # several workers share live classes through Redis, and refuse to start without it
    with redis_server() as redis_url, serving_logged(
        4, tmp_path / "four.log", {"REDIS_URL": redis_url}
    ) as url:
        four = session(url)
    assert len(one) == 14
    assert one == four
    assert '"field":"state.weights.w1"' in one[-1]
