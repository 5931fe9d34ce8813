"""The server's own limits, attacked over raw sockets on 127.0.0.1 (bounded in time and count)."""

import base64
import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as connect_websocket

from app.protocol import (
    CONNECTS_BURST,
    MAX_CONNECTIONS,
    MAX_CONNECTIONS_PER_ADDRESS,
    MAX_HEAD_BYTES,
    MAX_HEADERS,
    RECEIVE_SECONDS,
    AddressBook,
)
from tests.helpers import class_page, serving

# A bound on every wait, far above what the server should need: a hang fails instead of blocking.
PATIENCE = RECEIVE_SECONDS + 10


@pytest.fixture(scope="module")
def server():
    # every connection comes from 127.0.0.1 here: its share of the worker is the whole worker
    with serving(env={"MAX_CONNECTIONS": "40", "MAX_CONNECTIONS_PER_ADDRESS": "40"}) as app:
        yield app


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    return sock


def answer(sock: socket.socket) -> bytes:
    """Read until the server closes the connection (or PATIENCE passes), tolerating a reset."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()


def status_of(response: bytes) -> int | None:
    return int(response.split()[1]) if response.startswith(b"HTTP/1.1 ") else None


def test_a_100_mb_header_is_refused_without_reading_it(server):
    with connect(server.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        sent = 0
        chunk = b"a" * (1 << 20)
        try:
            for _ in range(100):
                sock.sendall(chunk)
                sent += 1
        except OSError:
            pass  # refused and closed while still sending: what we want
        response = answer(sock)
    assert sent < 100
    assert status_of(response) in (431, None)
    if response:
        assert b"connection: close" in response and b'"detail":"headers: ' in response


def test_too_many_header_fields_get_431(server):
    fields = b"".join(b"X-Field-%d: 1\r\n" % n for n in range(MAX_HEADERS + 1))
    with connect(server.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields + b"\r\n")
        response = answer(sock)
    assert status_of(response) == 431
    assert f"more than {MAX_HEADERS} header fields".encode() in response


def test_a_head_just_within_the_limit_and_a_body_in_the_same_packet_are_served(server):
    filler = b"X-Filler: " + b"a" * (MAX_HEAD_BYTES - 200) + b"\r\n"
    body = b"{}" + b" " * 60_000
    request = (
        b"POST /api/step HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\n" + filler
        + b"Content-Length: %d\r\n\r\n" % len(body) + body
    )  # fmt: skip
    with connect(server.port) as sock:
        sock.sendall(request)
        response = answer(sock)
    assert status_of(response) == 200
    assert b'"w5":0.35891647971788465' in response


def test_slow_and_silent_clients_are_closed(server):
    """One client sends its headers a byte at a time, one sends nothing: both are closed."""
    closed_after: dict[str, float] = {}
    answers: dict[str, bytes] = {}

    def slow() -> None:
        start = time.monotonic()
        with connect(server.port) as sock:
            try:
                for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000:
                    sock.send(bytes([byte]))
                    time.sleep(0.25)
            except OSError:
                pass
            answers["slow"] = answer(sock)
        closed_after["slow"] = time.monotonic() - start

    def silent() -> None:
        start = time.monotonic()
        with connect(server.port) as sock:
            answers["silent"] = answer(sock)
        closed_after["silent"] = time.monotonic() - start

    threads = [threading.Thread(target=slow), threading.Thread(target=silent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE + 5)
    assert set(closed_after) == {"slow", "silent"}, "a slow client was never closed"
    for name in ("slow", "silent"):
        assert status_of(answers[name]) in (408, None)


def test_connections_beyond_the_cap_get_503_and_the_others_are_served(server):
    socks = [connect(server.port) for _ in range(45)]
    try:
        refused = 0
        for sock in socks[40:]:
            response = answer(sock)
            refused += status_of(response) == 503 and b"retry-after: 1" in response
        assert refused >= 5 - 1  # the probe of the fixture may still be closing
        first = socks[0]
        first.sendall(get("/openapi.json"))
        assert status_of(answer(first)) == 200
    finally:
        for sock in socks:
            sock.close()


@pytest.mark.parametrize(("setting", "logged"), [(None, False), ("1", True)])
def test_access_log_is_off_unless_asked_for(tmp_path, setting, logged):
    log = tmp_path / "server.log"
    env = {"ACCESS_LOG": setting} if setting else {}
    with log.open("w") as output, serving(env=env, output=output) as app:
        with connect(app.port) as sock:
            sock.sendall(get("/openapi.json"))
            assert status_of(answer(sock)) == 200
    assert ('"GET /openapi.json HTTP/1.1" 200' in log.read_text()) is logged


def test_a_body_that_never_arrives_gets_408(server):
    with connect(server.port) as sock:
        sock.sendall(
            b"POST /api/step HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{\"state\": "
        )
        response = answer(sock)
    assert status_of(response) == 408
    assert b'"detail":"body: the request was not received within' in response


# --- WebSockets: what one client may make the server hold ----------------------------------


def open_socket(port: int, source: str = "127.0.0.1", receive_buffer: int = 0) -> socket.socket:
    """A TCP connection from `source` (any 127.x.y.z is this machine: another address of the
    same network), with a small receive buffer if asked (set before connecting, so it holds)."""
    sock = socket.socket()
    sock.settimeout(PATIENCE)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def upgrade(port: int, source: str = "127.0.0.1", path: str = "/ws/classes/ABCDEFGHJ",
            receive_buffer: int = 0) -> socket.socket:  # fmt: skip
    """Open a WebSocket: send the handshake and read the server's answer to it (only that)."""
    sock = open_socket(port, source, receive_buffer)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        .encode()
    )  # fmt: skip
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            break
        head += byte
    assert head.startswith(b"HTTP/1.1 101 "), head
    return sock


def frame(opcode: int, payload: bytes) -> bytes:
    """One client frame (masked, as a client must), payload under 126 bytes."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


def hello_frame(role: str = "student") -> bytes:
    return frame(0x1, json.dumps({"type": "hello", "role": role}).encode())


def server_frames(data: bytes) -> list[tuple[int, bytes]]:
    """The (opcode, payload) of each whole frame in what the server sent."""
    frames = []
    while len(data) >= 2:
        length, start = data[1] & 0x7F, 2
        if length == 126:
            length, start = int.from_bytes(data[2:4], "big"), 4
        elif length == 127:
            length, start = int.from_bytes(data[2:10], "big"), 10
        if len(data) < start + length:
            break
        frames.append((data[0] & 0x0F, data[start : start + length]))
        data = data[start + length :]
    return frames


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def create_class(origin: str) -> tuple[str, str]:
    request = urllib.request.Request(origin + "/api/classes", method="POST")
    with urllib.request.urlopen(request, timeout=PATIENCE) as response:
        body = json.load(response)
    return body["code"], body["teacher_token"]


@contextmanager
def join(app: Any, code: str, hello: dict[str, Any]) -> Iterator[ClientConnection]:
    """A class's client as a page is: it reads what it is sent."""
    url = f"ws://127.0.0.1:{app.port}/ws/classes/{code}"
    with connect_websocket(url, origin=app.origin, open_timeout=PATIENCE) as client:
        client.send(json.dumps({"type": "hello", **hello}))
        welcome = json.loads(client.recv(PATIENCE))
        assert welcome["type"] == "welcome", welcome
        yield client


def until(client: ClientConnection, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Read until a message passes `check`; return it (at most 10,000 messages)."""
    for _ in range(10_000):
        received = json.loads(client.recv(PATIENCE))
        if check(received):
            return received
    raise AssertionError("no such message in 10,000")


# A teacher's page state as a page sends it (about 4.5 KB), at each sub-step of its walk.
PAGE_STATES = [class_page(1, index) for index in range(20)]
PAGE_STATE = PAGE_STATES[0]


@pytest.mark.slow
def test_a_ping_flood_that_never_reads_leaves_the_servers_memory_bounded():
    """For 20 s a client opens a WebSocket (no hello), sends 125-byte pings as fast as it can
    and never reads, again whenever the server drops it: the server drops it, its memory grows
    by at most 32 MiB, and it serves the while."""
    with serving() as app:
        before = resident_mib(app.process.pid)
        flood = frame(0x9, b"p" * 125) * 100

        def flooder() -> socket.socket:
            sock = upgrade(app.port, receive_buffer=4096)
            sock.settimeout(1)
            return sock

        sent = dropped = 0
        sock = flooder()
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                sock.sendall(flood)
                sent += len(flood)
            except TimeoutError:
                continue  # the server is busy (or reads no more): keep pressing
            except OSError:
                sock.close()
                dropped += 1
                sock = flooder()
        grown = resident_mib(app.process.pid) - before
        sock.close()
        with urllib.request.urlopen(app.origin + "/openapi.json", timeout=PATIENCE) as response:
            assert response.status == 200
    assert sent > 100 * len(flood) and dropped >= 1  # the flood was sent, and cut off
    assert grown <= 32, f"the server grew by {grown:.0f} MiB"


def test_control_frames_count_against_the_rate_and_a_flood_of_them_is_closed_with_1008(server):
    sock = upgrade(server.port)
    try:
        sock.sendall(frame(0x9, b"ping") * 100)
        received = answer(sock)
    finally:
        sock.close()
    frames = server_frames(received)
    pongs = [payload for opcode, payload in frames if opcode == 0xA]
    closes = [payload for opcode, payload in frames if opcode == 0x8]
    assert 1 <= len(pongs) < 100 and all(pong == b"ping" for pong in pongs)
    assert closes and int.from_bytes(closes[0][:2], "big") == 1008
    assert b"control frames" in closes[0]


def test_a_student_that_stops_reading_is_dropped_and_its_seat_freed():
    """A student's device says hello and then reads nothing while the teacher steps: the server
    drops it once what waits for it passes the bound (it does not wait for a close handshake
    the device will never read), and the teacher's count goes back to no students."""
    with serving() as app:
        code, token = create_class(app.origin)
        with join(app, code, {"role": "teacher", "token": token}) as teacher:
            stalled = upgrade(app.port, path=f"/ws/classes/{code}", receive_buffer=4096)
            try:
                stalled.sendall(hello_frame())
                until(teacher, lambda message: message.get("students") == 1)
                counted, states = 1, 0
                while counted != 0 and states < 3000:  # 3,000 states: about 3 MB
                    states += 1
                    state = PAGE_STATES[states % len(PAGE_STATES)]
                    teacher.send(json.dumps({"type": "state", "state": state}))
                    time.sleep(1 / 25)  # within the teacher's 30 messages a second
                    counted = _students_counted(teacher, counted)
                assert counted == 0, f"still seated after {states} states"
                with pytest.raises(ConnectionResetError):  # dropped, not waited for
                    while stalled.recv(1 << 20):
                        pass
            finally:
                stalled.close()


def _students_counted(teacher: ClientConnection, counted: int) -> int:
    """The last student count among the teacher's messages waiting now (else `counted`)."""
    while True:
        try:
            message = json.loads(teacher.recv(0))
        except TimeoutError:
            return counted
        if message["type"] == "count":
            counted = message["students"]


@pytest.mark.slow
def test_a_thousand_sockets_from_one_address_and_a_reopen_storm_leave_a_student_able_to_join():
    """One device (127.0.0.2) tries to seat 1,000 idle students in classes of its own (a
    seated socket never times out); another (127.0.0.3) opens idle connections a hundred times
    a second, for as long as the server takes to close an idle one (10 s). A student on a third
    address still loads the page, joins a class and follows its Step."""
    with serving() as app:
        classes = [_create_class_from(app.port, "127.0.0.2") for _ in range(10)]
        hostile: list[socket.socket] = []
        refused = 0
        for index in range(1000):
            try:
                hostile.append(upgrade(app.port, "127.0.0.2", f"/ws/classes/{classes[index % 10]}"))
                hostile[-1].sendall(hello_frame())
            except (OSError, AssertionError):
                refused += 1  # refused (429) or closed
        storm_stop = threading.Event()
        stormed: list[socket.socket] = []

        def storm() -> None:
            while not storm_stop.wait(0.01) and len(stormed) < 3000:
                try:
                    stormed.append(open_socket(app.port, "127.0.0.3"))
                except OSError:
                    pass

        storming = threading.Thread(target=storm)
        storming.start()
        try:
            deadline = time.monotonic() + 60
            while len(stormed) < 1000 and time.monotonic() < deadline:
                storm_stop.wait(0.05)  # the student comes once the storm has run ~10 s
            with urllib.request.urlopen(app.origin + "/", timeout=PATIENCE) as page:
                assert page.status == 200
            code, token = create_class(app.origin)
            with (
                join(app, code, {"role": "teacher", "token": token}) as teacher,
                join(app, code, {"role": "student"}) as student,
            ):
                teacher.send(json.dumps({"type": "state", "state": PAGE_STATE}))
                received = until(student, lambda message: message["type"] == "state")
                assert received["state"] == PAGE_STATE
        finally:
            storm_stop.set()
            storming.join(PATIENCE)
            for sock in hostile + stormed:
                sock.close()
    assert len(stormed) >= 1000


def _create_class_from(port: int, source: str) -> str:
    with open_socket(port, source) as sock:
        sock.sendall(f"POST /api/classes HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Connection: close\r\nContent-Length: 0\r\n\r\n".encode())  # fmt: skip
        response = answer(sock)
    assert status_of(response) == 201, response
    return json.loads(response.split(b"\r\n\r\n", 1)[1])["code"]


@pytest.mark.parametrize("trusted", [None, "127.0.0.1"])
def test_forwarded_headers_count_only_from_a_configured_proxy(tmp_path, trusted):
    log = tmp_path / "server.log"
    env = {"ACCESS_LOG": "1", **({"FORWARDED_ALLOW_IPS": trusted} if trusted else {})}
    with log.open("w") as output, serving(env=env, output=output) as app:
        request = urllib.request.Request(
            app.origin + "/api/classes", method="POST",
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            join_url = json.load(response)["join_url"]
    logged = log.read_text()
    if trusted:
        assert join_url.startswith("https://") and "203.0.113.7:" in logged
    else:
        assert join_url.startswith("http://127.0.0.1:") and "203.0.113.7" not in logged
        assert '127.0.0.1:' in logged and '"POST /api/classes HTTP/1.1" 201' in logged


@pytest.mark.parametrize("access_log", [None, "1"])
def test_websockets_log_nothing_unless_asked_and_a_socket_closed_before_hello_no_traceback(
    tmp_path, access_log
):
    log = tmp_path / "server.log"
    env = {"ACCESS_LOG": access_log} if access_log else {}
    with log.open("w") as output, serving(env=env, output=output) as app:
        started = log.read_text()
        code, token = create_class(app.origin)
        for _ in range(3):
            upgrade(app.port, path=f"/ws/classes/{code}").close()  # gone before its hello
        with join(app, code, {"role": "teacher", "token": token}) as teacher:
            teacher.send(json.dumps({"type": "ping"}))
            until(teacher, lambda message: message["type"] == "pong")
    logged = log.read_text()[len(started) :]
    assert "Traceback" not in logged and "ERROR" not in logged
    websocket_lines = [line for line in logged.splitlines() if "WebSocket" in line
                       or "connection open" in line or "connection closed" in line]  # fmt: skip
    if access_log:
        assert any("[accepted]" in line for line in websocket_lines)
    else:
        assert websocket_lines == []


class _Transport:
    """What AddressBook reads of a connection: its peer's address."""

    def __init__(self, address: str) -> None:
        self.address = address

    def get_extra_info(self, name: str) -> Any:
        return (self.address, 40000) if name == "peername" else None


def test_an_address_holds_half_a_quiet_worker_a_quarter_of_a_busy_one_and_opens_at_a_rate():
    book = AddressBook(clock=lambda: 1000.0)  # no time passes: the rate adds nothing
    quiet = [_Transport("10.0.0.2") for _ in range(MAX_CONNECTIONS)]
    admitted = [sock for sock in quiet if book.admit(sock, total=10) is None]
    assert len(admitted) == min(MAX_CONNECTIONS // 2, CONNECTS_BURST)
    busy = [_Transport("10.0.0.3") for _ in range(MAX_CONNECTIONS)]
    refusals = [book.admit(sock, total=MAX_CONNECTIONS // 2 + 1) for sock in busy]
    assert refusals.count(None) == MAX_CONNECTIONS_PER_ADDRESS
    assert "connections are open from your address" in str(refusals[-1])
    for sock in admitted:
        book.release(sock)
    assert "10.0.0.2" not in book.counts
    # all closed again, but it opened CONNECTS_BURST just now: the next waits for the rate
    assert "too many new connections" in str(book.admit(_Transport("10.0.0.2"), total=10))


def test_a_trusted_proxys_connections_are_not_counted_per_address(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "192.0.2.0/24, 2001:db8::1")
    book = AddressBook()
    for address in ["192.0.2.9", "2001:db8::1"]:
        assert all(book.admit(_Transport(address), total=10) is None for _ in range(2000))
    assert book.counts == {}
    assert book.admit(_Transport("192.0.3.9"), total=10) is None
    assert book.counts == {"192.0.3.9": 1}


def test_an_ipv6_device_is_one_address_for_its_whole_64():
    book = AddressBook(clock=lambda: 1000.0)
    for host in range(MAX_CONNECTIONS_PER_ADDRESS):
        assert book.admit(_Transport(f"2001:db8:0:1::{host + 1:x}"), total=MAX_CONNECTIONS) is None
    assert book.admit(_Transport("2001:db8:0:1::ffff"), total=MAX_CONNECTIONS) is not None
    assert book.admit(_Transport("2001:db8:0:2::1"), total=MAX_CONNECTIONS) is None
