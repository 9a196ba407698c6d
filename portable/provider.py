"""The provider interface: the one seam between ``portable/`` and ``providers/``.

A provider module must import nothing heavy at import time (no Pulumi, no cloud SDK): the registry
imports it to read its limits, even where its extra is not installed.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from portable.errors import PortableError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from portable.limits import ProviderLimits
    from portable.model import Stack
    from portable.native import NativeType


class Provider:
    """The contract of a provider.

    ``name`` is what users type (``--provider aws``, ``portable:provider: aws``); ``extra`` is the
    pip extra that brings its SDKs. ``limits()`` returns pure data checked by ``stack.check``.
    ``deploy(stack, root)`` runs inside a Pulumi program (or under mocks for ``portable plan``) and
    returns the component resources it created, keyed by portable name.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    extra: ClassVar[str | None] = None

    def limits(self) -> ProviderLimits:
        """What the target can run: the ``LIMITS`` of the ``limits`` module beside the provider's own
        (``providers/<name>/limits.py``: pure data, no SDK import). ``Stack.check(name)`` compares a
        stack with it."""
        package = type(self).__module__.rpartition(".")[0]
        limits: ProviderLimits = importlib.import_module(f"{package}.limits").LIMITS
        return limits

    def deploy(self, stack: Stack, root: Path) -> dict[str, Any]:
        raise PortableError(
            f"Provider {self.name!r} does not deploy with Pulumi",
            hint="Use 'portable dev' to run a stack locally.",
        )

    def requires(self) -> None:
        """Raise ProviderNotFound, naming the pip extra, if the deploy-side SDKs are missing."""

    # -- the escape hatch, checked before deploying (portable.native.check_stack) -------------------

    def native_types(self) -> Mapping[str, NativeType]:
        """The native Pulumi class behind each kind of model object (``function``, ``bucket``, ``queue``,
        ``table``, ``topic``, ``secret``) whose ``options[<name>]`` the deploy side merges, with the
        arguments portable derives: what ``validate --provider`` checks options against. May import the
        provider's SDK; empty means options are checked only when the stack is planned or deployed."""
        return {}
