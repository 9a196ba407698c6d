"""The provider interface: the one seam between ``portable/`` and ``providers/``.

The core (``portable deploy``/``plan``/``validate``/``invoke``/``dev``) reaches a provider only through
:func:`portable.registry.get_provider` and only through the hooks declared on :class:`Provider`; nothing
in ``portable/`` but the registry names a provider module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from portable.errors import PortableError, Problem

if TYPE_CHECKING:
    import pulumi

    from portable.cost.prices import PriceSheet
    from portable.dataplane import DataPlane, Side
    from portable.facts import ProviderFacts
    from portable.limits import ProviderLimits
    from portable.model import Function, Stack
    from portable.native import NativeType
    from portable.plan.mocks import FakeCloud


ClientFactory = Callable[[str, Mapping[str, Any]], Any]
"""Builds the backend of one runtime client: ``factory(name, link)`` (see :mod:`portable.runtime.clients`)."""


class Provider:
    """The contract of a provider: every hook the core calls, each with a default.

    A provider is a subclass registered by name: built-ins in :mod:`portable.registry`, third-party ones
    through the entry-point group ``portable.providers`` (``mycloud = "mycloud.provider:MyCloud"``). Its
    module imports nothing heavy (no Pulumi, no cloud SDK): the registry imports it to read its limits
    even where its extra is not installed; hooks import what they need when called.

    >>> from portable.limits import ProviderLimits
    >>> class Tiny(Provider):
    ...     name = "tiny"
    ...     title = "Tiny Cloud"
    ...     def limits(self) -> ProviderLimits:
    ...         return ProviderLimits(name="tiny", title="Tiny Cloud", timeout_max=60)
    ...     def recognise(self, payload):
    ...         return isinstance(payload, dict) and "tiny" in payload
    >>> from portable.model import Function, Stack
    >>> for problem in Tiny().check(Stack("shop", functions=[Function(name="api", handler="app:run", timeout=90)])):
    ...     print(problem)
    Function 'api': Tiny Cloud allows a timeout of at most 60 s; got 90
    >>> Tiny().recognise({"tiny": {}}), Tiny().recognise({"Records": []})
    (True, False)

    The hooks, one block per concern:

    - identity: ``name`` (what users type: ``--provider aws``, ``portable:provider: aws``), ``title``
      (how messages name the target) and ``extra`` (the pip extra that brings its SDKs);
    - checking: :meth:`limits` (pure data) and :meth:`check` (a stack against them; the registry's
      :func:`~portable.registry.check_stack` adds the ``options`` keys and raises the errors);
    - deploying: :meth:`requires`, :meth:`deploy` (inside a Pulumi program) and :meth:`plan_mocks` (the
      fake cloud ``portable plan`` runs :meth:`deploy` against);
    - native events for ``portable invoke``: :meth:`recognise` and :meth:`native_events`;
    - runtime clients: :meth:`runtime_clients` (deployed functions get theirs from the provider's shim,
      which registers them with :func:`portable.runtime.env.register_backends`);
    - running on this machine: :meth:`runner` (``portable dev`` and ``portable invoke``);
    - behaviour facts and prices: :meth:`facts` and :meth:`prices` (``portable check``, ``portable
      cost``, ``portable migrate plan``);
    - data plane: :meth:`data_plane` (``portable migrate``);
    - the escape hatch: :meth:`native_types` (``validate --provider`` checks ``options`` against them);
    - code bundles: ``bundle_format``, ``bundle_dependencies_dir``, ``bundle_excludes``, ``bundle_glibc``,
      :meth:`bundle_files`, :meth:`bundle_requirements`, :meth:`bundle_platform` and
      :meth:`bundle_generated_files` (the one bundler, :func:`portable.deploy.build_bundles`).
    """

    # -- identity --------------------------------------------------------------------------------------

    name: ClassVar[str]
    title: ClassVar[str]
    extra: ClassVar[str | None] = None

    # -- checking a stack against the target -----------------------------------------------------------

    def limits(self) -> ProviderLimits:
        """What the target can run (pure data, no SDK import; the built-ins keep theirs in
        ``providers/<name>/limits.py``). By default nothing worth checking."""
        from portable.limits import ProviderLimits

        return ProviderLimits(name=self.name, title=self.title)

    def check(self, stack: Stack) -> list[Problem]:
        """Every way ``stack`` does not fit this target, errors first, each naming the target, the object,
        the value and the fix; ``severity="warning"`` for what the target does differently (e.g. serve a
        long HTTP function elsewhere). By default the differences from :meth:`limits`; a provider may add
        its own (e.g. of ``options[name]``). :func:`portable.registry.check_stack` raises the errors."""
        from portable.limits import check

        return check(stack, self.limits())

    # -- behaviour facts and prices (portable check, portable cost, portable migrate plan) ----------

    def facts(self) -> ProviderFacts:
        """How the target behaves: the ``FACTS`` of the ``facts`` module beside the provider's own
        (``providers/<name>/facts.py``: pure data, no SDK import; see :mod:`portable.facts`)."""
        facts: ProviderFacts = importlib.import_module(f"{self._package()}.facts").FACTS
        return facts

    def prices(self) -> PriceSheet:
        """The target's list prices: ``prices.yaml`` beside the provider's module (see
        :mod:`portable.cost.prices`); a PortableError for a target that bills nothing."""
        from portable.cost.prices import load_sheet

        path = Path(importlib.import_module(self._package()).__file__ or "").parent / "prices.yaml"
        if not path.is_file():
            raise PortableError(f"Provider {self.name!r} has no prices", hint="Price a cloud: aws, azure or gcp.")
        return load_sheet(path)

    def _package(self) -> str:
        return type(self).__module__.rpartition(".")[0]

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

    # -- deploying with Pulumi -------------------------------------------------------------------------

    def requires(self) -> None:
        """Raise ProviderNotFound, naming the pip extra, if the deploy-side SDKs are missing."""

    def deploy(self, stack: Stack, root: Path, opts: pulumi.ResourceOptions | None = None) -> dict[str, Any]:
        """Create the stack's resources inside a Pulumi program (or under ``portable plan``'s mocks);
        ``opts`` goes to every component. Returns the components by collection and portable name."""
        raise PortableError(
            f"Provider {self.name!r} does not deploy with Pulumi",
            hint="Use 'portable dev' to run a stack locally.",
        )

    def plan_mocks(self, config: Mapping[str, str]) -> FakeCloud:
        """The fake cloud ``portable plan`` runs :meth:`deploy` against; ``config`` is the Pulumi config."""
        raise PortableError(
            f"Provider {self.name!r} ({self.title}) does not deploy with Pulumi, so there is nothing to plan",
            hint="Plan for a cloud: --provider aws, azure or gcp.",
        )

    # -- native events: portable invoke ----------------------------------------------------------------

    def recognise(self, payload: Any) -> bool:
        """Whether ``payload`` (parsed JSON) is an event this target delivers to functions. Cheap key
        checks only: ``portable invoke`` asks every provider."""
        return False

    def native_events(self, payload: Any, function: Function) -> list[Any]:
        """The neutral events (HttpRequest, Message, ObjectEvent, ScheduleEvent) of a recognised payload,
        through the provider's own shim parsers, for ``function`` (the model). A payload that cannot be
        read raises :class:`portable.runtime.errors.EventError` (``portable invoke`` reports it)."""
        raise PortableError(f"Provider {self.name!r} ({self.title}) reads no native events")

    # -- runtime clients -------------------------------------------------------------------------------

    def runtime_clients(self) -> Mapping[str, ClientFactory]:
        """The backends of ``bucket()``, ``table()``, ``queue()``, ``topic()`` and ``secret()``: kind ->
        ``factory(name, link)`` (see :mod:`portable.runtime.clients`). Importing SDKs here is fine: the
        core calls this only when a client is first used."""
        return {}

    # -- running on this machine -----------------------------------------------------------------------

    def runner(self) -> Any:
        """What ``portable dev`` and ``portable invoke`` run a stack with on this machine (the local
        provider's :class:`providers.local.provider.LocalRunner`)."""
        raise PortableError(
            f"Provider {self.name!r} ({self.title}) does not run stacks on this machine",
            hint="Run stacks with the local provider ('portable dev').",
        )

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
