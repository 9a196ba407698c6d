"""Which runtime clients serve each provider: a provider's shim registers a loader at import time.

A deployed function has no provider registry (it is heavy), so each shim (``providers/<name>/runtime.py``)
tells the runtime where its backends are, and :mod:`portable.runtime.clients` asks here on first use::

    def _backends():
        from mycloud.clients import BACKENDS  # the SDK is imported only when a client is made
        return BACKENDS

    register_backends("mycloud", _backends)

A loader returns the map kind -> factory (``{"bucket": S3Bucket, ...}``), each called as
``factory(name, link)``. In-process runs (``portable dev``, ``portable invoke``) register the provider's
``runtime_clients`` hook the same way. Nothing is imported here: shims stay cheap at cold start.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    Factory = Callable[[str, Mapping[str, Any]], Any]
    Loader = Callable[[], Mapping[str, Factory]]

_loaders: dict[str, Loader] = {}


def register_backends(provider: str, loader: Loader) -> None:
    """Serve the runtime clients of functions run by ``provider`` with what ``loader()`` returns."""
    _loaders[provider] = loader


def backend_loader(provider: str) -> Loader | None:
    """The loader registered for ``provider``, if any."""
    return _loaders.get(provider)


def registered_providers() -> list[str]:
    return sorted(_loaders)
