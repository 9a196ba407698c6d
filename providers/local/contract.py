"""The contract between the local provider's serving side and its runtime clients, in one place.

Each PORTABLE_LINKS entry of a locally served function carries, besides ``kind``, ``access`` and
``id``, the key ``state`` (the state folder) and per kind:

- bucket: ``notify``, a list of ``{"queue", "events", "prefix", "suffix"}``: the object triggers;
- topic: ``subscribers``, the internal queue of each subscribing function;
- table: ``key``, ``sort_key``, ``ttl_attribute``;
- secret: ``env`` (the variable holding it) and ``file`` (the project's secrets file).

Standard library only: the runtime clients import this module.
"""

from __future__ import annotations

import re

STATE_DIR = ".portable/state"
"""Where a project's local state lives, relative to the project root."""
SECRETS_FILE = ".portable/secrets.env"
"""The git-ignored file of local secret values, relative to the project root."""
SECRET_PREFIX = "PORTABLE_SECRET_"

QUEUES_DB = "queues.sqlite3"
TABLES_DB = "tables.sqlite3"
BUCKETS_DIR = "buckets"

ADMIN_PREFIX = "/_portable/"
"""HTTP paths under this prefix belong to the local server (e.g. ``POST /_portable/schedules/<name>``)."""

OBJECT_EVENT_VERSION = 1


def secret_env(name: str) -> str:
    """The environment variable holding secret ``name``.

    >>> secret_env("receipt-signing-key")
    'PORTABLE_SECRET_RECEIPT_SIGNING_KEY'
    """
    return SECRET_PREFIX + re.sub(r"[^A-Z0-9]", "_", name.upper())


def physical_id(state: str, kind: str, name: str) -> str:
    """The ``id`` of a local resource: unique per state folder (the bucket's is its folder).

    >>> physical_id("/p/.portable/state", "bucket", "receipts")
    '/p/.portable/state/buckets/receipts'
    """
    return f"{state}/{kind}s/{name}"


def queue_name(queue: str) -> str:
    """The engine's queue for a portable queue: the same name."""
    return queue


def topic_queue(topic: str, function: str) -> str:
    """The engine's queue holding ``topic``'s messages for subscriber ``function``.

    Portable names have no ':', so these never clash with a portable queue.
    """
    return f"topic:{topic}:{function}"


def object_queue(bucket: str, function: str) -> str:
    """The engine's queue holding ``bucket``'s object events for ``function``."""
    return f"object:{bucket}:{function}"
