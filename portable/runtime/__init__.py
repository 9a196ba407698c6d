"""What handler code sees: neutral events, the invocation context and runtime clients.

Standard library only; names are imported on first use (PEP 562), so ``import portable.runtime``
costs almost nothing at a cold start::

    from portable.runtime import HttpRequest, HttpResponse, Context, bucket, queue
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from portable.runtime.clients import Bucket as Bucket
    from portable.runtime.clients import Queue as Queue
    from portable.runtime.clients import Secret as Secret
    from portable.runtime.clients import Table as Table
    from portable.runtime.clients import Topic as Topic
    from portable.runtime.clients import bucket as bucket
    from portable.runtime.clients import queue as queue
    from portable.runtime.clients import secret as secret
    from portable.runtime.clients import table as table
    from portable.runtime.clients import topic as topic
    from portable.runtime.context import Context as Context
    from portable.runtime.context import current_context as current_context
    from portable.runtime.dispatch import Function as Function
    from portable.runtime.errors import BadKey as BadKey
    from portable.runtime.errors import ConfigError as ConfigError
    from portable.runtime.errors import EventError as EventError
    from portable.runtime.errors import HandlerFailed as HandlerFailed
    from portable.runtime.errors import ItemExists as ItemExists
    from portable.runtime.errors import LinkError as LinkError
    from portable.runtime.errors import MalformedEvent as MalformedEvent
    from portable.runtime.errors import UnsupportedEvent as UnsupportedEvent
    from portable.runtime.http import HttpRequest as HttpRequest
    from portable.runtime.http import HttpResponse as HttpResponse
    from portable.runtime.message import Message as Message
    from portable.runtime.multidict import Headers as Headers
    from portable.runtime.multidict import MultiDict as MultiDict
    from portable.runtime.objects import ObjectEvent as ObjectEvent
    from portable.runtime.schedule import ScheduleEvent as ScheduleEvent

UNSET: Any = object()
"""Marks a lazily decoded field as "not computed yet" (None is a valid JSON value)."""

_EXPORTS = {
    "HttpRequest": "http", "HttpResponse": "http", "Message": "message", "ObjectEvent": "objects",
    "ScheduleEvent": "schedule", "Context": "context", "current_context": "context", "Function": "dispatch",
    "Headers": "multidict", "MultiDict": "multidict",
    "bucket": "clients", "table": "clients", "queue": "clients", "topic": "clients", "secret": "clients",
    "Bucket": "clients", "Table": "clients", "Queue": "clients", "Topic": "clients", "Secret": "clients",
    "EventError": "errors", "MalformedEvent": "errors", "UnsupportedEvent": "errors", "HandlerFailed": "errors",
    "ConfigError": "errors", "LinkError": "errors", "ItemExists": "errors", "BadKey": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'portable.runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"portable.runtime.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
