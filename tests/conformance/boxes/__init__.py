"""A cloud in a box per target: the orders example running as deployed, with the platform's event
delivery played by a pump and the data services by emulators on 127.0.0.1.

Every box offers the same small surface (:class:`Box`), so one scenario drives them all.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

SIGNING_KEY = "conformance-signing-key"
"""The value of the example's ``receipt-signing-key`` secret in every box."""


@dataclass(frozen=True)
class Response:
    """An HTTP answer as a client sees it: header names lower-cased."""

    status: int
    headers: dict[str, str]
    body: bytes


def http_call(url: str, method: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
    """One request over a real socket."""
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@dataclass
class Delivery:
    """What the functions wrote while the box ran: their JSON log lines and their printed lines."""

    log: list[dict[str, Any]] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)


class Box(Protocol):
    """One target running the orders example."""

    target: str
    seen: Delivery

    def http(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        """A request as a client sends it to the stack's public URL."""

    def pump(self) -> None:
        """Deliver every pending event (queue messages, object events, topic messages) as the platform does,
        retries and dead letters included, until nothing is left."""

    def send(self, queue: str, body: bytes, attributes: dict[str, str]) -> None:
        """Put a message on a portable queue, as another producer would."""

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        """Write an object into a portable bucket, as another writer would."""

    def get_object(self, bucket: str, key: str) -> bytes | None:
        """An object of a portable bucket, or ``None``."""

    def run_schedule(self, name: str) -> None:
        """The platform's scheduler fires schedule ``name`` now."""

    def dead_letters(self, queue: str) -> list[tuple[bytes, dict[str, str]]]:
        """Body and attributes of each message in a portable queue's dead letter."""

    def close(self) -> None:
        """Stop whatever the box started."""
