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
    from portable.model import Function, Stack
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

    # -- code bundles: the hooks of portable.deploy.build_bundles, which builds every cloud's code -----

    bundle_format: ClassVar[str] = "zip"
    """The archive a function's code is uploaded as: ``"zip"``, or ``"tar.gz"`` (the zip repacked
    deterministically, for Cloud Run's source deploy)."""

    bundle_dependencies_dir: ClassVar[str] = ""
    """Where the requirements are installed in the archive: ``""`` is its root; Azure Functions wants
    ``".python_packages/lib/site-packages"``."""

    bundle_excludes: ClassVar[tuple[str, ...]] = ()
    """Distributions left out of the archive although a requirement pulls them in, because the platform
    provides them (``boto3`` on Lambda)."""

    def bundle_files(self) -> tuple[str, ...]:
        """What ships beside the user's code, as globs relative to the folder holding ``portable`` (a
        folder means its ``.py`` files); the modules they import from ``portable`` and ``providers`` ship
        too (:func:`portable.bundle.closure.shipped_files`). Default: ``portable/runtime`` and the
        provider package's ``runtime*.py``, ``contract.py`` and ``clients.py``."""
        package = type(self).__module__.rpartition(".")[0].replace(".", "/")
        return ("portable/runtime", f"{package}/runtime*.py", f"{package}/contract.py", f"{package}/clients.py")

    def bundle_requirements(self, function: Function) -> tuple[str, ...]:
        """Requirements added to the function's own (the SDKs its links need here, a server); default none."""
        return ()

    bundle_glibc: ClassVar[str] = "2.28"
    """The oldest glibc of the platform's Linux: wheels up to ``manylinux_<glibc>`` are accepted."""

    def bundle_platform(self, function: Function) -> tuple[str, str]:
        """``(architecture, glibc)`` the function's wheels are chosen for: by default the function's
        architecture and :attr:`bundle_glibc`."""
        return function.architecture, self.bundle_glibc

    def bundle_generated_files(self, stack: Stack, function: Function) -> Mapping[str, bytes]:
        """Files generated for the function, by archive path (Azure's ``function_app.py``); default none."""
        return {}
