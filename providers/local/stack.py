"""``LocalStack``: a whole stack running in this process, driven by tests or served by ``portable dev``.

    with LocalStack(stack, root, tmp_path) as local:
        created = local.http("POST", "/orders", json={"items": [...]})
        local.drain()                        # the queue worker, object triggers and topics run
        local.run_schedule("nightly-report")

Nothing runs in the background until ``start()``: ``http``, ``invoke``, ``run_schedule`` and ``drain``
work on their own (``drain`` then handles the queued messages in the calling thread), which makes
tests deterministic. ``start()`` adds the consumer threads, the scheduler, and with ``serve=True`` a
real HTTP server (``url``); ``watch=True`` reloads handler code when it changes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from json import dumps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from portable.errors import PortableError
from portable.model import Stack
from portable.runtime import env
from portable.runtime.clients import clear_cache
from portable.runtime.dispatch import Function
from portable.runtime.http import HttpRequest, HttpResponse
from portable.runtime.message import Message
from portable.runtime.objects import ObjectEvent
from portable.runtime.routes import Router
from portable.runtime.schedule import ScheduleEvent
from providers.local import config as deploy
from providers.local import guard, objects, project
from providers.local.consumers import Consumer
from providers.local.contract import ADMIN_PREFIX, STATE_DIR
from providers.local.deadlines import Deadlines, timeout_error, timeout_line
from providers.local.feed import InvocationFeed
from providers.local.history import History
from providers.local.isolation import IsolatedFunction, ModuleSpaces
from providers.local.measurements import Measurements
from providers.local.queues import Backoff, DeadLetter
from providers.local.reloader import Watcher, forget_modules
from providers.local.scheduler import Entry, Scheduler
from providers.local.server import Answer, HttpServer, current_answer
from providers.local.state import State

if TYPE_CHECKING:
    from providers.local.dashboard import Dashboard

_ADMIN_ACCESS = {"bucket": "read_write", "table": "read_write", "queue": "send", "topic": "publish", "secret": "read"}


class LocalStack:
    """A stack served on this machine; its state lives in ``state_dir`` (default ``<root>/.portable/state``).

    ``log`` is the PORTABLE_LOG level of every function (default: each one's own, at least ``info``); ``log_stream`` where their invocation lines go
    (``"stderr"``, the default, is whatever ``sys.stderr`` is at the time; None is nowhere); every line is
    also kept in ``feed``. ``backoff`` paces
    retries of failed messages.
    """

    def __init__(
        self,
        stack: Stack,
        root: Path | str,
        state_dir: Path | str | None = None,
        *,
        log: str | None = None,
        log_stream: TextIO | Literal["stderr"] | None = "stderr",
        backoff: Backoff | None = None,
        poll_interval: float = 0.25,
    ) -> None:
        self.stack = stack
        self.root = Path(root).resolve()
        self.state_dir = Path(state_dir).resolve() if state_dir is not None else self.root / STATE_DIR
        self.log = log
        self.feed = InvocationFeed(log_stream)
        self.measurements = Measurements.attach(self.feed, self.state_dir)
        self.backoff = backoff or Backoff()
        self.poll_interval = poll_interval
        project.prepare(self.root, self.state_dir)
        self.feed.remember(History(self.state_dir))
        self.state = State.acquire(self.state_dir)
        objects.recover(self.state)
        self.subscriptions = deploy.subscriptions(stack)
        self.schedules = [Entry(name, f.name, s) for f in stack.functions for name, s in f.schedules()]
        self.sources = sorted({(self.root / f.source).resolve() for f in stack.functions})
        self._configs = {f.name: deploy.function_config(stack, f, self.root, self.state_dir, log) for f in stack.functions}
        routes = [(t.route, f.name, [t.method, t.path]) for f in stack.functions for t in f.http_triggers]
        self._router = Router(r[2] for r in routes)
        self._route_owner = {r[0]: r[1] for r in routes}
        self._functions: dict[str, Function] = {}
        self._spaces = ModuleSpaces(self.sources)
        self._dashboard: Dashboard | None = None
        self._http_deadlines = Deadlines()
        self._lock = threading.Lock()
        self._consumers: list[Consumer] = []
        self._scheduler: Scheduler | None = None
        self._server: HttpServer | None = None
        self._watcher: Watcher | None = None
        self._added_paths: list[str] = []
        self._closed = False
        self._saved_environ: dict[str, str | None] = {}
        self._entered = False
        self._engine_queues = {s.queue for s in self.subscriptions}
        self.state.queues.on_dead_letter(self._dead_lettered)
        self._enter()

    # -- lifecycle --

    def _enter(self) -> None:
        """Make the handlers importable and their environment visible (undone by ``stop``)."""
        if self._entered:
            return
        self._entered = True
        clear_cache()
        env.register_backends("local", _local_backends)
        for folder in reversed(self.sources):
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))
                self._added_paths.append(str(folder))
        for function in self.stack.functions:
            for name, value in function.environment.items():
                if name not in self._saved_environ:
                    self._saved_environ[name] = os.environ.get(name)
                os.environ[name] = value

    def start(self, *, serve: bool = False, host: str = "127.0.0.1", port: int = 0, watch: bool = False,
              consumers: bool = True, schedules: bool = True) -> LocalStack:
        """Start the background work: consumers, the scheduler, the HTTP server, the code watcher."""
        if self._consumers or self._scheduler or self._server or self._watcher:
            raise RuntimeError("this LocalStack is already started; stop() it first")
        self._enter()
        if consumers:
            for subscription in self.subscriptions:
                consumer = self._consumer(subscription, self.poll_interval)
                consumer.start()
                self._consumers.append(consumer)
        if schedules:
            self._scheduler = Scheduler(self.schedules, self._scheduled)
            self._scheduler.start()
        if serve:
            try:
                self._server = HttpServer(self.handle_http, host, port)
            except OSError as error:
                self.stop()
                raise PortableError(
                    f"Cannot listen on {host}:{port}: {error.strerror or error}",
                    hint="Choose another port with --port, or stop the program using it.",
                ) from None
            self._server.start()
        if watch:
            self._watcher = Watcher(self.sources, lambda paths: self.reload())
            self._watcher.start()
        return self

    def stop(self) -> None:
        """Stop everything started; messages being handled finish, unhandled ones stay queued."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._scheduler is not None:
            self._scheduler.stop()
            self._scheduler = None
        for consumer in self._consumers:
            consumer.stop()
        self._consumers.clear()
        if self._entered:
            self._entered = False
            for folder in self._added_paths:
                with contextlib.suppress(ValueError):
                    sys.path.remove(folder)
            self._added_paths.clear()
            for name, value in self._saved_environ.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            self._saved_environ.clear()
            forget_modules(self.sources)
            self._spaces.clear()
            clear_cache()

    def close(self) -> None:
        """``stop()`` and let go of the state databases (closed when no other LocalStack uses them)."""
        self.stop()
        self.measurements.save()
        self.feed.close()
        if not self._closed:
            self._closed = True
            self.state.queues.forget_listener(self._dead_lettered)
            self.state.release()

    def __enter__(self) -> LocalStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dashboard(self) -> Dashboard:
        """The dashboard's pages and actions (imported on the first request for them, to start fast)."""
        if self._dashboard is None:
            from providers.local.dashboard import Dashboard

            self._dashboard = Dashboard(self)
        return self._dashboard

    @property
    def url(self) -> str:
        """The base URL of the HTTP server (after ``start(serve=True)``)."""
        if self._server is None:
            raise RuntimeError("the HTTP server is not running; call start(serve=True)")
        return self._server.url

    # -- functions --

    def function(self, name: str) -> Function:
        """The dispatcher of function ``name`` (built on first use, again after a reload)."""
        function = self._functions.get(name)
        if function is None:
            with self._lock:
                function = self._functions.get(name)
                if function is None:
                    model = self.stack.get_function(name)
                    if model is None:
                        known = ", ".join(repr(f.name) for f in self.stack.functions) or "none"
                        raise PortableError(f"Stack {self.stack.name!r} has no function {name!r}. Functions: {known}.")
                    options: dict[str, Any] = {"timeout": model.timeout, "config": self._configs[name],
                                               "log_stream": self.feed}
                    if len(self.sources) > 1:  # same-named modules of different folders must not collide
                        function = IsolatedFunction(name, model.handler, spaces=self._spaces,
                                                    source=(self.root / model.source).resolve(), **options)
                    else:
                        function = Function(name, model.handler, **options)
                    self._functions[name] = function
        return function

    def _consumer(self, subscription: deploy.Subscription, poll_interval: float = 0.25) -> Consumer:
        model = self.stack.get_function(subscription.function)
        return Consumer(subscription, self.state.queues, self.function, self.backoff, poll_interval,
                        timeout=float(model.timeout) if model is not None else None, log=self.feed.write)

    def config(self, function: str) -> Mapping[str, str]:
        """The PORTABLE_* configuration ``function`` runs with."""
        self.function(function)
        return self._configs[function]

    def reload(self) -> None:
        """Re-import handler code on the next invocation of each function (the next one is a cold start)."""
        with self._lock:
            forget_modules(self.sources)
            self._spaces.clear()
            self._functions = {}
        import importlib

        importlib.invalidate_caches()

    # -- events --

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        """Route one request to its function (or to the local admin endpoints); never raises."""
        if request.path.startswith(ADMIN_PREFIX):
            return self._admin(request)
        route, _, allowed = self._router.match(request.method, request.path)
        if route is None:
            if allowed:
                return HttpResponse.json({"error": "method not allowed"}, 405, {"allow": ", ".join(allowed)})
            return HttpResponse.json({"error": f"no route for {request.method} {request.path}"}, 404)
        function = self.function(self._route_owner[route])
        answer = current_answer()
        if answer is None or not function.timeout:
            return function.http(request)
        watch = self._http_deadlines.watch(function.timeout, lambda: self._http_timed_out(function, request, answer))
        try:
            return function.http(request)
        finally:
            watch.done()

    def _http_timed_out(self, function: Function, request: HttpRequest, answer: Answer) -> None:
        """A request whose function ran past its timeout gets a 504 now, as from an API gateway."""
        timeout = float(function.timeout or 0)
        error = timeout_error(function.name, timeout)
        if answer.give_up(504, error):
            self.feed.write(timeout_line(function.name, "http", error, timeout, request.headers.get("traceparent") or "",
                                         status=504))

    def http(self, method: str, path: str, *, body: bytes | str = b"", headers: Mapping[str, str] | None = None,
             query: str | Mapping[str, str] | None = None, json: Any = None) -> HttpResponse:
        """Send a request in-process (no socket), like a test client; ``json=`` sets a JSON body."""
        if json is not None:
            body = dumps(json)
            headers = {"content-type": "application/json", **(headers or {})}
        return self.handle_http(HttpRequest(method.upper(), path, query=query, headers=dict(headers or {}), body=body,
                                            source_ip="127.0.0.1"))

    def invoke(self, function: str, event: HttpRequest | Message | ObjectEvent | ScheduleEvent) -> Any:
        """Run ``function`` once with a neutral event: an HttpResponse for a request, else None
        (raises ``HandlerFailed`` if the handler raised)."""
        fn = self.function(function)
        if isinstance(event, HttpRequest):
            return fn.http(event)
        if isinstance(event, Message):
            return fn.message(event)
        if isinstance(event, ObjectEvent):
            return fn.object_event(event)
        if isinstance(event, ScheduleEvent):
            return fn.schedule(event)
        raise TypeError(f"cannot invoke a function with a {type(event).__name__}")

    def run_schedule(self, name: str) -> None:
        """Run schedule ``name`` now (raises ``HandlerFailed`` if its handler raised)."""
        entry = next((e for e in self.schedules if e.name == name), None)
        if entry is None:
            known = ", ".join(repr(e.name) for e in self.schedules) or "none"
            raise PortableError(f"Stack {self.stack.name!r} has no schedule {name!r}. Schedules: {known}.")
        self.function(entry.function).schedule(ScheduleEvent(name, datetime.now(UTC), id=os.urandom(8).hex()))

    def _scheduled(self, entry: Entry, due: datetime) -> None:
        with contextlib.suppress(Exception):  # logged by the dispatcher; a failed run waits for the next one
            self.function(entry.function).schedule(ScheduleEvent(entry.name, due, id=os.urandom(8).hex()))

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every queue feeding a function is empty (messages handled or dead-lettered).

        Without ``start()`` the messages are handled here, in the calling thread.
        """
        queues = [s.queue for s in self.subscriptions]
        deadline = time.monotonic() + timeout
        inline = [] if self._consumers else [
            self._consumer(s) for s in self.subscriptions
        ]
        while self.state.queues.pending(queues):
            if time.monotonic() > deadline:
                waiting = {q: n for q in queues if (n := self.state.queues.depth(q))}
                raise TimeoutError(f"queues still hold messages after {timeout}s: {waiting}")
            worked = False
            for consumer in inline:
                sub = consumer.subscription
                batch = self.state.queues.receive(sub.queue, sub.batch_size, visibility_timeout=sub.visibility_timeout,
                                                  max_receives=sub.max_receives)
                if batch:
                    consumer.handle(batch)
                    worked = True
            if not worked:
                time.sleep(0.01)

    def _dead_lettered(self, letter: DeadLetter) -> None:
        if letter.queue in self._engine_queues:
            self.feed.dead_lettered(letter)

    # -- looking at the state --

    def dead_letters(self, queue: str) -> list[DeadLetter]:
        """Dead letters of an engine queue: a queue's name, ``topic:<topic>:<function>`` or
        ``object:<bucket>:<function>``."""
        return self.state.queues.dead_letters(queue)

    @contextmanager
    def admin(self) -> Iterator[None]:
        """Use the runtime clients (``bucket()``, ``table()``, ...) on every resource, outside any function."""
        state = str(self.state_dir)
        links = {}
        for resource in self.stack.resources():
            links[resource.name] = deploy.links_entry(
                self.stack, resource.kind, resource.name, _ADMIN_ACCESS[resource.kind], self.root, state
            )
        with env.configured({env.PROVIDER: "local", env.FUNCTION: "admin", env.LINKS: dumps(links)}):
            yield

    def _admin(self, request: HttpRequest) -> HttpResponse:
        refused = guard.refusal(request.method, request.headers, self._server.host if self._server else "127.0.0.1")
        if refused is not None:
            return HttpResponse.json({"error": refused}, 403)
        path = request.path[len(ADMIN_PREFIX):].strip("/")
        if path == "health":
            return HttpResponse.json({"stack": self.stack.name, "functions": [f.name for f in self.stack.functions]})
        kind, _, name = path.partition("/")
        if kind == "schedules" and name:
            if request.method != "POST":
                return HttpResponse.json({"error": "use POST to run a schedule"}, 405, {"allow": "POST"})
            try:
                self.run_schedule(name)
            except PortableError as error:
                return HttpResponse.json({"error": error.message}, 404)
            except Exception as error:
                return HttpResponse.json({"schedule": name, "outcome": "error", "error": str(error)}, 500)
            return HttpResponse.json({"schedule": name, "outcome": "ok"})
        answer = self.dashboard.handle(request, path)
        if answer is not None:
            return answer
        return HttpResponse.json({"error": f"no local endpoint {request.method} {request.path}",
                                  "endpoints": ["GET /_portable/ (the dashboard)", "GET /_portable/health",
                                                "POST /_portable/schedules/<name>"]}, 404)


def _local_backends() -> Mapping[str, Any]:
    from providers.local.clients import BACKENDS

    return BACKENDS
