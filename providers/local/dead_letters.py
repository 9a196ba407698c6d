"""Looking at and acting on dead letters: list, show, redrive and purge, by portable or engine queue name.

The dead letters live in the state folder's queue database, so a :class:`DeadLetterDesk` works the
same whether ``portable dev`` is running (in another process: SQLite's locking orders the writes, and
its consumers poll, so a redriven message is picked up within a poll interval) or not.

A queue is named as ``portable dev`` names it: a portable queue by its name (``jobs``), a topic
subscription as ``topic:<topic>:<function>`` and a bucket's object events as ``object:<bucket>:<function>``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portable.errors import PortableError, UsageError
from portable.model import Stack
from providers.local.config import Subscription, subscriptions
from providers.local.contract import QUEUES_DB
from providers.local.queues import DeadLetter, QueueStore

PREVIEW = 60
"""Characters of a body shown in a listing."""


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """An engine queue that can hold dead letters: what feeds which function, and how many died."""

    queue: str
    kind: str
    source: str
    function: str
    dead_letters: int


class DeadLetterDesk:
    """The dead letters of one stack's state folder."""

    def __init__(self, stack: Stack, state_dir: Path | None = None, *, store: QueueStore | None = None) -> None:
        """Open the queue database of ``state_dir``, or use an open ``store`` (a running stack's)."""
        self.stack = stack
        self.subscriptions: dict[str, Subscription] = {s.queue: s for s in subscriptions(stack)}
        if store is None and state_dir is None:
            raise TypeError("DeadLetterDesk needs a state_dir or a store")
        self._owned = store is None
        self.store = store if store is not None else QueueStore(state_dir / QUEUES_DB)  # type: ignore[operator]

    def close(self) -> None:
        if self._owned:
            self.store.close()

    def __enter__(self) -> DeadLetterDesk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def preview(body: bytes, width: int = 0) -> str:
        """The start of a body on one line (see :func:`preview`)."""
        return preview(body, width or PREVIEW)

    @staticmethod
    def as_json(letter: DeadLetter) -> dict[str, Any]:
        """A dead letter for tools (see :func:`as_json`)."""
        return as_json(letter)

    def summaries(self) -> list[QueueSummary]:
        """Every queue feeding a function, with its dead-letter count."""
        counts = self.store.dead_letter_counts()
        return [QueueSummary(q, s.kind, s.source, s.function, counts.get(q, 0)) for q, s in self.subscriptions.items()]

    def queue(self, name: str) -> str:
        """The engine queue called ``name``, or a PortableError listing the queues there are."""
        if name in self.subscriptions:
            return name
        known = ", ".join(repr(q) for q in self.subscriptions) or "none"
        raise PortableError(
            f"Stack {self.stack.name!r} has no queue {name!r} feeding a function. Queues: {known}.",
            hint="Topic subscriptions are named topic:<topic>:<function>, object events object:<bucket>:<function>.",
        )

    def letters(self, queue: str, ids: Sequence[str] | None = None) -> list[DeadLetter]:
        """The dead letters of ``queue`` (those with the message ``ids`` when given; each must be there)."""
        found = self.store.dead_letters(self.queue(queue), ids or None)
        if ids:
            missing = [i for i in ids if i not in {letter.id for letter in found}]
            if missing:
                raise PortableError(
                    f"Queue {queue!r} has no dead letter with message id {', '.join(missing)}",
                    hint=f"List them with `portable dead-letters TARGET {queue}`.",
                )
        return found

    def redrive(self, queue: str, ids: Sequence[str] | None, *, everything: bool = False, to: str | None = None) -> int:
        """Put dead letters back on ``queue`` (or on ``to``) for new deliveries; returns how many."""
        chosen = _chosen(ids, everything, "redrive")
        target = self.queue(to) if to is not None else None
        if chosen is not None:
            self.letters(queue, chosen)
        return self.store.redrive(self.queue(queue), chosen, to=target)

    def purge(self, queue: str, ids: Sequence[str] | None, *, everything: bool = False) -> int:
        """Delete dead letters for good; returns how many."""
        chosen = _chosen(ids, everything, "purge")
        if chosen is not None:
            self.letters(queue, chosen)
        return self.store.purge_dead_letters(self.queue(queue), chosen)


def _chosen(ids: Sequence[str] | None, everything: bool, verb: str) -> list[str] | None:
    if everything and ids:
        raise UsageError(f"Give message ids or --all to {verb}, not both")
    if not everything and not ids:
        raise UsageError(f"Say which dead letters to {verb}: their message ids, or --all")
    return None if everything else list(ids or ())


def body_text(body: bytes) -> tuple[str, bool]:
    """The body as text, and whether that text is base64 (a body that is not UTF-8)."""
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def preview(body: bytes, width: int = PREVIEW) -> str:
    """The start of a body on one line.

    >>> preview(b'{"order": 1}\\n')
    '{"order": 1}'
    >>> preview(b"x" * 80, width=10)
    'xxxxxxxxx…'
    >>> preview(bytes([255, 0]))
    '<2 bytes, not UTF-8>'
    """
    text, binary = body_text(body)
    if binary:
        return f"<{len(body)} bytes, not UTF-8>"
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def as_json(letter: DeadLetter) -> dict[str, Any]:
    """A dead letter for tools: the whole body (base64 when not UTF-8), times in ISO 8601 UTC."""
    text, binary = body_text(letter.body)
    return {
        "id": letter.id, "queue": letter.queue, "body": text, "base64_body": binary, "attributes": letter.attributes,
        "receives": letter.receives, "error": letter.error, "sent_at": iso(letter.sent_at), "died_at": iso(letter.died_at),
    }


def iso(epoch: float) -> str:
    """An epoch time in ISO 8601 UTC, to the millisecond.

    >>> iso(0)
    '1970-01-01T00:00:00.000Z'
    """
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
