"""``Function``: calls a user's handler with a neutral event, the same way on every provider.

Every cloud shim and the local provider build one ``Function`` and call ``http``, ``message``,
``object_event`` or ``schedule`` with the neutral event. A ``Function`` loads its handler once (the
cold start), binds its configuration and the invocation's ``Context`` for the duration of a call, and
writes one structured log line per call.

>>> fn = Function("hello", lambda request: {"hi": request.path_params["name"]},
...               routes=[["GET", "/hello/{name}"]], log_level="off")
>>> from portable.runtime import HttpRequest
>>> fn.http(HttpRequest("GET", "/hello/ada")).data
{'hi': 'ada'}
"""

from __future__ import annotations

import importlib
import json
import os
from time import perf_counter_ns

from portable.runtime import env
from portable.runtime.context import Context, _current
from portable.runtime.errors import ConfigError, EventError, HandlerFailed
from portable.runtime.http import HttpResponse, as_response
from portable.runtime.log import InvocationLog, level_of, member

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any, TextIO

    from portable.runtime.http import HttpRequest
    from portable.runtime.message import Message
    from portable.runtime.objects import ObjectEvent
    from portable.runtime.routes import Router
    from portable.runtime.schedule import ScheduleEvent

    Handler = Callable[..., Any]

_CO_VARARGS = 0x04
_CO_COROUTINE = 0x80


def load_handler(ref: str) -> Handler:
    """Import ``"package.module:function"`` and return the function."""
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"Handler {ref!r} is not 'module.path:function' (e.g. 'app.api:handle').")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ConfigError(f"Handler {ref!r}: cannot import module {module_name!r}: {e}") from e
    except Exception as e:
        raise ConfigError(f"Handler {ref!r}: importing {module_name!r} raised {type(e).__name__}: {e}") from e
    target: Any = module
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ConfigError(f"Handler {ref!r}: module {module_name!r} has no attribute {attr!r}.") from None
    if not callable(target):
        raise ConfigError(f"Handler {ref!r} is a {type(target).__name__}, not a function.")
    return target  # type: ignore[no-any-return]


def _wants_context(fn: Handler) -> bool:
    """True if ``fn`` takes (event, ctx), False for (event)."""
    code = getattr(fn, "__code__", None)
    bound = hasattr(fn, "__self__")
    if code is None:
        code = getattr(type(fn).__dict__.get("__call__"), "__code__", None)
        bound = True
    if code is None:
        return True
    if code.co_flags & _CO_VARARGS:
        return True
    return bool(code.co_argcount - (1 if bound else 0) >= 2)


def _is_async(fn: Handler) -> bool:
    code = getattr(fn, "__code__", None) or getattr(type(fn).__dict__.get("__call__"), "__code__", None)
    return code is not None and bool(code.co_flags & _CO_COROUTINE)


def _run_async(handler: Handler) -> Handler:
    def run(*args: Any) -> Any:
        import asyncio

        return asyncio.run(handler(*args))

    return run


def _error_body(status: int, message: str, invocation_id: str) -> HttpResponse:
    return HttpResponse.json({"error": message, "invocation_id": invocation_id}, status)


class Function:
    """A portable function's handler, ready to be called with neutral events.

    ``handler`` is a callable or a ``"module:function"`` reference (imported on the first call).
    ``links`` and ``routes`` are the function's PORTABLE_LINKS / PORTABLE_ROUTES (objects or their JSON
    text); they and ``provider`` form the configuration bound while the handler runs (see
    :mod:`portable.runtime.env`). ``config`` gives that configuration directly instead; ``None`` for
    every argument (see :meth:`from_env`) means the process environment.

    ``http`` never raises: a handler exception becomes a 500 without a traceback, a malformed request a
    400, an unknown route a 404 (405 for a known path). ``message``, ``object_event`` and ``schedule``
    raise :class:`HandlerFailed` carrying the handler's exception, so the caller decides about retries.
    """

    __slots__ = (
        "_async",
        "_cold",
        "_config",
        "_handler",
        "_handler_ref",
        "_two_args",
        "links",
        "log",
        "name",
        "provider",
        "router",
        "timeout",
    )

    def __init__(
        self,
        name: str,
        handler: str | Handler,
        *,
        provider: str = "local",
        links: Mapping[str, Mapping[str, Any]] | str | None = None,
        routes: Iterable[Sequence[str]] | str | None = None,
        timeout: float | None = None,
        config: Mapping[str, str] | None = None,
        log_level: str | None = None,
        log_stream: TextIO | None = None,
    ) -> None:
        self.name = name
        self.provider = provider
        self.timeout = timeout
        if config is None:
            config = {env.FUNCTION: name, env.PROVIDER: provider}
            if links is not None:
                config[env.LINKS] = links if isinstance(links, str) else json.dumps(links)
            if routes is not None:
                config[env.ROUTES] = routes if isinstance(routes, str) else json.dumps(routes)
            if log_level is not None:
                config[env.LOG] = log_level
            if timeout is not None:
                config[env.TIMEOUT] = str(timeout)
        self._config: Mapping[str, str] | None = config
        self._configure(config, handler, log_level or config.get(env.LOG), log_stream)

    @classmethod
    def from_env(cls, provider: str | None = None, environ: Mapping[str, str] | None = None,
                 log_stream: TextIO | None = None, handler: Handler | None = None) -> Function:
        """The function a deployed shim serves, configured by the PORTABLE_* environment variables
        (``handler`` replaces PORTABLE_HANDLER, e.g. in tests and benchmarks)."""
        source = os.environ if environ is None else environ
        ref: str | Handler | None = handler or source.get(env.HANDLER)
        if not ref:
            raise ConfigError(f"{env.HANDLER} is not set: the deploy side must set it to 'module:function'.")
        fn = cls.__new__(cls)
        fn.name = source.get(env.FUNCTION) or (ref if isinstance(ref, str) else str(getattr(ref, "__name__", "handler")))
        fn.provider = provider or source.get(env.PROVIDER) or "local"
        timeout = source.get(env.TIMEOUT)
        try:
            fn.timeout = float(timeout) if timeout else None
        except ValueError:
            raise ConfigError(f"{env.TIMEOUT} must be a number of seconds, not {timeout!r}") from None
        fn._config = None if environ is None else environ
        fn._configure(source, ref, source.get(env.LOG), log_stream)
        return fn

    def _configure(self, source: Mapping[str, str], handler: str | Handler, log_level: str | None,
                   log_stream: TextIO | None) -> None:
        """What both constructors derive from the configuration ``source``: routes, links, the log and
        the handler (imported on the first call when it is a reference)."""
        self.router = _router(env.routes(source))
        self.links = env.links(source)
        self.log = InvocationLog(self.name, level_of(log_level), log_stream)
        self._handler_ref = handler
        self._handler: Handler | None = None
        self._two_args = True
        self._async = False
        self._cold = True
        if callable(handler):
            self._set_handler(handler)

    @property
    def config(self) -> Mapping[str, str]:
        """The configuration bound while the handler runs."""
        return os.environ if self._config is None else self._config

    def _set_handler(self, handler: Handler) -> None:
        self._two_args = _wants_context(handler)
        self._async = _is_async(handler)
        self._handler = _run_async(handler) if self._async else handler

    def load(self) -> Handler:
        """Import the handler now (normally done by the first call), with this function's configuration bound."""
        handler = self._handler
        if handler is None:
            ref = self._handler_ref
            if callable(ref):
                self._set_handler(ref)
            else:
                token = env.bind(self._config)
                try:
                    self._set_handler(load_handler(ref))
                finally:
                    env.reset(token)
            handler = self._handler
            assert handler is not None  # set by _set_handler
        return handler

    def context(
        self,
        invocation_id: str = "",
        traceparent: str | None = None,
        remaining_ms: Callable[[], float] | None = None,
        deadline: float | None = None,
        raw: object = None,
    ) -> Context:
        """A Context for one invocation of this function (the first one is the cold start)."""
        cold = self._cold
        if cold:
            self._cold = False
        if deadline is None and remaining_ms is None and self.timeout is not None:
            from time import monotonic

            deadline = monotonic() + self.timeout
        return Context(self.name, invocation_id, self.provider, cold, traceparent, deadline, remaining_ms, raw)

    def http(self, request: HttpRequest, ctx: Context | None = None) -> HttpResponse:
        """Run the handler for an HTTP request; never raises."""
        t0 = perf_counter_ns()
        if ctx is None:
            ctx = self.context(request.request_id, traceparent=request.headers.get("traceparent"))
        status = 500
        outcome = "error"
        extra = ""
        config = self._config
        config_token = env.bind(config) if config is not None else None
        ctx_token = _current.set(ctx)
        try:
            handler = self._handler or self.load()
            router = self.router
            if router is not None and (request.route is None or request.route not in router.templates):
                route, params, allowed = router.match(request.method, request.path)
                if route is None:
                    outcome = "no_route"
                    if allowed:
                        status = 405
                        return HttpResponse.json({"error": "method not allowed"}, 405, {"allow": ", ".join(allowed)})
                    status = 404
                    return HttpResponse.json({"error": "not found"}, 404)
                request.route = route
                request.path_params = params
            result = handler(request, ctx) if self._two_args else handler(request)
            response = result if type(result) is HttpResponse else as_response(result)
            status = response.status
            if type(status) is not int or not 100 <= status <= 599:
                raise TypeError(f"the response status must be an int from 100 to 599, not {status!r}")
            response.body_text()  # serialise a JSON body here, where a failure is the handler's 500
            outcome = "ok"
            return response
        except EventError as e:
            status = 400
            outcome = "bad_request"
            extra = member("error", f"{type(e).__name__}: {e}")
            return _error_body(400, str(e), ctx.invocation_id)
        except Exception as e:
            status = 500
            outcome = "error"
            extra = _failure_fields(e)
            return _error_body(500, "internal error", ctx.invocation_id)
        finally:
            _current.reset(ctx_token)
            if config_token is not None:
                env.reset(config_token)
            log = self.log
            if log.level >= 2 or (log.level and status >= 500):
                log.write("http", outcome, perf_counter_ns() - t0, ctx.cold_start, ctx.invocation_id,
                          ctx.trace_id, f',"status":{status}{extra}', status >= 500)

    def reject(self, error: EventError, ctx: Context | None = None, trigger: str = "http") -> HttpResponse:
        """The 400 answer (and its log line) for a request or event the shim could not even parse."""
        t0 = perf_counter_ns()
        if ctx is None:
            ctx = self.context()
        self._log(trigger, "bad_request", t0, ctx, ',"status":400' + member("error", f"{type(error).__name__}: {error}"),
                  trigger != "http")
        return _error_body(400, str(error), ctx.invocation_id)

    def _event(self, trigger: str, event: object, ctx: Context, field: str, value: str) -> None:
        """Run the handler for a non-HTTP event; the log line names it by ``field``: ``value``."""
        t0 = perf_counter_ns()
        handler = self._handler
        if handler is None:
            try:
                handler = self.load()
            except ConfigError as e:
                self._log(trigger, "error", t0, ctx, member(field, value) + _failure_fields(e), True)
                raise
        config = self._config
        config_token = env.bind(config) if config is not None else None
        ctx_token = _current.set(ctx)
        try:
            if self._two_args:
                handler(event, ctx)
            else:
                handler(event)
        except Exception as e:
            self._log(trigger, "error", t0, ctx, member(field, value) + _failure_fields(e), True)
            raise HandlerFailed(self.name, trigger, e, ctx.invocation_id) from e
        finally:
            _current.reset(ctx_token)
            if config_token is not None:
                env.reset(config_token)
        log = self.log
        if log.level >= 2:
            log.write(trigger, "ok", perf_counter_ns() - t0, ctx.cold_start, ctx.invocation_id, ctx.trace_id,
                      member(field, value))

    def _log(self, trigger: str, outcome: str, t0: int, ctx: Context, extra: str, failed: bool) -> None:
        log = self.log
        if log.level >= 2 or (log.level and failed):
            log.write(trigger, outcome, perf_counter_ns() - t0, ctx.cold_start, ctx.invocation_id, ctx.trace_id,
                      extra, failed)

    def message(self, message: Message, ctx: Context | None = None) -> None:
        """Run the handler for one queue/topic message; raises HandlerFailed if it raised."""
        if ctx is None:
            ctx = self.context(message.id, traceparent=message.attributes.get("traceparent"))
        self._event("message", message, ctx, "message_id", message.id)

    def object_event(self, event: ObjectEvent, ctx: Context | None = None) -> None:
        """Run the handler for an object event; raises HandlerFailed if it raised."""
        self._event("object", event, ctx or self.context(event.id), "key", event.key)

    def schedule(self, event: ScheduleEvent, ctx: Context | None = None) -> None:
        """Run the handler for a schedule; raises HandlerFailed if it raised."""
        self._event("schedule", event, ctx or self.context(event.id), "schedule", event.name)

    def __repr__(self) -> str:
        return f"Function({self.name!r}, provider={self.provider!r})"


def _router(routes: list[list[str]]) -> Router | None:
    """The compiled routes (``routes`` is imported only by functions that have some)."""
    if not routes:
        return None
    from portable.runtime.routes import Router

    return Router(routes)


def _failure_fields(error: BaseException) -> str:
    import traceback

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return member("error", f"{type(error).__name__}: {error}") + member("traceback", text)
