"""The server's own limits, attacked over raw sockets on 127.0.0.1 (bounded in time and count)."""

import socket
import threading
import time

import pytest

from app.protocol import MAX_HEAD_BYTES, MAX_HEADERS, RECEIVE_SECONDS
from tests.helpers import serving

# A bound on every wait, far above what the server should need: a hang fails instead of blocking.
PATIENCE = RECEIVE_SECONDS + 10


@pytest.fixture(scope="module")
def server():
    with serving(env={"MAX_CONNECTIONS": "40"}) as app:
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
