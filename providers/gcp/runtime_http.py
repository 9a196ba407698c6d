"""Cloud Run HTTP through WSGI: an environ -> :class:`HttpRequest`; :class:`HttpResponse` -> the WSGI
status line, headers and body."""

from __future__ import annotations

from portable.runtime.context import from_cloud_trace
from portable.runtime.errors import MalformedEvent
from portable.runtime.http import HttpRequest
from portable.runtime.multidict import EnvironHeaders, MultiDict, wsgi_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    from portable.runtime.http import HttpResponse
    from portable.runtime.multidict import Headers

    StartResponse = Callable[..., Any]

_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
            302: "Found", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 422: "Unprocessable Entity",
            500: "Internal Server Error", 503: "Service Unavailable"}
_STATUS_LINES = {status: f"{status} {reason}" for status, reason in _REASONS.items()}
_from_parts = HttpRequest.from_parts


def read_body(environ: Mapping[str, Any]) -> bytes:
    """The request body (``Content-Length`` bytes, or the whole chunked stream)."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length:
        try:
            n = int(length)
        except ValueError:
            raise MalformedEvent("HTTP request", "Content-Length", "an integer") from None
        if n < 0:
            raise MalformedEvent("HTTP request", "Content-Length", "a non-negative integer")
        return bytes(stream.read(n)) if n else b""
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        return bytes(stream.read())
    return b""


def wsgi_request(environ: Mapping[str, Any], body: bytes | None = None) -> HttpRequest:
    """The neutral request of a WSGI environ (the body is read unless given)."""
    method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO") or "/"
    if type(method) is not str or type(path) is not str:
        raise MalformedEvent("HTTP request", "REQUEST_METHOD/PATH_INFO", "a string")
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    source_ip = forwarded.split(",")[0].strip() if type(forwarded) is str else environ.get("REMOTE_ADDR")
    trace = environ.get("HTTP_X_CLOUD_TRACE_CONTEXT")
    query = environ.get("QUERY_STRING")
    return _from_parts(
        method, path if path.isascii() else wsgi_text(path), MultiDict(query or None), EnvironHeaders(environ),
        read_body(environ) if body is None else body, False, None, {}, source_ip,
        trace.partition("/")[0] if type(trace) is str else "", None, environ,
    )


def status_line(status: int) -> str:
    line = _STATUS_LINES.get(status)
    if line is None:
        from http import HTTPStatus

        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        line = f"{status} {reason}"
    return line


def respond(response: HttpResponse, start_response: StartResponse) -> Iterable[bytes]:
    """Send ``response`` through ``start_response``; the WSGI body."""
    content_type, text, others = response.parts()
    body = response.body if text is None else text.encode()
    headers = [("content-type", content_type)] if content_type is not None else []
    for name, values in others.items():
        for value in values:
            headers.append((name, value))
    headers.append(("content-length", str(len(body))))
    start_response(status_line(response.status), headers)
    return [body]


_EMPTY = (b"",)


def done(status: int, start_response: StartResponse) -> Iterable[bytes]:
    """An answer without a body (event deliveries)."""
    start_response(_STATUS_LINES.get(status) or status_line(status), [("content-length", "0")])
    return _EMPTY


def trace_of(headers: Mapping[str, str] | Headers) -> str | None:
    """The caller's traceparent: W3C ``traceparent``, else Google's ``X-Cloud-Trace-Context``."""
    return headers.get("traceparent") or from_cloud_trace(headers.get("x-cloud-trace-context"))
