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
    from portable.dataplane import DataPlane, Side
    from portable.facts import ProviderFacts
    from portable.limits import ProviderLimits
    from portable.model import Stack


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

    # -- behaviour facts and prices (portable check, portable cost, portable migrate plan) ----------

    def facts(self) -> ProviderFacts:
        """How the target behaves: the ``FACTS`` of the ``facts`` module beside the provider's own
        (``providers/<name>/facts.py``: pure data, no SDK import; see :mod:`portable.facts`)."""
        facts: ProviderFacts = importlib.import_module(f"{self._package()}.facts").FACTS
        return facts

    def _package(self) -> str:
        return type(self).__module__.rpartition(".")[0]

    # -- end of facts and prices ------------------------------------------------------------------

    # -- data plane (portable migrate) ------------------------------------------------------------

    def data_plane(self, stack: Stack, side: Side) -> DataPlane:
        """The data-plane operations (objects, items, secrets, queued messages) on this provider's
        deployment of ``stack`` (see :mod:`portable.dataplane`): ``DATA_PLANE(stack, side)`` of the
        ``dataplane`` module beside the provider's own; its SDKs are imported when first used."""
        name = f"{self._package()}.dataplane"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if not error.name or not (name == error.name or name.startswith(error.name + ".")):
                raise
            raise PortableError(f"Provider {self.name!r} has no data plane ({name} does not exist), so portable "
                                "migrate cannot move its data", hint="Pick another provider for --from/--to.") from None
        plane: DataPlane = module.DATA_PLANE(stack, side)
        return plane

    # -- end of data plane ------------------------------------------------------------------------

    def deploy(self, stack: Stack, root: Path) -> dict[str, Any]:
        raise PortableError(
            f"Provider {self.name!r} does not deploy with Pulumi",
            hint="Use 'portable dev' to run a stack locally.",
        )

    def requires(self) -> None:
        """Raise ProviderNotFound, naming the pip extra, if the deploy-side SDKs are missing."""
