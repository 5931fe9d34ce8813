"""Which Host a join URL may name, and which Origin may open a class's WebSocket.

A join URL is built from the Host the teacher used, so that it works for the students exactly
as it worked for the teacher (a LAN address, a name, a port). A Host header is a client's
claim, though: it is accepted only when it names this server as it was reached (the address
and port of the listening socket, `localhost` on loopback, this machine's hostname) or one of
ALLOWED_HOSTS, a comma-separated list of `name` (any port) or `name:port` entries for a server
behind a reverse proxy (`ALLOWED_HOSTS=lab.school.edu`). Anything else gets a 400 that says
so, never a join URL pointing elsewhere. A WebSocket is accepted when its Origin, if the client
sent one (browsers always do), is the same host and port as its accepted Host, which refuses
other sites' pages and DNS-rebinding alike.
"""

import ipaddress
import os
import socket
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_host(host: str, scheme: str) -> tuple[str, int] | None:
    """Return ("name", port) of a Host header value, or None if it is not one."""
    try:
        parts = urlsplit(f"//{host}")
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name or parts.username is not None or parts.path or parts.query:
        return None
    return name.lower(), port or DEFAULT_PORTS.get(scheme, 80)


def own_names(address: str) -> set[str]:
    """Names under which this machine may be reached at `address`."""
    names = {address.lower(), socket.gethostname().lower(), socket.gethostname().lower() + ".local"}
    try:
        if ipaddress.ip_address(address).is_loopback:
            names |= {"localhost", "127.0.0.1", "::1"}
    except ValueError:
        pass
    return names


def allowed_hosts() -> list[str]:
    return [entry.strip().lower() for entry in os.environ.get("ALLOWED_HOSTS", "").split(",")
            if entry.strip()]  # fmt: skip


def host_allowed(connection: HTTPConnection) -> bool:
    """Whether the request's Host header names this server."""
    scheme = connection.url.scheme
    claimed = split_host(connection.headers.get("host", ""), scheme)
    if claimed is None:
        return False
    name, port = claimed
    server = connection.scope.get("server")
    if server and server[1] == port and name in own_names(str(server[0])):
        return True
    return any(entry in (name, f"{name}:{port}") for entry in allowed_hosts())


def origin_allowed(connection: HTTPConnection) -> bool:
    """Whether a WebSocket's Origin (when sent) is the origin of its accepted Host."""
    if not host_allowed(connection):
        return False
    origin = connection.headers.get("origin")
    if origin is None:
        return True  # not a browser: nothing to protect from cross-site use
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https"):
        return False
    # behind a proxy that ends TLS the socket is ws:// while the page is https://
    ours = split_host(connection.headers.get("host", ""), parts.scheme)
    theirs = split_host(parts.netloc, parts.scheme)
    return ours is not None and ours == theirs
