"""The registry entry of the local provider: it runs stacks with ``portable dev``, it deploys nothing.

:class:`LocalRunner` (from :meth:`LocalProvider.runner`) is the local provider's public API for the
CLI; the modules it delegates to are internal.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TextIO

from portable.provider import ClientFactory, Provider

if TYPE_CHECKING:
    from rich.console import Console

    from portable.limits import ProviderLimits
    from portable.model import Function, Stack
    from providers.local.console import DevConsole
    from providers.local.dead_letters import DeadLetterDesk
    from providers.local.stack import LocalStack


class LocalProvider(Provider):
    """Runs a stack on this machine (``portable dev``); see :class:`providers.local.stack.LocalStack`."""

    name: ClassVar[str] = "local"
    title: ClassVar[str] = "Local"
    extra: ClassVar[str | None] = None

    def limits(self) -> ProviderLimits:
        from providers.local.limits import LIMITS

        return LIMITS

    def recognise(self, payload: Any) -> bool:
        """A neutral event file (:mod:`providers.local.events`) is the local provider's native event."""
        from providers.local.events import is_neutral

        return is_neutral(payload)

    def native_events(self, payload: Any, function: Function) -> list[Any]:
        from providers.local.events import parse

        return [parse(payload)]

    def runtime_clients(self) -> Mapping[str, ClientFactory]:
        from providers.local.clients import BACKENDS

        return BACKENDS

    def runner(self) -> LocalRunner:
        return LocalRunner()


class LocalRunner:
    """What ``portable dev`` and ``portable invoke`` use to run a stack on this machine."""

    def state_dir(self, root: Path, state: Path | None = None) -> Path:
        """The state folder: ``state``, else ``<root>/.portable/state``."""
        from providers.local.contract import STATE_DIR

        return (state or root / STATE_DIR).resolve()

    def dead_letters(self, stack: Stack, state_dir: Path) -> DeadLetterDesk:
        """The dead letters of ``stack`` in ``state_dir``, for ``portable dead-letters`` (close it when done)."""
        from providers.local.dead_letters import DeadLetterDesk

        return DeadLetterDesk(stack, state_dir)

    def reset(self, state_dir: Path) -> None:
        """Delete the local state (queues, tables, buckets) in ``state_dir``."""
        from providers.local.state import State

        State.reset(state_dir)

    def open(self, stack: Stack, root: Path, state_dir: Path | None = None, *, log: str | None = None,
             log_stream: TextIO | Literal["stderr"] | None = "stderr") -> LocalStack:
        """The stack running in this process (``start()`` serves it; ``invoke()`` runs one event)."""
        from providers.local.stack import LocalStack

        return LocalStack(stack, root, state_dir, log=log, log_stream=log_stream)

    def banner(self, local: LocalStack, url: str) -> list[str]:
        from providers.local.console import banner

        return banner(local, url)

    def sample_curls(self, local: LocalStack, url: str) -> list[str]:
        from providers.local.console import sample_curls

        return sample_curls(local, url)

    def startup_warnings(self, local: LocalStack, host: str) -> list[str]:
        """What ``portable dev`` warns about as it starts: missing and loosely kept secrets, a server that
        other machines can reach."""
        from providers.local.console import startup_warnings

        return startup_warnings(local, host)

    def console(self, local: LocalStack, console: Console, stop: threading.Event) -> DevConsole:
        """The live view of ``portable dev`` (``run()`` until ``stop`` is set)."""
        from providers.local.console import DevConsole

        return DevConsole(local, console, stop)
