"""The runtime contract's environment variables, and the configuration of the current invocation.

A deployed function reads its configuration from ``os.environ``. The local provider runs several
functions in one process, so the dispatcher binds each function's own configuration (a mapping with
the same keys) to a context variable for the duration of a call; :func:`current` returns that mapping,
or ``os.environ`` when nothing is bound.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from contextvars import ContextVar, Token

from portable.runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType
    from typing import Any

PROVIDER = "PORTABLE_PROVIDER"
"""``aws``, ``azure``, ``gcp`` or ``local``."""
FUNCTION = "PORTABLE_FUNCTION"
"""The portable function name."""
HANDLER = "PORTABLE_HANDLER"
"""``module.path:function`` of the user's handler."""
ROUTES = "PORTABLE_ROUTES"
"""JSON list of ``[method, path]`` pairs, the function's Http triggers."""
LINKS = "PORTABLE_LINKS"
"""JSON object: portable resource name -> ``{"kind", "access", "id", ...}``."""
LOG = "PORTABLE_LOG"
"""``off``, ``error`` (the default: failed invocations only), ``info`` or ``debug`` (see :mod:`portable.runtime.log`)."""
TIMEOUT = "PORTABLE_TIMEOUT"
"""Optional: the function's timeout in seconds (used for ``Context.remaining_time`` where the platform
does not say)."""

ALL = (PROVIDER, FUNCTION, HANDLER, ROUTES, LINKS, LOG, TIMEOUT)

_bound: ContextVar[Mapping[str, str] | None] = ContextVar("portable_config", default=None)


def current() -> Mapping[str, str]:
    """The configuration of the running invocation (``os.environ`` unless one is bound)."""
    config = _bound.get()
    return os.environ if config is None else config


def get(name: str, default: str | None = None) -> str | None:
    """One configuration value of the running invocation."""
    return current().get(name, default)


def bind(config: Mapping[str, str] | None) -> Token[Mapping[str, str] | None]:
    """Make ``config`` the current configuration; undo with :func:`reset`."""
    return _bound.set(config)


def reset(token: Token[Mapping[str, str] | None]) -> None:
    _bound.reset(token)


class configured:
    """Context manager binding a configuration: ``with configured({"PORTABLE_LINKS": ...}): ...``."""

    __slots__ = ("_config", "_token")

    def __init__(self, config: Mapping[str, str]) -> None:
        self._config = config
        self._token: Token[Mapping[str, str] | None] | None = None

    def __enter__(self) -> Mapping[str, str]:
        self._token = _bound.set(self._config)
        return self._config

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._token is not None:
            _bound.reset(self._token)
            self._token = None


_json_cache: dict[tuple[str, str], Any] = {}


def parsed_json(name: str, raw: str | None, expected: type) -> Any:
    """``raw`` (the value of variable ``name``) parsed as JSON of type ``expected``, cached by text."""
    if not raw:
        return expected()
    key = (name, raw)
    value = _json_cache.get(key)
    if value is None:
        try:
            value = json.loads(raw)
        except ValueError as e:
            raise ConfigError(f"{name} is not valid JSON ({e}): {raw[:200]!r}") from None
        if not isinstance(value, expected):
            raise ConfigError(f"{name} must be a JSON {expected.__name__}, got {type(value).__name__}: {raw[:200]!r}")
        if len(_json_cache) > 256:
            _json_cache.clear()
        _json_cache[key] = value
    return value


def links(config: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """PORTABLE_LINKS of ``config`` (default: the current configuration), parsed."""
    raw = (current() if config is None else config).get(LINKS)
    value: dict[str, dict[str, Any]] = parsed_json(LINKS, raw, dict)
    return value


def routes(config: Mapping[str, str] | None = None) -> list[list[str]]:
    """PORTABLE_ROUTES of ``config`` (default: the current configuration), parsed."""
    raw = (current() if config is None else config).get(ROUTES)
    value: list[list[str]] = parsed_json(ROUTES, raw, list)
    return value


# -- the runtime clients of each provider: registered by its shim -----------------------------------------
# A deployed function has no provider registry (it is heavy), so each shim (providers/<name>/runtime.py)
# registers a loader at import time and portable.runtime.clients asks for it on first use:
#
#     def _backends():
#         from mycloud.clients import BACKENDS  # the SDK is imported only when a client is made
#         return BACKENDS
#
#     register_backends("mycloud", _backends)
#
# A loader returns the map kind -> factory ({"bucket": S3Bucket, ...}), each called as factory(name, link).
# In-process runs (portable dev, portable invoke) register the provider's runtime_clients hook the same way.
# It lives here, in a module every shim imports already, so registering adds nothing to a cold start.

_loaders: dict[str, Callable[[], Mapping[str, Any]]] = {}


def register_backends(provider: str, loader: Callable[[], Mapping[str, Any]]) -> None:
    """Serve the runtime clients of functions run by ``provider`` with what ``loader()`` returns."""
    _loaders[provider] = loader


def backend_loader(provider: str) -> Callable[[], Mapping[str, Any]] | None:
    """The loader registered for ``provider``, if any."""
    return _loaders.get(provider)


def registered_providers() -> list[str]:
    return sorted(_loaders)
