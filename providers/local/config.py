"""The local "deploy" step: from the model to each function's configuration and to the work to serve.

Like a cloud adapter turns a stack into resources, this turns it into PORTABLE_* configurations (one
per function, bound while that function runs; the contract of :mod:`portable.contract`) and :class:`Subscription`s (which engine queue feeds
which function, with what batch size, visibility timeout and dead letter).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portable import contract
from portable.model import Function, ObjectTrigger, QueueTrigger, Stack, TopicTrigger
from portable.runtime import env
from portable.runtime.log import LEVELS
from providers.local.contract import (
    SECRETS_FILE,
    object_queue,
    physical_id,
    queue_name,
    secret_env,
    topic_queue,
)

DEFAULT_CONCURRENCY = 4
"""Consumer threads per subscription when the trigger sets no ``max_concurrency``."""
EVENT_MAX_RECEIVES = 5
"""Receives before a topic message or an object event goes to the dead letters (queues set their own)."""
EVENT_BATCH_SIZE = 10


@dataclass(frozen=True, slots=True)
class Subscription:
    """An engine queue feeding a function: ``kind`` is ``queue``, ``topic`` or ``object``; ``source`` the
    portable name of the queue, topic or bucket."""

    function: str
    kind: str
    source: str
    queue: str
    batch_size: int
    concurrency: int
    visibility_timeout: float
    max_receives: int | None
    retention: float | None


def function_config(stack: Stack, function: Function, root: Path, state: Path, log: str | None = None) -> dict[str, str]:
    """The PORTABLE_* configuration ``function`` runs with locally (:mod:`portable.contract`): at the
    ``log`` level when given, else at its own level but at least ``info`` (the invocation feed is built
    from those lines)."""
    config = contract.variables(function, "local", contract.encode(links(stack, function, root, state)))
    config[env.LOG] = log or max(function.log_level, "info", key=LEVELS.__getitem__)
    return config


def links(stack: Stack, function: Function, root: Path, state: Path) -> dict[str, dict[str, Any]]:
    """PORTABLE_LINKS for ``function``: its links, then the sources of its triggers (access ``trigger``)."""
    return contract.link_entries(stack, function, describer(stack, root, str(state)))


def links_entry(stack: Stack, kind: str, name: str, access: str, root: Path, state: str) -> dict[str, Any]:
    """The PORTABLE_LINKS entry of resource ``name`` with ``access`` (the local console's own clients)."""
    return contract.link_entry(stack, kind, name, access, describer(stack, root, state))


def describer(stack: Stack, root: Path, state: str) -> contract.Describe:
    """The local keys of a link entry: ``id`` and ``state``, and per kind what the local clients need
    (see :mod:`providers.local.contract`)."""

    def describe(kind: str, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": physical_id(state, kind, name), "state": state}
        if kind == "bucket":
            entry["notify"] = [
                {"queue": object_queue(name, f.name), **t.as_filter()}
                for f in stack.consumers("bucket", name)
                for t in f.triggers
                if isinstance(t, ObjectTrigger) and t.bucket == name
            ]
        elif kind == "topic":
            entry["subscribers"] = [topic_queue(name, f.name) for f in stack.consumers("topic", name)]
        elif kind == "secret":
            entry.update(env=secret_env(name), file=str(root / SECRETS_FILE))
        return entry

    return describe


def subscriptions(stack: Stack) -> list[Subscription]:
    """Every engine queue that feeds a function."""
    found = []
    for function in stack.functions:
        event_visibility = float(function.timeout) + 5.0
        for trigger in function.triggers:
            if isinstance(trigger, QueueTrigger):
                queue = stack.resource("queue", trigger.queue)
                found.append(Subscription(
                    function.name, "queue", trigger.queue, queue_name(trigger.queue), trigger.batch_size,
                    trigger.max_concurrency or DEFAULT_CONCURRENCY, float(getattr(queue, "visibility_timeout", 30)),
                    getattr(queue, "dead_letter_after", 5), float(getattr(queue, "retention", 345600)),
                ))
            elif isinstance(trigger, TopicTrigger):
                found.append(Subscription(
                    function.name, "topic", trigger.topic, topic_queue(trigger.topic, function.name),
                    EVENT_BATCH_SIZE, DEFAULT_CONCURRENCY, event_visibility, EVENT_MAX_RECEIVES, None,
                ))
            elif isinstance(trigger, ObjectTrigger) and not any(
                s.queue == object_queue(trigger.bucket, function.name) for s in found
            ):
                found.append(Subscription(
                    function.name, "object", trigger.bucket, object_queue(trigger.bucket, function.name),
                    EVENT_BATCH_SIZE, DEFAULT_CONCURRENCY, event_visibility, EVENT_MAX_RECEIVES, None,
                ))
    return found


def missing_secrets(stack: Stack, root: Path) -> list[str]:
    """Names of the linked secrets with no local value (for a warning at start)."""
    from providers.local.secrets import SecretMissing, lookup

    missing = []
    for secret in stack.secrets:
        try:
            lookup(secret.name, secret_env(secret.name), root / SECRETS_FILE)
        except SecretMissing:
            missing.append(secret.name)
    return missing
