"""Long runs in worker processes: bounded, cancelled when their client goes, never in the way."""

import asyncio
import os
import threading
import time

import httpx2 as httpx
import pytest

from app.pool import ClientGoneError, Pool, PoolFullError
from tests.helpers import run_alone, serving


def nap(seconds: float) -> bytes:
    time.sleep(seconds)
    return f"slept {seconds} in {os.getpid()}".encode()


def fail(message: str) -> bytes:
    raise ValueError(message)


def never_gone():
    return asyncio.Event().wait()



@pytest.fixture
def pool():
    runs = Pool(processes=1, queued=1)
    runs.start()
    yield runs
    runs.stop()


def test_a_full_queue_is_refused_at_once_and_the_others_finish(pool):
    async def scenario():
        first = asyncio.create_task(pool.run(nap, 0.5, never_gone))
        second = asyncio.create_task(pool.run(nap, 0.1, never_gone))
        await asyncio.sleep(0)
        with pytest.raises(PoolFullError):
            await pool.run(nap, 0.1, never_gone)
        return await first, await second

    first, second = run_alone(scenario())
    assert first.startswith(b"slept 0.5") and second.startswith(b"slept 0.1")
    assert first.split()[-1] == second.split()[-1]  # one worker, reused


def test_a_run_whose_client_goes_is_stopped_and_its_worker_replaced(pool):
    async def scenario():
        async def gone_soon():
            await asyncio.sleep(0.2)

        with pytest.raises(ClientGoneError):
            await pool.run(nap, 30, gone_soon)
        return await pool.run(nap, 0, never_gone)

    started = time.monotonic()
    answer = run_alone(scenario())
    assert time.monotonic() - started < 25  # the 30 s run did not hold the only worker
    assert answer.startswith(b"slept 0 in")


def test_a_waiting_run_whose_client_goes_leaves_the_queue(pool):
    async def scenario():
        async def gone_now():
            return None

        running = asyncio.create_task(pool.run(nap, 0.3, never_gone))
        await asyncio.sleep(0)
        with pytest.raises(ClientGoneError):
            await pool.run(nap, 0, gone_now)
        return await running, await pool.run(nap, 0, never_gone)

    first, after = run_alone(scenario())
    assert first.split()[-1] == after.split()[-1]  # the running one was left alone


def test_an_error_in_a_run_is_raised_and_the_worker_kept(pool):
    async def scenario():
        with pytest.raises(ValueError, match="no such run"):
            await pool.run(fail, "no such run", never_gone)
        return await pool.run(nap, 0, never_gone)

    assert run_alone(scenario()).startswith(b"slept 0")


def test_steps_are_answered_while_long_runs_fill_the_workers():
    crafted = {"state": {"inputs": {"i1": 1e6}, "weights": {"w1": -1e6}}, "epochs": 100_000}
    finished: list[str] = []
    with serving(env={"TRAINING_PROCESSES": "1"}) as app:

        def run() -> None:
            with httpx.Client(base_url=app.origin, timeout=120) as http:
                assert http.post("/api/epoch", json=crafted).status_code == 200
            finished.append("run")

        runs = [threading.Thread(target=run) for _ in range(6)]
        for thread in runs:
            thread.start()
        time.sleep(0.5)  # let the runs reach the worker
        with httpx.Client(base_url=app.origin, timeout=120) as http:
            for _ in range(20):
                assert http.post("/api/step").status_code == 200
        finished.append("steps")
        for thread in runs:
            thread.join(120)
    assert finished.count("run") == 6
    assert finished[-1] == "run"  # the steps did not wait for every run to finish


@pytest.mark.parametrize(
    ("path", "request_model", "body"),
    [
        ("/api/epoch", "EpochRequest", {"epochs": 5000, "path": 7}),
        ("/api/landscape", "LandscapeRequest", {"resolution": 151, "x": "b2", "y": "w8"}),
        ("/api/outputs", "OutputsRequest", {"resolution": 151, "output": "o2"}),
    ],
)
def test_an_answer_from_a_worker_process_is_the_one_computed_in_place(
    client, path, request_model, body
):
    from app import api, schemas

    request = getattr(schemas, request_model).model_validate(body)
    endpoints = {"/api/epoch": api.epoch, "/api/landscape": api.landscape,
                 "/api/outputs": api.outputs}  # fmt: skip
    in_place = endpoints[path](request)
    answer = client.post(path, json=body)
    assert answer.status_code == 200
    assert answer.content == bytes(in_place.body)
