"""How each target *behaves*, as data: the facts ``portable check`` and ``portable migrate plan`` compare.

Limits (:mod:`portable.limits`) say what a target can run at all; facts say what it does differently
once it runs: message and item sizes, key types, number precision, TTL precision, schedule time zones,
front-door timeout caps, delivery and ordering, visibility versus ack deadlines. Each provider keeps
one :class:`ProviderFacts` in ``providers/<name>/facts.py`` (``FACTS``: pure data, no SDK import) and
returns it from ``Provider.facts()``; nothing else in portable holds a second copy.

Every section is a frozen dataclass. Sizes are in bytes, durations in seconds; ``None`` means "no
limit worth stating" (the local provider, mostly). ``service`` names the native service that plays
the part; ``emulated`` is ``None`` where the service does it natively, else how portable emulates it.
``sources`` maps each field name to a short note saying where the value comes from, so a fact can be
re-checked: :meth:`Section.source` reads it.

>>> facts = ProviderFacts(
...     name="tiny", title="Tiny Cloud",
...     queue=QueueFacts(service="TinyQ", message_bytes=1024, delivery="at-least-once", ordering="none",
...                      redelivery="visibility timeout", redelivery_max=3600, retention_max=86400,
...                      sources={"message_bytes": "TinyQ docs, quotas"}),
... )
>>> facts.queue.message_bytes, facts.queue.source("message_bytes")
(1024, 'TinyQ docs, quotas')
>>> facts.queue.source("ordering")
''
>>> facts.section("queue").service
'TinyQ'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

Delivery = Literal["at-least-once", "at-most-once", "exactly-once"]
"""How often a message, event or scheduled run reaches the function."""
Ordering = Literal["none", "best-effort", "per-key", "fifo"]
"""What order deliveries keep: ``none``, ``best-effort`` (mostly in order, not promised), ``per-key``
(in order per ordering/partition key, where enabled), ``fifo`` (strict)."""
KeyType = Literal["string", "number", "binary"]
"""A value type a table key may hold natively."""

SECTIONS = ("function", "http", "queue", "topic", "table", "bucket", "schedule", "secret")
"""The names of the sections of :class:`ProviderFacts`, in the order reports show them."""


@dataclass(frozen=True, kw_only=True)
class Section:
    """What every section has: the native ``service``, how portable ``emulated`` it (``None``:
    native), and ``sources`` (field name → where the value comes from)."""

    service: str
    emulated: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    def source(self, name: str) -> str:
        """Where the value of field ``name`` comes from ('' when not recorded)."""
        return self.sources.get(name, "")

    def values(self) -> dict[str, object]:
        """The facts of this section by field name (``sources`` left out), for reports and JSON."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sources"}


@dataclass(frozen=True, kw_only=True)
class FunctionFacts(Section):
    """The compute service. ``timeout_max``: longest invocation; ``warm``: what keeping
    ``min_instances`` warm is called there; ``concurrency``: requests one instance serves at a time
    by default; ``state_between_invocations``: module globals survive on a warm instance."""

    timeout_max: int | None
    warm: str
    concurrency: int | None
    state_between_invocations: bool = True


@dataclass(frozen=True, kw_only=True)
class HttpFacts(Section):
    """The front door of HTTP triggers. ``timeout``: the longest request it lets run (past it the
    caller gets an error even if the function goes on); ``request_bytes``/``response_bytes``: the
    largest payloads; ``long_service``: where portable routes functions whose timeout is past
    ``timeout`` (``None``: nowhere, the cap is hard)."""

    timeout: int | None
    request_bytes: int | None
    response_bytes: int | None
    long_service: str | None = None
    long_timeout: int | None = None


@dataclass(frozen=True, kw_only=True)
class QueueFacts(Section):
    """A work queue. ``redelivery`` names the mechanism that hides a received message
    (``visibility timeout`` on SQS and Storage queues, ``ack deadline`` on Pub/Sub);
    ``redelivery_max`` is the longest it can be; ``retention_max`` the longest an unconsumed message
    is kept; ``batch_max`` the most messages one invocation receives."""

    message_bytes: int | None
    delivery: Delivery
    ordering: Ordering
    redelivery: str
    redelivery_max: int | None
    retention_max: int | None
    batch_max: int | None = None
    dead_letter: str = "native"


@dataclass(frozen=True, kw_only=True)
class TopicFacts(Section):
    """A fan-out topic: every subscription gets every message."""

    message_bytes: int | None
    delivery: Delivery
    ordering: Ordering
    retention_max: int | None = None


@dataclass(frozen=True, kw_only=True)
class TableFacts(Section):
    """A key-value/document table. ``item_bytes``: the largest item; ``properties_max``: most
    attributes per item (``None``: no stated limit); ``key_types``: what a key may hold natively
    (others are stored as strings); ``key_bytes``: the longest key; ``number_precision``: how
    numbers are kept; ``sets``/``binary``: native set and bytes types; ``nesting_max``: deepest
    nested map/list; ``ttl``: how expired items go away and how soon (``ttl_native`` False: portable
    hides expired items on read); ``consistency``: what a read after a write sees."""

    item_bytes: int | None
    properties_max: int | None
    key_types: tuple[KeyType, ...]
    key_bytes: int | None
    number_precision: str
    sets: bool
    binary: bool
    nesting_max: int | None
    ttl_native: bool
    ttl: str
    consistency: str


@dataclass(frozen=True, kw_only=True)
class BucketFacts(Section):
    """Object storage and its object events."""

    object_bytes: int | None
    key_bytes: int | None
    metadata_bytes: int | None
    event_delivery: Delivery
    event_ordering: Ordering
    event_filters: str | None = None
    """How prefix/suffix filters of object triggers are applied when the service cannot apply them
    itself (``None``: the service filters)."""


@dataclass(frozen=True, kw_only=True)
class ScheduleFacts(Section):
    """The scheduler. ``time_zones``: runs in a named zone (else UTC only: portable converts fixed
    offsets and refuses zones with daylight saving); ``min_interval``: the shortest period between
    runs portable can express there; ``delivery``: how often each run happens."""

    time_zones: bool
    min_interval: int
    delivery: Delivery
    attempt_timeout: int | None = None


@dataclass(frozen=True, kw_only=True)
class SecretFacts(Section):
    """The secret store. ``value_bytes``: the largest value."""

    value_bytes: int | None


@dataclass(frozen=True)
class ProviderFacts:
    """All the behaviour facts of one target (``providers/<name>/facts.py`` holds its ``FACTS``)."""

    name: str
    title: str
    function: FunctionFacts | None = None
    http: HttpFacts | None = None
    queue: QueueFacts | None = None
    topic: TopicFacts | None = None
    table: TableFacts | None = None
    bucket: BucketFacts | None = None
    schedule: ScheduleFacts | None = None
    secret: SecretFacts | None = None

    def section(self, name: str) -> Section:
        """The section called ``name`` (one of :data:`SECTIONS`); a KeyError if it is not recorded."""
        if name not in SECTIONS:
            raise KeyError(f"no facts section {name!r}; sections: {', '.join(SECTIONS)}")
        found: Section | None = getattr(self, name)
        if found is None:
            raise KeyError(f"{self.title} records no {name} facts")
        return found

    def sections(self) -> dict[str, Section]:
        """The recorded sections by name, in :data:`SECTIONS` order."""
        return {name: getattr(self, name) for name in SECTIONS if getattr(self, name) is not None}


KB = 1024
MB = 1024 * KB
GB = 1024 * MB
TB = 1024 * GB
