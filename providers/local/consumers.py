"""Consumers: threads that take batches from an engine queue and hand each message to its function.

A batch is acknowledged once handled; a message whose handler raised is retried alone after a
backoff and dead-lettered after the subscription's ``max_receives``; so is one whose handler runs past
the function's timeout (see :mod:`providers.local.deadlines`). A message whose function cannot
run at all (its code does not import, a secret or link is missing) is held back without counting the
receive, so fixing the code or the secret and saving resumes the work instead of losing it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from portable.runtime.dispatch import Function
from portable.runtime.errors import ConfigError, EventError, HandlerFailed
from portable.runtime.message import Message
from providers.local import notifications
from providers.local.config import Subscription
from providers.local.deadlines import Deadlines, timeout_error, timeout_line
from providers.local.queues import Backoff, QueueStore, Received

POLL_INTERVAL = 0.25
"""Seconds between looks at the queue when no send in this process woke the consumer (other processes'
sends, retries coming due)."""
HOLD_DELAY = 2.0
"""Seconds a message waits when its function cannot run (see the module docstring)."""
EXPIRE_EVERY = 60.0


class Consumer:
    """``subscription.concurrency`` threads feeding one function from one engine queue."""

    def __init__(
        self,
        subscription: Subscription,
        queues: QueueStore,
        function: Callable[[str], Function],
        backoff: Backoff,
        poll_interval: float = POLL_INTERVAL,
        *,
        timeout: float | None = None,
        log: Callable[[str], object] | None = None,
    ) -> None:
        self.subscription = subscription
        self.timeout = timeout
        self._log = log
        self._deadlines = Deadlines()
        self._replacements = 0
        self._lock = threading.Lock()
        self._queues = queues
        self._function = function
        self._backoff = backoff
        self._poll = poll_interval
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for _ in range(self.subscription.concurrency):
            self._spawn()

    def _spawn(self) -> None:
        sub = self.subscription
        thread = threading.Thread(
            target=self._run, name=f"portable-{sub.function}-{sub.kind}-{len(self._threads)}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking messages; a batch being handled finishes its current message, the rest go back."""
        self._stopping.set()
        with self._queues.changed:
            self._queues.changed.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads.clear()

    def _run(self) -> None:
        sub, queues = self.subscription, self._queues
        next_expiry = time.monotonic()
        while not self._stopping.is_set():
            seen = queues.sends
            if sub.retention is not None and time.monotonic() >= next_expiry:
                queues.expire(sub.queue, sub.retention)
                next_expiry = time.monotonic() + EXPIRE_EVERY
            batch = queues.receive(
                sub.queue, sub.batch_size, visibility_timeout=sub.visibility_timeout, max_receives=sub.max_receives
            )
            if batch:
                if self.handle(batch) and self._retire():
                    return  # a replacement took over while this thread ran a handler past its timeout
                continue
            timeout = self._wait()
            with queues.changed:
                if queues.sends == seen and not self._stopping.is_set():
                    queues.changed.wait(timeout)

    def _wait(self) -> float:
        due = self._queues.next_visible(self.subscription.queue)
        if due is None:
            return self._poll
        return max(0.001, min(self._poll, due - time.time()))

    def handle(self, batch: list[Received]) -> int:
        """Handle a received batch: acknowledge what succeeded, retry or bury each failure alone.
        Returns how many messages ran past the function's timeout (failed by the watchdog)."""
        queues = self._queues
        done: list[Received] = []
        late = 0
        for index, message in enumerate(batch):
            if self._stopping.is_set():
                queues.release(batch[index:])
                break
            watch = self._deadlines.watch(self.timeout, lambda m=message: self._timed_out(m)) if self.timeout else None
            error: str | None = None
            try:
                self.deliver(message)
            except HandlerFailed as failure:
                if isinstance(failure.original, ConfigError):
                    if not (watch and watch.done()):
                        queues.release([message], delay=HOLD_DELAY)
                    continue
                error = _describe(failure.original)
            except ConfigError:
                if watch and watch.done():
                    index += 1
                queues.release(batch[index:], delay=HOLD_DELAY)
                break
            except EventError as failure:
                error = f"{type(failure).__name__}: {failure}"
            if watch and watch.done():
                late += 1
            elif error is None:
                done.append(message)
            else:
                self._fail(message, error)
        queues.ack(done)
        return late

    def _fail(self, message: Received, error: str) -> None:
        self._queues.fail(message, error, max_receives=self.subscription.max_receives,
                          delay=self._backoff.delay(message.receives))

    def _timed_out(self, message: Received) -> None:
        """The watchdog's work when a handler passes the function's timeout: log, fail, replace the thread."""
        sub = self.subscription
        error = timeout_error(sub.function, self.timeout or 0.0)
        if self._log is not None:
            traceparent = message.attributes.get("traceparent", "")
            self._log(timeout_line(sub.function, sub.kind, error, self.timeout or 0.0, traceparent,
                                   invocation_id=message.id, message_id=message.id))
        self._fail(message, error)
        if not self._stopping.is_set() and self._threads:
            with self._lock:
                self._replacements += 1
            self._spawn()

    def _retire(self) -> bool:
        with self._lock:
            if self._replacements <= 0:
                return False
            self._replacements -= 1
            return True

    def deliver(self, received: Received) -> None:
        """Run the function for one message (raises what the dispatcher raises)."""
        sub = self.subscription
        function = self._function(sub.function)
        traceparent = received.attributes.get("traceparent")
        if sub.kind == "object":
            event = notifications.decode(received.body, received.id)
            function.object_event(event, function.context(traceparent=traceparent))
            return
        message = Message(
            received.body, received.id, received.attributes, received.receives,
            int(received.sent_at * 1000), source=sub.source, raw=received,
        )
        function.message(message, function.context(traceparent=traceparent))


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
