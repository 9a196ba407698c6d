"""The errors the runtime raises.

``EventError`` (and its subclasses) is the only exception an event-format shim lets out for a bad or
unknown platform event; HTTP entry points turn it into a 4xx answer. ``HandlerFailed`` wraps the
exception a handler raised, so that callers decide about retries. ``ConfigError`` and ``LinkError``
explain a deployment or code mistake in words.
"""

from __future__ import annotations


class EventError(ValueError):
    """A platform event the shim cannot turn into a neutral event."""


class MalformedEvent(EventError):
    """The event has a known format, but a field is missing or has the wrong type.

    >>> str(MalformedEvent("API Gateway v2 request", "requestContext.http.method", "a string"))
    'API Gateway v2 request: requestContext.http.method is missing or not a string'
    """

    def __init__(self, what: str, field: str, expected: str = "present") -> None:
        super().__init__(f"{what}: {field} is missing or not {expected}")
        self.what = what
        self.field = field


class UnsupportedEvent(EventError):
    """The event is not one of the triggers portable handles (e.g. a DynamoDB stream record)."""


class HandlerFailed(Exception):
    """The user's handler raised; ``original`` is that exception (also the ``__cause__``)."""

    def __init__(self, function: str, trigger: str, original: BaseException, invocation_id: str = "") -> None:
        super().__init__(
            f"Function {function!r} failed on a {trigger} event: {type(original).__name__}: {original}"
        )
        self.function = function
        self.trigger = trigger
        self.original = original
        self.invocation_id = invocation_id
        self.__cause__ = original


class ConfigError(Exception):
    """The function's PORTABLE_* configuration is missing or invalid, or its handler cannot be loaded."""


class ItemExists(Exception):
    """``table(...).put(item, if_not_exists=True)`` found an item with the same key (on every provider)."""


class BadKey(ValueError):
    """A table item or key lacks one of the table's key attributes, or holds a key value the table cannot
    key on (on every provider)."""


class LinkError(ConfigError):
    """A runtime client was asked for a resource the function has no (sufficient) link to."""
