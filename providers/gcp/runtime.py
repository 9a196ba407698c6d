"""The Cloud Run shim: a WSGI app turning HTTP requests, Pub/Sub pushes, Eventarc CloudEvents and Cloud
Scheduler calls into neutral events for the user's handler.

``app`` (:data:`providers.gcp.contract.WSGI_APP`) serves the function PORTABLE_* describes. Requests
under :data:`~providers.gcp.contract.EVENT_PREFIX` are events (see :mod:`providers.gcp.contract`), any
other request is HTTP; a CloudEvent (``ce-specversion`` header or ``application/cloudevents+json``)
is an event wherever it arrives. A handler failure answers 500 so that Pub/Sub and Eventarc redeliver.
HTTP is read in :mod:`providers.gcp.runtime_http` (loaded with this module), events in
:mod:`providers.gcp.runtime_events` (imported on the first event). The parse functions (``wsgi_request``,
``push_message``, ``cloudevent_from_http``, ``structured_cloudevent``) are reachable from this module for
tests and tools. Standard library only.
"""

from __future__ import annotations

import importlib

from portable.runtime.dispatch import Function
from portable.runtime.env import register_backends
from portable.runtime.errors import EventError
from portable.runtime.multidict import EnvironHeaders
from providers.gcp.contract import EVENT_PREFIX, EVENT_TOKEN_ENV
from providers.gcp.runtime_http import done, read_body, respond, trace_of, wsgi_request


def _backends() -> Mapping[str, Any]:
    from providers.gcp.clients import BACKENDS  # the SDK loads when a function first uses a client

    return BACKENDS


register_backends("gcp", _backends)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import ModuleType
    from typing import Any

    from providers.gcp.runtime_events import PUBSUB_PUBLISHED as PUBSUB_PUBLISHED
    from providers.gcp.runtime_events import SCHEDULER_EXECUTED as SCHEDULER_EXECUTED
    from providers.gcp.runtime_events import STORAGE_PREFIX as STORAGE_PREFIX
    from providers.gcp.runtime_events import CloudEventIn as CloudEventIn
    from providers.gcp.runtime_events import cloudevent_from_http as cloudevent_from_http
    from providers.gcp.runtime_events import legacy_check as legacy_check
    from providers.gcp.runtime_events import push_message as push_message
    from providers.gcp.runtime_events import structured_cloudevent as structured_cloudevent
    from providers.gcp.runtime_http import StartResponse

__all__ = ["PUBSUB_PUBLISHED", "SCHEDULER_EXECUTED", "STORAGE_PREFIX", "CloudEventIn", "CloudRunApp", "app",
           "cloudevent_from_http", "legacy_check", "main", "push_message", "structured_cloudevent", "wsgi_request"]

_EVENT_NAMES = frozenset({"PUBSUB_PUBLISHED", "SCHEDULER_EXECUTED", "STORAGE_PREFIX", "CloudEventIn",
                          "cloudevent_from_http", "legacy_check", "push_message", "structured_cloudevent"})
_events_module: ModuleType | None = None


def _events() -> ModuleType:
    """:mod:`providers.gcp.runtime_events`, imported on the first event (HTTP-only services never load it)."""
    global _events_module
    if _events_module is None:
        _events_module = importlib.import_module("providers.gcp.runtime_events")
    return _events_module


def __getattr__(name: str) -> object:
    if name not in _EVENT_NAMES:
        raise AttributeError(f"module 'providers.gcp.runtime' has no attribute {name!r}")
    value = globals()[name] = getattr(_events(), name)
    return value


def _is_cloudevent(environ: Mapping[str, Any]) -> bool:
    if "HTTP_CE_SPECVERSION" in environ:
        return True
    content_type = environ.get("CONTENT_TYPE")
    return type(content_type) is str and content_type.startswith("application/cloudevents")


class CloudRunApp:
    """The WSGI app of one :class:`Function` (by default the one PORTABLE_* describes)."""

    __slots__ = ("_token", "function")

    def __init__(self, function: Function | None = None) -> None:
        self.function = function
        self._token: str | None = None  # EVENT_TOKEN_ENV of the function, read on the first event

    def _fn(self) -> Function:
        fn = self.function
        if fn is None:
            fn = self.function = Function.from_env("gcp")
        return fn

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        fn = self.function or self._fn()
        path = environ.get("PATH_INFO") or "/"
        if path.startswith(EVENT_PREFIX):
            return self._event(fn, environ, start_response, path)
        if _is_cloudevent(environ):
            return self._event(fn, environ, start_response, "")
        try:
            request = wsgi_request(environ)
            ctx = fn.context("", trace_of(request.headers))
        except EventError as e:
            return respond(fn.reject(e), start_response)
        return respond(fn.http(request, ctx), start_response)

    def _authorised(self, fn: Function, environ: Mapping[str, Any]) -> bool:
        expected = self._token
        if expected is None:
            expected = self._token = fn.config.get(EVENT_TOKEN_ENV) or ""
        if not expected:
            return True
        import hmac

        from portable.runtime.urlcode import parse_query

        given = parse_query(environ.get("QUERY_STRING") or "").get("token", [""])[0]
        return hmac.compare_digest(given.encode(), expected.encode())

    def _event(self, fn: Function, environ: dict[str, Any], start_response: StartResponse, path: str) -> Iterable[bytes]:
        if path and self._token != "" and not self._authorised(fn, environ):
            return done(403, start_response)
        events = _events_module or _events()
        kind, _, name = path[len(EVENT_PREFIX):].partition("/") if path else ("", "", "")
        headers = EnvironHeaders(environ)
        try:
            neutral, trigger = events.parse(headers, read_body(environ), kind, name, path, environ)
            trace = neutral.attributes.get("traceparent") if trigger == "message" else None
        except EventError as e:
            trigger = "schedule" if kind == "schedule" else "object" if kind == "bucket" else "message"
            return respond(fn.reject(e, fn.context("", trace_of(headers)), trigger), start_response)
        ctx = fn.context("", trace or trace_of(headers))
        try:
            if trigger == "message":
                fn.message(neutral, ctx)
            elif trigger == "object":
                if not events.wanted(fn, neutral):
                    return done(200, start_response)  # outside the trigger's prefix/suffix/events: acknowledged
                fn.object_event(neutral, ctx)
            else:
                fn.schedule(neutral, ctx)
        except Exception:  # HandlerFailed, or the handler could not be loaded: logged; let the platform retry
            return done(500, start_response)
        return done(200, start_response)


app = CloudRunApp()
"""The Cloud Run WSGI entry point: ``providers.gcp.runtime:app``."""


def main() -> None:
    """Serve :data:`app` on $PORT with the standard library's threaded WSGI server."""
    import os
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIServer, make_server

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    port = int(os.environ.get("PORT", "8080"))
    with make_server("", port, app, server_class=Server) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
