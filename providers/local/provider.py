"""The registry entry of the local provider: it runs stacks with ``portable dev``, it deploys nothing."""

from __future__ import annotations

from typing import ClassVar

from portable.provider import Provider


class LocalProvider(Provider):
    """Runs a stack on this machine (``portable dev``); see :class:`providers.local.stack.LocalStack`."""

    name: ClassVar[str] = "local"
    title: ClassVar[str] = "Local"
    extra: ClassVar[str | None] = None
