"""Runtime clients: ``bucket()``, ``table()``, ``queue()``, ``topic()``, ``secret()``.

The front functions read PORTABLE_PROVIDER and PORTABLE_LINKS from the current configuration, check
that the function links the resource with an access level that allows the call, and delegate to a
backend built by the loader the provider registered (:func:`portable.runtime.env.register_backends`; called on first
use, so a cloud SDK is only imported by a function that uses a client). The loader maps each kind to
the callable that builds its backend (a class implementing the protocol below)::

    BACKENDS = {"bucket": S3Bucket, "table": DynamoTable, "queue": SqsQueue, "topic": SnsTopic,
                "secret": SecretsManagerSecret}

each called as ``BACKENDS[kind](name, link)``: ``name`` is the portable name, ``link`` its PORTABLE_LINKS entry (``kind``, ``access``, ``id`` and any
provider-specific keys). Backends are cached per (provider, kind, name, id). The front-end hands
``send``/``publish`` a ``str`` or ``bytes`` body (dicts and lists are JSON-encoded first) and an
``attributes`` dict that always carries the current ``traceparent``.
"""

from __future__ import annotations

import json

from portable.runtime import env
from portable.runtime.context import current_context
from portable.runtime.errors import ConfigError, LinkError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Protocol
else:
    Protocol = object


class Bucket(Protocol):
    """Object storage: keys to bytes."""

    def put(self, key: str, data: bytes | str, *, content_type: str | None = None) -> None: ...

    def get(self, key: str) -> bytes:
        """The object's bytes; raises ``KeyError`` if there is no such object."""
        ...

    def delete(self, key: str) -> None: ...

    def list(self, prefix: str = "") -> list[str]: ...

    def exists(self, key: str) -> bool: ...


class Table(Protocol):
    """A key-value / document table. An item or key without the table's key attributes, or with a key value
    the cloud cannot key on, raises :class:`portable.runtime.errors.BadKey` before any call."""

    def put(self, item: dict[str, Any], *, if_not_exists: bool = False) -> None:
        """Store ``item``; with ``if_not_exists``, raise :class:`portable.runtime.errors.ItemExists` when an
        item with its key is there already."""

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None: ...

    def delete(self, key: dict[str, Any]) -> None: ...

    def query(self, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]: ...


class Queue(Protocol):
    """A queue to send messages to; ``send`` returns the message id."""

    def send(self, body: bytes | str | dict[str, Any] | list[Any], attributes: dict[str, str] | None = None) -> str: ...


class Topic(Protocol):
    """A topic to publish messages to; ``publish`` returns the message id."""

    def publish(self, body: bytes | str | dict[str, Any] | list[Any], attributes: dict[str, str] | None = None) -> str: ...


class Secret(Protocol):
    """A secret value."""

    def value(self) -> str: ...


CAPABILITIES: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "write": frozenset({"write"}),
    "read_write": frozenset({"read", "write"}),
    "send": frozenset({"send"}),
    "consume": frozenset({"consume"}),
    "publish": frozenset({"publish"}),
}
"""What each link access level allows (the model's access names)."""

_SUGGEST = {"bucket": "read_write", "table": "read_write", "queue": "send", "topic": "publish", "secret": "read"}
_GRANTING = {"read": "read() or .read_write()", "write": "write() or .read_write()",
             "send": "send()", "publish": "publish()"}

_backends: dict[tuple[str, str, str, str], Any] = {}


def clear_cache() -> None:
    """Forget the cached backends (tests; a changed configuration)."""
    _backends.clear()


def _function_name() -> str:
    return env.get(env.FUNCTION) or "this function"


def _linked_summary(links: Mapping[str, Mapping[str, Any]]) -> str:
    if not links:
        return "nothing"
    return ", ".join(
        f"{name!r} ({link.get('kind', '?')}, {link.get('access', '?')})" if isinstance(link, dict) else repr(name)
        for name, link in sorted(links.items())
    )


def _link(kind: str, name: str) -> Mapping[str, Any]:
    links = env.links()
    link = links.get(name)
    if not isinstance(link, dict) or link.get("kind") != kind:
        also = ""
        if isinstance(link, dict):
            also = f" ({name!r} is linked as a {link.get('kind')})"
        raise LinkError(
            f"Function {_function_name()!r} has no link to {kind} {name!r}{also}. "
            f"Linked: {_linked_summary(links)}. Add {name}.{_SUGGEST[kind]}() to its links."
        )
    return link


def _backend(kind: str, name: str, link: Mapping[str, Any]) -> Any:
    provider = env.get(env.PROVIDER) or "local"
    key = (provider, kind, name, str(link.get("id")))
    backend = _backends.get(key)
    if backend is None:
        factory = _factories(provider).get(kind)
        if factory is None:
            raise ConfigError(f"Provider {provider!r} has no runtime client for a {kind} (its backends lack {kind!r}).")
        backend = factory(name, link)
        _backends[key] = backend
    return backend


def _factories(provider: str) -> Mapping[str, Any]:
    loader = env.backend_loader(provider)
    if loader is None:
        known = ", ".join(repr(p) for p in env.registered_providers()) or "none"
        raise ConfigError(
            f"No runtime clients are registered for provider {provider!r} (PORTABLE_PROVIDER); registered: {known}. "
            "A provider's shim registers them with portable.runtime.env.register_backends."
        )
    try:
        return loader()
    except ImportError as e:
        raise ConfigError(
            f"The runtime clients of provider {provider!r} cannot be loaded ({e}). "
            f'Install them with: pip install "portable-serverless[{provider}]"'
        ) from e


class _Guard:
    __slots__ = ("_allowed", "_backend", "_kind", "_name")

    def __init__(self, kind: str, name: str) -> None:
        link = _link(kind, name)
        self._kind = kind
        self._name = name
        self._allowed = CAPABILITIES.get(str(link.get("access")), frozenset())
        self._backend = _backend(kind, name, link)

    def _check(self, needs: str, operation: str) -> None:
        if needs not in self._allowed:
            access = env.links().get(self._name, {}).get("access")
            raise LinkError(
                f"Function {_function_name()!r} links {self._kind} {self._name!r} with access {access!r}, "
                f"which does not allow {operation}(). Link {self._name}.{_GRANTING[needs]} instead."
            )

    def __repr__(self) -> str:
        return f"{self._kind}({self._name!r})"


class _GuardedBucket(_Guard):
    __slots__ = ()

    def put(self, key: str, data: bytes | str, *, content_type: str | None = None) -> None:
        self._check("write", "put")
        self._backend.put(key, data, content_type=content_type)

    def get(self, key: str) -> bytes:
        self._check("read", "get")
        return self._backend.get(key)  # type: ignore[no-any-return]

    def delete(self, key: str) -> None:
        self._check("write", "delete")
        self._backend.delete(key)

    def list(self, prefix: str = "") -> list[str]:
        self._check("read", "list")
        return self._backend.list(prefix)  # type: ignore[no-any-return]

    def exists(self, key: str) -> bool:
        self._check("read", "exists")
        return bool(self._backend.exists(key))


class _GuardedTable(_Guard):
    __slots__ = ()

    def put(self, item: dict[str, Any], *, if_not_exists: bool = False) -> None:
        self._check("write", "put")
        self._backend.put(item, if_not_exists=if_not_exists)

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        self._check("read", "get")
        return self._backend.get(key)  # type: ignore[no-any-return]

    def delete(self, key: dict[str, Any]) -> None:
        self._check("write", "delete")
        self._backend.delete(key)

    def query(self, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]:
        self._check("read", "query")
        return self._backend.query(partition_value, sort_prefix=sort_prefix)  # type: ignore[no-any-return]


def outgoing(body: Any, attributes: Mapping[str, str] | None) -> tuple[bytes | str, dict[str, str]]:
    """The body and attributes a backend gets: JSON-encoded dict/list bodies, ``traceparent`` added."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body, separators=(",", ":"))
    elif not isinstance(body, (bytes, str)):
        raise TypeError(f"a message body must be bytes, str, a dict or a list, not {type(body).__name__}")
    out = dict(attributes) if attributes else {}
    if "traceparent" not in out:
        ctx = current_context()
        if ctx is not None:
            out["traceparent"] = ctx.traceparent
    return body, out


class _GuardedQueue(_Guard):
    __slots__ = ()

    def send(self, body: bytes | str | dict[str, Any] | list[Any], attributes: dict[str, str] | None = None) -> str:
        self._check("send", "send")
        data, attrs = outgoing(body, attributes)
        return self._backend.send(data, attrs)  # type: ignore[no-any-return]


class _GuardedTopic(_Guard):
    __slots__ = ()

    def publish(self, body: bytes | str | dict[str, Any] | list[Any], attributes: dict[str, str] | None = None) -> str:
        self._check("publish", "publish")
        data, attrs = outgoing(body, attributes)
        return self._backend.publish(data, attrs)  # type: ignore[no-any-return]


class _GuardedSecret(_Guard):
    __slots__ = ()

    def value(self) -> str:
        self._check("read", "value")
        return self._backend.value()  # type: ignore[no-any-return]


def bucket(name: str) -> Bucket:
    """The linked bucket ``name``."""
    return _GuardedBucket("bucket", name)


def table(name: str) -> Table:
    """The linked table ``name``."""
    return _GuardedTable("table", name)


def queue(name: str) -> Queue:
    """The linked queue ``name``."""
    return _GuardedQueue("queue", name)


def topic(name: str) -> Topic:
    """The linked topic ``name``."""
    return _GuardedTopic("topic", name)


def secret(name: str) -> Secret:
    """The linked secret ``name``."""
    return _GuardedSecret("secret", name)
