"""``Context``: what a handler knows about its invocation; the context of the running one; W3C trace
context (``traceparent``) helpers, and conversion from the platforms' own trace headers."""

from __future__ import annotations

import os
import time
from contextvars import ContextVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


_TRACEPARENT = r"00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}"
_match: Callable[[str], object] | None = None  # the compiled pattern's fullmatch, compiled on first use


def valid_traceparent(value: object) -> bool:
    """True for a version-00 ``traceparent`` (lower-case hex) with non-zero trace and span ids.

    >>> valid_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    True
    """
    global _match
    if type(value) is not str:
        return False
    if _match is None:
        import re

        _match = re.compile(_TRACEPARENT).fullmatch
    return _match(value) is not None


def new_span_id() -> str:
    return os.urandom(8).hex()


def child_of(parent: str | None) -> str:
    """A traceparent for a new span: in ``parent``'s trace if that is valid, else in a new trace."""
    if parent is not None and valid_traceparent(parent):
        return f"00-{parent[3:35]}-{new_span_id()}-{parent[53:]}"
    ids = os.urandom(24).hex()  # the trace and span ids from one system call
    return f"00-{ids[:32]}-{ids[32:]}-01"


def from_xray(header: str | None) -> str | None:
    """``Root=1-5e6722a7-cc56...;Parent=53995c3f42cd8ad8;Sampled=1`` -> a traceparent, or None."""
    if not header or type(header) is not str:
        return None
    root = parent = None
    sampled = "01"
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "Root":
            root = value
        elif name == "Parent":
            parent = value
        elif name == "Sampled" and value == "0":
            sampled = "00"
    if root is None or len(root) != 35 or root[:2] != "1-" or root[10] != "-":
        return None
    candidate = f"00-{root[2:10]}{root[11:]}-{parent or new_span_id()}-{sampled}"
    return candidate if valid_traceparent(candidate) else None


def from_cloud_trace(header: str | None) -> str | None:
    """``TRACE_ID/SPAN_ID;o=1`` (Google's X-Cloud-Trace-Context) -> a traceparent, or None."""
    if not header or type(header) is not str:
        return None
    trace, _, rest = header.partition("/")
    span_text, _, options = rest.partition(";")
    try:
        span = f"{int(span_text):016x}" if span_text else new_span_id()
    except ValueError:
        return None
    candidate = f"00-{trace.lower()}-{span[-16:]}-{'01' if options == 'o=1' else '00'}"
    return candidate if valid_traceparent(candidate) else None


class Context:
    """The invocation a handler runs in.

    ``traceparent`` is this invocation's own span (W3C format), in the trace of the incoming request
    or message when that carried one; runtime clients pass it on. ``remaining_time()`` is the time
    left before the platform stops the invocation, in seconds (None when unknown; ``remaining_ms`` is a
    platform callable giving it in milliseconds, ``deadline`` a ``time.monotonic()`` instant). ``raw`` is the
    platform's own context object (e.g. the Lambda context), if any.

    >>> ctx = Context("api", "inv-1", "local", traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    >>> ctx.trace_id
    '4bf92f3577b34da6a3ce929d0e0e4736'
    """

    __slots__ = (
        "_deadline",
        "_incoming",
        "_invocation_id",
        "_remaining",
        "_traceparent",
        "cold_start",
        "function_name",
        "provider",
        "raw",
    )

    def __init__(
        self,
        function_name: str = "",
        invocation_id: str = "",
        provider: str = "local",
        cold_start: bool = False,
        traceparent: str | None = None,
        deadline: float | None = None,
        remaining_ms: Callable[[], float] | None = None,
        raw: object = None,
    ) -> None:
        self.function_name = function_name
        self._invocation_id = invocation_id
        self.provider = provider
        self.cold_start = cold_start
        self._incoming = traceparent
        self._traceparent: str | None = None
        self._deadline = deadline
        self._remaining = remaining_ms
        self.raw = raw

    @property
    def invocation_id(self) -> str:
        """The platform's id of this invocation; a random one (made on first use) when it gives none."""
        value = self._invocation_id
        if not value:
            value = self._invocation_id = os.urandom(16).hex()
        return value

    @invocation_id.setter
    def invocation_id(self, value: str) -> None:
        self._invocation_id = value

    @property
    def traceparent(self) -> str:
        """This invocation's span as a W3C ``traceparent`` header value."""
        tp = self._traceparent
        if tp is None:
            tp = self._traceparent = child_of(self._incoming)
        return tp

    @property
    def trace_id(self) -> str:
        """The 32-hex-digit trace id."""
        tp = self._traceparent
        if tp is None:
            incoming = self._incoming
            if valid_traceparent(incoming):
                return incoming[3:35]  # type: ignore[index]
            tp = self.traceparent
        return tp[3:35]

    @property
    def parent_traceparent(self) -> str | None:
        """The incoming (caller's) traceparent, if the request or message carried a valid one."""
        incoming = self._incoming
        return incoming if incoming is not None and valid_traceparent(incoming) else None

    def remaining_time(self) -> float | None:
        """Seconds left before the platform's timeout, or None if unknown."""
        if self._remaining is not None:
            return self._remaining() / 1000.0
        if self._deadline is not None:
            return max(0.0, self._deadline - time.monotonic())
        return None

    def __repr__(self) -> str:
        return (
            f"Context(function_name={self.function_name!r}, invocation_id={self.invocation_id!r}, "
            f"provider={self.provider!r}, cold_start={self.cold_start!r})"
        )


_current: ContextVar[Context | None] = ContextVar("portable_context", default=None)


def current_context() -> Context | None:
    """The Context of the invocation running in this thread/task, if any."""
    return _current.get()
