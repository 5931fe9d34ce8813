"""The limits a public server needs, where uvicorn has none: checked as the bytes arrive.

uvicorn's httptools protocol (the fast one) reads a request head of any size and any number of
header fields, and waits forever for a client that sends its request one byte at a time or
nothing at all. This protocol keeps httptools and adds:

- the request line and headers together at most ``MAX_HEAD_BYTES``, at most ``MAX_HEADERS``
  fields: otherwise 431 and the connection closed, before the parser sees the excess;
- a whole request (head and body) received within ``RECEIVE_SECONDS`` of its first byte, and a
  new connection's first request within as long: otherwise 408 and closed;
- at most ``MAX_CONNECTIONS`` open connections per worker ($MAX_CONNECTIONS, 1000 unless set):
  one more gets 503 and is closed;
- per client address, so that one or two devices cannot take them all: at most half of
  ``MAX_CONNECTIONS`` while the worker is less than half full, and once it is, at most
  ``MAX_CONNECTIONS_PER_ADDRESS`` (a quarter unless set); new connections at most
  ``CONNECTS_BURST`` at once then ``CONNECTS_PER_SECOND``. One more gets 429 and is closed.
  A trusted proxy's connections (``FORWARDED_ALLOW_IPS``) carry many clients and are not
  counted per address.

Idle keep-alive connections are closed by uvicorn itself after ``KEEP_ALIVE_SECONDS``.

WebSockets (``LimitedWebSocketProtocol``, uvicorn's websockets sans-I/O protocol) add:

- bytes waiting to be sent held to ``WRITE_LIMIT`` in the server's memory and ``SEND_BUFFER``
  in the kernel's: a peer that stops reading past that is dropped at once (aborted, since a
  close handshake would wait behind the bytes it is not reading), never waited for;
- control frames (ping, pong, close) counted per connection like a student's messages: over
  the rate the connection is closed with 1008. uvicorn answers every ping with a pong itself,
  so a client that pings and never reads would otherwise pile pongs up without bound;
- a close handshake, and any close of a connection with bytes still unsent, given up after
  ``CLOSE_SECONDS``: the connection is aborted;
- its INFO lines (accepted, opened, closed) only with the access log (ACCESS_LOG=1).
"""

import asyncio
import ipaddress
import json
import logging
import os
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState

from app.classes.limits import AddressBuckets, ClassLimits, TokenBucket, address_key

MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 100
RECEIVE_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "1000"))
MAX_CONNECTIONS_PER_ADDRESS = int(
    os.environ.get("MAX_CONNECTIONS_PER_ADDRESS", "") or max(1, MAX_CONNECTIONS // 4)
)
# A classroom behind one router opens a few connections a device at once; a device that
# reopens idle sockets a hundred times a second is throttled.
CONNECTS_BURST = 500
CONNECTS_PER_SECOND = 50.0
END_OF_HEAD = b"\r\n\r\n"

# Per WebSocket: what may wait to be sent, in this process and in the kernel (Linux doubles
# SO_SNDBUF); hundreds of a class's messages (about 1 KiB each) fit.
WRITE_LIMIT = 256 * 1024
SEND_BUFFER = 64 * 1024
CLOSE_SECONDS = 5.0
CONTROL_BURST = ClassLimits.student_burst
CONTROL_PER_SECOND = ClassLimits.student_per_second


def trusted_proxies() -> list[Any]:
    """FORWARDED_ALLOW_IPS as networks ("*": any address); empty unless set."""
    networks: list[Any] = []
    for entry in os.environ.get("FORWARDED_ALLOW_IPS", "").split(","):
        entry = entry.strip()
        if entry == "*":
            return ["*"]
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # uvicorn also takes literal names (a Unix socket's); none is an address
    return networks


def _is_trusted(address: str, networks: list[Any]) -> bool:
    if networks == ["*"]:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks if network.version == ip.version)


class AddressBook:
    """One worker's open connections by client address, and the rate each address opens them.
    A WebSocket keeps the count its HTTP connection took (the same transport)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.counts: dict[str, int] = {}
        self.owners: dict[Any, str] = {}
        self.connects = AddressBuckets(CONNECTS_BURST, CONNECTS_PER_SECOND, clock)
        self.trusted = trusted_proxies()

    def admit(self, transport: Any, total: int) -> str | None:
        """Count a new connection; return why it is refused, or None."""
        peer = transport.get_extra_info("peername")
        address = peer[0] if isinstance(peer, tuple) and peer else ""
        if not address or _is_trusted(address, self.trusted):
            return None
        address = address_key(address)  # an IPv6 device may hold a whole /64
        count = self.counts.get(address, 0)
        share = MAX_CONNECTIONS_PER_ADDRESS
        limit = share if total > MAX_CONNECTIONS // 2 else max(share, MAX_CONNECTIONS // 2)
        if count >= limit:
            return f"{count} connections are open from your address; retry soon"
        if not self.connects.take(address):
            return "too many new connections from your address; retry soon"
        self.counts[address] = count + 1
        self.owners[transport] = address
        return None

    def release(self, transport: Any) -> None:
        address = self.owners.pop(transport, None)
        if address is not None:
            left = self.counts[address] - 1
            if left:
                self.counts[address] = left
            else:
                del self.counts[address]


ADDRESSES = AddressBook()


class _RefusalError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with bounds on the request head, time and connections."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._reading_head = True
        self._head_bytes = 0
        self._head_tail = b""
        self._header_count = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._upgraded = False
        if len(self.connections) > MAX_CONNECTIONS:
            self._refuse(503, f"the server has {MAX_CONNECTIONS} connections open; retry soon")
            return
        refusal = ADDRESSES.admit(transport, len(self.connections))
        if refusal is not None:
            self._refuse(429, refusal)
            return
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
        if not self._upgraded:
            ADDRESSES.release(self.transport)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        self._unset_keepalive_if_required()
        if self._deadline is None:
            self._arm_deadline()  # the first byte of a request on a kept-alive connection
        try:
            if self._reading_head:
                self._count_head(data)
            self.parser.feed_data(data)
        except _RefusalError as refusal:
            self._refuse(refusal.status, refusal.detail)
        except httptools.HttpParserCallbackError as error:
            if isinstance(error.__context__, _RefusalError):
                self._refuse(error.__context__.status, error.__context__.detail)
            else:
                self._invalid()
        except httptools.HttpParserError:
            self._invalid()
        except httptools.HttpParserUpgrade:
            self._disarm_deadline()
            if self._should_upgrade():
                self._upgraded = True  # the WebSocket's protocol releases the address
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def _count_head(self, data: bytes) -> None:
        """Count the bytes of the request head in ``data`` (not those of a body after it)."""
        seen = self._head_tail + data
        end = seen.find(END_OF_HEAD)
        self._head_bytes += len(data) if end < 0 else end + len(END_OF_HEAD) - len(self._head_tail)
        self._head_tail = seen[-(len(END_OF_HEAD) - 1) :]
        if self._head_bytes > MAX_HEAD_BYTES:
            raise _RefusalError(
                431, f"headers: the request line and headers exceed {MAX_HEAD_BYTES} bytes"
            )

    def _invalid(self) -> None:
        self.logger.warning("Invalid HTTP request received.")
        self._refuse(400, "the request is not valid HTTP/1.1")

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > MAX_HEADERS:
            raise _RefusalError(431, f"headers: more than {MAX_HEADERS} header fields")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head_bytes = 0
        self._head_tail = b""
        self._header_count = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm_deadline()
        self._reading_head = True
        super().on_message_complete()

    def _arm_deadline(self) -> None:
        self._deadline = self.loop.call_later(RECEIVE_SECONDS, self._too_slow)

    def _disarm_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._reading_head and self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False  # answer the request in progress, then close
        elif self._reading_head:
            self._refuse(408, f"the request was not received within {RECEIVE_SECONDS:g} s")
        elif self.cycle is not None and not self.cycle.response_started:
            # The application is waiting for the rest of the body: it sees a disconnect, and
            # the client a 408.
            self.cycle.disconnected = True
            self.cycle.message_event.set()
            self._refuse(408, f"body: the request was not received within {RECEIVE_SECONDS:g} s")
        else:
            self.transport.close()

    def _refuse(self, status: int, detail: str) -> None:
        """Answer ``status`` with a JSON detail and close the connection."""
        self._disarm_deadline()
        body = json.dumps({"detail": detail}, separators=(",", ":")).encode()
        head = [STATUS_LINE[status]]
        defaults = self.server_state.default_headers
        head += [name + b": " + value + b"\r\n" for name, value in defaults]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n",
        ]
        if status in (429, 503):
            head.append(b"retry-after: 1\r\n")
        self.transport.write(b"".join(head) + b"\r\n" + body)
        self.transport.close()


def abort(transport: asyncio.BaseTransport) -> None:
    """Close a connection now: the peer gets a reset, and what waited for it in this process
    and in the kernel is freed with the socket (a plain abort leaves the kernel sending it)."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            if sock.fileno() < 0:
                return  # closed already (a close that finished before its time ran out)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except (OSError, ValueError):
            pass  # not a TCP socket
    transport.abort()


class _GivingUpTransport:
    """A transport whose ``close()`` does not wait forever for a peer that reads nothing: what
    is still unsent after ``CLOSE_SECONDS`` is dropped with the connection."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop

    def close(self) -> None:
        transport = self._transport
        transport.close()
        if transport.get_write_buffer_size():
            self._loop.call_later(CLOSE_SECONDS, abort, transport)

    def abort(self) -> None:
        abort(self._transport)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _websocket_logger(access_log: bool) -> logging.Logger:
    """uvicorn's error log, where a WebSocket's INFO lines get through only with the access
    log on (warnings and errors always do)."""
    logger = logging.getLogger("uvicorn.error.websocket")
    logger.setLevel(logging.INFO if access_log else logging.WARNING)
    return logger


class LimitedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol with bounds on what one peer can make the server hold."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.logger = self.conn.logger = _websocket_logger(config.access_log)
        self.close_timeout = CLOSE_SECONDS
        self.control_frames = TokenBucket(CONTROL_BURST, CONTROL_PER_SECOND)
        self.gave_up = False  # closed by this protocol: the application's sends go nowhere
        # websockets queues a pong for every ping it parses, a whole read's worth at once:
        # they go out one per ping allowed
        self.pongs: deque[bytes] = deque()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            except OSError:
                pass  # not a TCP socket: nothing to bound
        self.transport = _GivingUpTransport(self.transport, self.loop)  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        ADDRESSES.release(self.transport._transport)  # type: ignore[attr-defined]
        super().connection_lost(exc)

    # Sending never waits for the peer: past WRITE_LIMIT it is dropped instead.

    def pause_writing(self) -> None:
        pass

    def resume_writing(self) -> None:
        pass

    def _drop(self) -> None:
        """Abort the connection (see ``abort``): the application sees a disconnect."""
        self.gave_up = self.close_sent = True
        self.transport.abort()

    async def send(self, message: Any) -> None:
        if self.gave_up:
            raise ClientDisconnected()
        if self.handshake_complete and self.initial_response is None and not self.close_sent:
            unsent = self.transport.get_write_buffer_size()
            # a close behind bytes the peer is not reading would wait for them: drop it now
            if unsent > WRITE_LIMIT or (message["type"] == "websocket.close" and unsent > 0):
                self._drop()
                raise ClientDisconnected()
        await super().send(message)
        if message["type"] == "websocket.close" and self.close_timer is not None:
            # the peer has CLOSE_SECONDS to answer the close, then the connection is aborted
            self.close_timer.cancel()
            self.close_timer = self.loop.call_later(self.close_timeout, self.transport.abort)

    # Control frames are counted, and a pong is not queued for a peer that is not reading.

    def _control_frame_allowed(self) -> bool:
        if self.close_sent or self.transport.is_closing():
            return False
        if self.control_frames.take():
            return True
        reason = f"over {CONTROL_PER_SECOND:g} control frames a second"
        self.pongs.clear()
        self.conn.data_to_send()
        self.conn.fail(1008, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.gave_up = self.close_sent = True
        self.queue.put_nowait({"type": "websocket.disconnect", "code": 1008, "reason": reason})
        if self.transport.get_write_buffer_size():
            self._drop()  # it is not reading what it asked for
        else:
            self.transport.close()
        return False

    def handle_ping(self) -> None:
        self.pongs.extend(self.conn.data_to_send())
        if not self._control_frame_allowed():
            self.pongs.clear()
            return
        if self.transport.get_write_buffer_size() > WRITE_LIMIT:
            self._drop()
            return
        if self.pongs:
            self.transport.write(self.pongs.popleft())

    def handle_pong(self, event: Any) -> None:
        if self._control_frame_allowed():
            super().handle_pong(event)

    def handle_close(self, event: Any) -> None:
        self.control_frames.take()  # one close a connection: counted, never refused
        if self.pongs and not self.close_sent:
            self.transport.write(b"".join(self.pongs))  # the answer to the close is among them
        self.pongs.clear()
        super().handle_close(event)
