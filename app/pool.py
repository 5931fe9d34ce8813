"""Long computations in worker processes, so that a step never waits behind a run.

A run of 100,000 iterations is a fraction of a second of pure Python: on the event loop it would
hold up every other request, and in a thread it would hold the interpreter lock. So long runs go
to a few worker processes (one per core for each server worker, by default), which run at a
lower CPU priority than the server and return their answer as finished JSON bytes. The queue in
front of them is bounded: when it is full the request gets 503 with Retry-After. A run whose
client has gone away is dropped from the queue, or its worker replaced if it had started.
"""

import asyncio
import importlib
import multiprocessing
import os
import pickle
import struct
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

# Worker processes yield the CPU to the server's event loop, which answers the steps.
NICENESS = 10
QUEUED_PER_PROCESS = 32
RETRY_AFTER_SECONDS = 2


class PoolFullError(Exception):
    """Every worker is busy and the queue is full: the client should retry later."""


class ClientGoneError(Exception):
    """The client went away before its run finished; the run was dropped."""


def default_processes() -> int:
    """Return $TRAINING_PROCESSES, or the cores available shared among $WORKERS servers."""
    if configured := os.environ.get("TRAINING_PROCESSES"):
        return max(1, int(configured))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // max(1, int(os.environ.get("WORKERS", "1"))))


def _serve(connection: Connection, preload: tuple[str, ...]) -> None:
    """Run each (function, argument) received and send back (True, bytes) or (False, error)."""
    with suppress(OSError):
        os.nice(NICENESS)
    for module in preload:
        importlib.import_module(module)
    while True:
        try:
            function, argument = connection.recv()
        except (EOFError, OSError):
            return  # the server has gone
        try:
            result: tuple[bool, Any] = (True, function(argument))
        except Exception as error:  # noqa: BLE001 - handed back to the server to raise
            result = (False, error)
        connection.send_bytes(pickle.dumps(result))


class _Worker:
    def __init__(self, preload: tuple[str, ...]) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, preload), name="backprop-lab-run", daemon=True
        )
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class Pool:
    """A bounded queue in front of ``processes`` worker processes."""

    def __init__(
        self,
        processes: int | None = None,
        queued: int | None = None,
        preload: Iterable[str] = (),
    ) -> None:
        self.processes = processes or default_processes()
        self.queued = QUEUED_PER_PROCESS * self.processes if queued is None else queued
        self.preload = tuple(preload)
        self._idle: list[_Worker] = []
        self._running = 0  # workers started and not stopped: idle or busy
        self._waiting: deque[asyncio.Future[_Worker]] = deque()
        self._pending = 0  # runs admitted: waiting or running

    def start(self) -> None:
        """Start every worker now, so that the first runs do not wait for their imports."""
        while self._running < self.processes:
            self._idle.append(_Worker(self.preload))
            self._running += 1

    @asynccontextmanager
    async def running(self, _: object) -> AsyncIterator[None]:
        """Run the workers for the application's lifetime (its lifespan)."""
        self.start()
        try:
            yield
        finally:
            self.stop()

    def stop(self) -> None:
        for worker in self._idle:
            worker.stop()
        self._running -= len(self._idle)
        self._idle.clear()

    async def run(
        self,
        function: Callable[[Any], bytes],
        argument: Any,
        gone: Callable[[], Awaitable[Any]],
    ) -> bytes:
        """Return ``function(argument)`` computed in a worker process.

        Raise ``PoolFullError`` at once if the queue is full, and ``ClientGoneError`` as soon as
        ``gone()`` returns (the client disconnected), stopping the run.
        """
        if self._pending >= self.processes + self.queued:
            raise PoolFullError
        self._pending += 1
        watcher = asyncio.ensure_future(gone())
        try:
            worker = await self._first(self._acquire(), watcher)
            try:
                succeeded, value = await self._first(
                    self._result(worker, function, argument), watcher
                )
            except BaseException:
                self._replace(worker)  # it may be in the middle of the run: stop it
                raise
            self._release(worker)
            if not succeeded:
                raise value
            return value
        finally:
            self._pending -= 1
            watcher.cancel()

    @staticmethod
    async def _first(work: Awaitable[Any], watcher: "asyncio.Future[Any]") -> Any:
        """Return what ``work`` gives, unless the client goes first."""
        task = asyncio.ensure_future(work)
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        raise ClientGoneError

    async def _acquire(self) -> _Worker:
        if self._idle:
            return self._idle.pop()
        if self._running < self.processes:
            self._running += 1
            return _Worker(self.preload)
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed over just as we gave up: pass it on
            raise

    def _release(self, worker: _Worker) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        self._running -= 1
        if self._waiting:
            self._running += 1
            self._release(_Worker(self.preload))

    @staticmethod
    async def _result(
        worker: _Worker, function: Callable[[Any], bytes], argument: Any
    ) -> tuple[bool, Any]:
        connection = worker.connection
        os.set_blocking(connection.fileno(), True)  # the event loop left it non-blocking
        connection.send((function, argument))
        return pickle.loads(await _read_message(connection.fileno()))

    async def respond(
        self, http: Request, function: Callable[[Any], bytes], argument: Any
    ) -> Response:
        """Answer with the JSON ``function(argument)`` returns, or 503 when the queue is full."""
        try:
            body = await self.run(function, argument, lambda: _disconnected(http))
        except PoolFullError:
            return JSONResponse(
                status_code=503,
                content={"detail": "every worker is busy with long runs; retry in a moment"},
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        except ClientGoneError:
            return Response(status_code=499)  # nobody is left to read it
        return Response(body, media_type="application/json")


async def _read_message(descriptor: int) -> bytes:
    """Read one ``Connection.send_bytes`` message (a 4-byte length, then the bytes) from a
    descriptor without blocking the event loop, however slowly the worker writes it."""
    loop = asyncio.get_running_loop()
    received = bytearray()
    complete: asyncio.Future[None] = loop.create_future()

    def on_readable() -> None:
        if complete.done():
            return
        try:
            chunk = os.read(descriptor, 1 << 20)
        except BlockingIOError:
            return
        except OSError as error:
            complete.set_exception(error)
            return
        if not chunk:
            complete.set_exception(EOFError("the worker process ended"))
            return
        received.extend(chunk)
        if len(received) >= 4 and len(received) >= 4 + _length(received):
            complete.set_result(None)

    loop.add_reader(descriptor, on_readable)
    try:
        await complete
    finally:
        loop.remove_reader(descriptor)
    return bytes(received[4 : 4 + _length(received)])


def _length(header: bytearray) -> int:
    (length,) = struct.unpack("!i", header[:4])
    if length < 0:
        raise ValueError("an answer over 2 GiB")  # send_bytes switches format; never this big
    return length


async def _disconnected(http: Request) -> None:
    """Return when the client disconnects (the body has been read by then)."""
    while (await http.receive())["type"] != "http.disconnect":
        pass
