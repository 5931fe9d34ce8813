"""The limits a public server needs, where uvicorn has none: checked as the bytes arrive.

uvicorn's httptools protocol (the fast one) reads a request head of any size and any number of
header fields, and waits forever for a client that sends its request one byte at a time or
nothing at all. This protocol keeps httptools and adds:

- the request line and headers together at most ``MAX_HEAD_BYTES``, at most ``MAX_HEADERS``
  fields: otherwise 431 and the connection closed, before the parser sees the excess;
- a whole request (head and body) received within ``RECEIVE_SECONDS`` of its first byte, and a
  new connection's first request within as long: otherwise 408 and closed;
- at most ``MAX_CONNECTIONS`` open connections per worker ($MAX_CONNECTIONS, 1000 unless set):
  one more gets 503 and is closed.

Idle keep-alive connections are closed by uvicorn itself after ``KEEP_ALIVE_SECONDS``.
"""

import asyncio
import json
import os

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 100
RECEIVE_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "1000"))
END_OF_HEAD = b"\r\n\r\n"


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
        if len(self.connections) > MAX_CONNECTIONS:
            self._refuse(503, f"the server has {MAX_CONNECTIONS} connections open; retry soon")
            return
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
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
        else:
            # The application is waiting for the rest of the body: it sees a disconnect.
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
        if status == 503:
            head.append(b"retry-after: 1\r\n")
        self.transport.write(b"".join(head) + b"\r\n" + body)
        self.transport.close()
