"""A small, strict HTTP/1.1 server: one thread per connection, keep-alive, no dependencies.

It parses just what a function needs (request line, headers, a Content-Length or chunked body) and
answers anything malformed with a 4xx and a closed connection: a bad request line (400), an unknown
HTTP version (505), a request line over 8 KiB (414), headers over 64 KiB or 100 lines (431), a bad or
conflicting Content-Length (400; only ASCII digits count), a body over ``max_body`` (413), a transfer
coding other than chunked (501), more than ``MAX_BLANK_LINES`` empty lines before a request (400),
a request line and headers not received within ``header_timeout`` of their first byte (408), and a
connection beyond ``max_connections`` open ones (503). The application is a plain callable
``HttpRequest -> HttpResponse``.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
import traceback
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

from portable.runtime.http import HttpRequest, HttpResponse
from portable.runtime.urlcode import unquote

MAX_LINE = 8192
MAX_HEADER_BYTES = 65536
MAX_HEADERS = 100
MAX_BODY = 32 * 1024 * 1024
IDLE_TIMEOUT = 65.0
"""Seconds a keep-alive connection may stay silent."""
HEADER_TIMEOUT = 10.0
"""Seconds a client has, from the first byte of a request, to send its request line and headers."""
MAX_CONNECTIONS = 256
MAX_BLANK_LINES = 8

App = Callable[[HttpRequest], HttpResponse]

_REASONS = {s.value: s.phrase for s in HTTPStatus}
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SERVER = b"server: portable-local\r\n"


class BadRequest(Exception):
    """The request cannot be served; ``status`` says why (4xx/5xx)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Date:
    """The Date header, formatted once per second."""

    second = -1
    value = b""

    @classmethod
    def header(cls) -> bytes:
        now = int(time.time())
        if now != cls.second:
            cls.value = f"date: {formatdate(now, usegmt=True)}\r\n".encode()
            cls.second = now
        return cls.value


class HttpServer:
    """Serves ``app`` on ``host:port`` (port 0 picks a free one; see ``port`` after ``start``)."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0, *, max_body: int = MAX_BODY,
                 max_connections: int = MAX_CONNECTIONS, header_timeout: float = HEADER_TIMEOUT) -> None:
        self.app = app
        self.host = host
        self.max_body = max_body
        self.max_connections = max_connections
        self.header_timeout = header_timeout
        self._socket = socket.create_server((host, port), backlog=1024)
        self.port: int = self._socket.getsockname()[1]
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._accept, name="portable-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting and close every open connection."""
        self._stopping = True
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)

    def _accept(self) -> None:
        while not self._stopping:
            try:
                connection, address = self._socket.accept()
            except OSError:
                if self._stopping:
                    return
                continue
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                full = len(self._connections) >= self.max_connections
                if not full:
                    self._connections.add(connection)
            if full:
                _refuse(connection, _error(503, f"more than {self.max_connections} open connections"))
                continue
            threading.Thread(target=self._serve, args=(connection, address[0]), daemon=True).start()

    def _serve(self, connection: socket.socket, client: str) -> None:
        try:
            connection.settimeout(IDLE_TIMEOUT)
            raw = _DeadlineIO(connection)
            reader = io.BufferedReader(raw, 65536)
            while not self._stopping:
                try:
                    if not reader.peek(1):
                        return
                    raw.deadline = time.monotonic() + self.header_timeout
                    request, keep_alive = self._read(reader, connection, client)
                except BadRequest as error:
                    connection.sendall(_error(error.status, str(error)))
                    return
                except TimeoutError:
                    if raw.deadline is None:
                        return  # idle, or a body that stopped coming
                    connection.sendall(_error(408, f"request headers not received within {self.header_timeout:g} s"))
                    return
                if request is None:
                    return
                answer = Answer(connection)
                _current.answer = answer
                try:
                    response = self.app(request)
                except Exception:  # a bug here, not in a handler (the dispatcher catches those)
                    traceback.print_exc()
                    if answer.claim():
                        connection.sendall(_error(500, "internal error"))
                    return
                finally:
                    _current.answer = None
                if not answer.claim():
                    return  # answered already: the application gave up on this request (a timeout)
                connection.sendall(_encode(response, request.method == "HEAD", keep_alive))
                if not keep_alive:
                    return
        except (OSError, ValueError):
            return  # the client went away, timed out, or the server is stopping
        finally:
            with self._lock:
                self._connections.discard(connection)
            with contextlib.suppress(OSError):
                connection.close()

    def _read(self, reader: object, connection: socket.socket, client: str) -> tuple[HttpRequest | None, bool]:
        readline = reader.readline  # type: ignore[attr-defined]
        line = readline(MAX_LINE + 1)
        blank = 0
        while line in (b"\r\n", b"\n"):  # tolerate a few blank lines between requests (RFC 9112 2.2)
            blank += 1
            if blank > MAX_BLANK_LINES:
                raise BadRequest(400, f"more than {MAX_BLANK_LINES} blank lines before the request line")
            line = readline(MAX_LINE + 1)
        if not line:
            return None, False
        if len(line) > MAX_LINE:
            raise BadRequest(414, "request line too long")
        parts = line.split()
        if len(parts) != 3 or not line.endswith(b"\n"):
            raise BadRequest(400, "malformed request line")
        method_b, target_b, version = parts
        if version not in (b"HTTP/1.1", b"HTTP/1.0"):
            if version.startswith(b"HTTP/"):
                raise BadRequest(505, "HTTP version not supported")
            raise BadRequest(400, "malformed request line")
        if not _TOKEN.issuperset(method_b):
            raise BadRequest(400, "malformed method")
        headers, keep_alive, length, chunked, expect = _read_headers(readline, version == b"HTTP/1.1")
        reader.raw.deadline = None  # type: ignore[attr-defined]  # the headers are in: the body has the idle timeout
        if length is not None and length > self.max_body:
            raise BadRequest(413, f"body larger than {self.max_body} bytes")
        if expect:
            connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if chunked:
            body = _read_chunked(reader, self.max_body)
        elif length:
            body = reader.read(length)  # type: ignore[attr-defined]
            if len(body) != length:
                return None, False
        else:
            body = b""
        path, _, query = _target(target_b).partition("?")
        request = HttpRequest(
            method_b.decode("ascii"), unquote(path) if "%" in path else path, query=query,
            headers=headers, body=body, source_ip=client,
        )
        return request, keep_alive


class Answer:
    """The one answer a request gets: from the application, or instead an error sent by
    :meth:`give_up` from another thread (a function past its timeout); whoever claims it first."""

    __slots__ = ("_claimed", "_connection", "_lock")

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._claimed = False

    def claim(self) -> bool:
        with self._lock:
            if self._claimed:
                return False
            self._claimed = True
            return True

    def give_up(self, status: int, message: str) -> bool:
        """Answer ``status`` now and close the connection, unless the answer was sent; True if it was not."""
        if not self.claim():
            return False
        _refuse(self._connection, _error(status, message))
        return True


_current = threading.local()


def current_answer() -> Answer | None:
    """The answer of the request this thread is serving (None outside the server, e.g. in-process calls)."""
    return getattr(_current, "answer", None)


class _DeadlineIO(socket.SocketIO):
    """A socket reader that, while ``deadline`` (monotonic seconds) is set, times out when it passes,
    however slowly the bytes trickle in."""

    def __init__(self, connection: socket.socket) -> None:
        super().__init__(connection, "rb")
        self._connection = connection
        self._timeout = IDLE_TIMEOUT
        self.deadline: float | None = None

    def readinto(self, buffer: Any) -> int | None:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("header deadline")
            self._set_timeout(min(left, IDLE_TIMEOUT))
        elif self._timeout != IDLE_TIMEOUT:
            self._set_timeout(IDLE_TIMEOUT)
        return super().readinto(buffer)

    def _set_timeout(self, seconds: float) -> None:
        self._timeout = seconds
        self._connection.settimeout(seconds)


def _refuse(connection: socket.socket, answer: bytes) -> None:
    with contextlib.suppress(OSError):
        connection.settimeout(1.0)
        connection.sendall(answer)
        connection.shutdown(socket.SHUT_WR)
    connection.close()


def _read_headers(readline: Callable[[int], bytes], http11: bool) -> tuple[list[tuple[str, str]], bool, int | None, bool, bool]:
    headers: list[tuple[str, str]] = []
    total = 0
    length: int | None = None
    chunked = False
    keep_alive = http11
    expect = False
    while True:
        line = readline(MAX_LINE + 1)
        total += len(line)
        if total > MAX_HEADER_BYTES or len(headers) >= MAX_HEADERS or len(line) > MAX_LINE:
            raise BadRequest(431, "request headers too large")
        if line in (b"\r\n", b"\n"):
            break
        if not line.endswith(b"\n"):
            raise BadRequest(400, "incomplete headers")
        name_b, colon, value_b = line.partition(b":")
        if not colon or not name_b or not _TOKEN.issuperset(name_b):
            raise BadRequest(400, "malformed header line")
        name = name_b.decode("ascii").lower()
        value = value_b.strip().decode("latin-1")
        headers.append((name, value))
        if name == "content-length":
            if not (value.isascii() and value.isdigit()) or (length is not None and int(value) != length):
                raise BadRequest(400, "bad content-length")
            length = int(value)
        elif name == "transfer-encoding":
            if value.lower() != "chunked":
                raise BadRequest(501, f"transfer-encoding {value!r} not supported")
            chunked = True
        elif name == "connection":
            tokens = value.lower()
            if "close" in tokens:
                keep_alive = False
            elif "keep-alive" in tokens:
                keep_alive = True
        elif name == "expect" and value.lower() == "100-continue":
            expect = http11
    if chunked and length is not None:
        raise BadRequest(400, "both content-length and transfer-encoding")
    return headers, keep_alive, length, chunked, expect


def _read_chunked(reader: object, limit: int) -> bytes:
    readline = reader.readline  # type: ignore[attr-defined]
    read = reader.read  # type: ignore[attr-defined]
    chunks: list[bytes] = []
    size = 0
    while True:
        line = readline(MAX_LINE + 1)
        text = line.split(b";", 1)[0].strip()
        try:
            n = int(text, 16)
        except ValueError:
            raise BadRequest(400, "bad chunk size") from None
        if n < 0:
            raise BadRequest(400, "bad chunk size")
        if n == 0:
            while readline(MAX_LINE + 1) not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(chunks)
        size += n
        if size > limit:
            raise BadRequest(413, f"body larger than {limit} bytes")
        chunk = read(n)
        if len(chunk) != n or readline(MAX_LINE + 1) not in (b"\r\n", b"\n"):
            raise BadRequest(400, "truncated chunk")
        chunks.append(chunk)


def _target(target: bytes) -> str:
    text = target.decode("latin-1")
    if text.startswith("/"):
        return text
    if text.startswith(("http://", "https://")):  # absolute form
        rest = text.split("://", 1)[1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
    raise BadRequest(400, "request target must be a path")


def _encode(response: HttpResponse, head: bool, keep_alive: bool) -> bytes:
    body = response.body
    status = response.status
    out = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n".encode(),
        _SERVER,
        _Date.header(),
    ]
    for name, value in response.header_items():
        if name in ("content-length", "connection", "transfer-encoding"):
            continue
        if "\r" in value or "\n" in value:  # never let a handler split the response
            value = value.replace("\r", " ").replace("\n", " ")
        out.append(f"{name}: {value}\r\n".encode("latin-1", "replace"))
    if status >= 200 and status not in (204, 304):
        out.append(b"content-length: %d\r\n" % len(body))
    if not keep_alive:
        out.append(b"connection: close\r\n")
    out.append(b"\r\n")
    if not head and status not in (204, 304):
        out.append(body)
    return b"".join(out)


def _error(status: int, message: str) -> bytes:
    body = f"{status} {_REASONS.get(status, '')}: {message}\n".encode()
    return (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n".encode()
        + _SERVER + _Date.header()
        + b"content-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body)
        + body
    )
