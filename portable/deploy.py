"""The deploy entry point of a Pulumi program, and what every cloud's deploy side shares.

An example's ``__main__.py`` is two lines::

    from stack import stack
    from portable.deploy import deploy
    deploy(stack)

:func:`deploy` reads the Pulumi config ``portable:provider`` (one Pulumi stack per cloud), checks the
stack against that provider's limits and the handler files on disk, lets the provider create its
components and exports what people need (URLs, names). ``portable plan`` runs the same path under
Pulumi mocks. Pulumi is imported lazily: this module is importable without the cloud extras.

The helpers below are the cross-cloud half of every provider's deploy side: the PORTABLE_* variables
a function gets (the contract of :mod:`portable.contract` wrapped in Pulumi outputs), the secret values
from the Pulumi config, and the code bundles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portable import contract
from portable.contract import Describe
from portable.errors import PortableError

if TYPE_CHECKING:
    import pulumi

    from portable.bundle import Bundle
    from portable.model import Function, Stack
    from portable.registry import Provider

CONFIG_NAMESPACE = "portable"
PROVIDER_KEY = "provider"
"""``portable:provider`` in a Pulumi stack's config picks the cloud: ``aws``, ``azure`` or ``gcp``."""
SECRET_KEY = "secret:{name}"
"""``portable:secret:<name>`` holds a secret's value, set with ``pulumi config set --secret``."""
BUILD_DIR = ".portable/build"
"""Where code bundles are built and cached, relative to the stack's root folder."""
ARCHIVE_FORMATS = ("zip", "tar.gz")
"""The ``bundle_format`` values a provider may ask for."""


def deploy(stack: Stack, root: Path | str | None = None, *, opts: pulumi.ResourceOptions | None = None) -> dict[str, Any]:
    """Deploy ``stack`` with the provider named by ``portable:provider``; call it from ``__main__.py``.

    ``root`` is the folder function ``source`` paths are relative to (default: the current folder, which
    is the Pulumi project's when ``pulumi up`` runs). ``opts`` (e.g. ``transforms``) is given to every
    component. A mistake is reported as a Pulumi error with a hint, not as a traceback.
    """
    import pulumi

    try:
        return deploy_stack(stack, root, opts=opts)
    except PortableError as error:
        hint = f"\nHint: {error.hint}" if error.hint else ""
        raise pulumi.RunError(f"{error.message}{hint}") from None


def deploy_stack(
    stack: Stack,
    root: Path | str | None = None,
    *,
    provider: str | Provider | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> dict[str, Any]:
    """:func:`deploy` without the translation of errors: raises :class:`PortableError` (``portable plan``).

    ``provider`` (a name or the provider itself) overrides ``portable:provider``. Returns the provider's
    components by collection and portable name, e.g.
    ``{"functions": {"api": <portable:aws:Function>}, "queues": {...}}``.
    """
    import pulumi

    from portable.registry import get_provider

    root = Path(root) if root is not None else Path.cwd()
    chosen = provider if provider is not None and not isinstance(provider, str) else get_provider(
        provider or configured_provider()
    )
    chosen.requires()
    for warning in stack.check(chosen.limits()):
        pulumi.log.warn(warning.message)
    stack.check_sources(root)
    components: dict[str, Any] = (
        chosen.deploy(stack, root) if opts is None else chosen.deploy(stack, root, opts=opts)  # type: ignore[call-arg]
    )
    export(components)
    return components


def configured_provider() -> str:
    """The provider named by the Pulumi config ``portable:provider``."""
    import pulumi

    name = pulumi.Config(CONFIG_NAMESPACE).get(PROVIDER_KEY)
    if not name:
        raise PortableError(
            "The Pulumi stack's config does not name a provider (portable:provider is not set)",
            hint="Set it per stack, e.g. 'pulumi config set portable:provider aws' (aws, azure or gcp).",
        )
    return name


def export(components: Mapping[str, Mapping[str, Any]]) -> None:
    """Export each component's ``exports`` under its collection and name (``functions.api.url``)."""
    import pulumi

    for collection, members in components.items():
        exported = {name: c.exports for name, c in members.items() if getattr(c, "exports", None)}
        if exported:
            pulumi.export(collection, exported)


# -- what a function is told at run time -------------------------------------------------------------


def runtime_environment(
    stack: Stack, function: Function, provider: str, describe: Describe
) -> dict[str, pulumi.Input[str]]:
    """The function's environment: its own variables plus the runtime contract's PORTABLE_* variables
    (built by :mod:`portable.contract`, the same for every provider).

    ``describe(kind, name)`` gives a linked resource's PORTABLE_LINKS keys besides those the contract
    writes (``id`` and provider-specific keys; values may be Pulumi outputs).
    """
    entries = contract.link_entries(stack, function, describe)
    variables: dict[str, pulumi.Input[str]] = dict(function.environment)
    variables.update(contract.variables(function, provider, _json_output(entries) if entries else None))
    return variables


def _json_output(links: dict[str, dict[str, Any]]) -> pulumi.Output[str]:
    """``links`` as the contract's JSON once its output values resolve: one ``Output.all`` over the
    outputs (cheaper than lifting the whole nested mapping, which matters for stacks of many functions)."""
    import pulumi

    places = [(name, key) for name, entry in links.items() for key, value in entry.items() if isinstance(value, pulumi.Output)]

    def render(values: list[Any]) -> str:
        resolved = {name: dict(entry) for name, entry in links.items()}
        for (name, key), value in zip(places, values, strict=True):
            resolved[name][key] = value
        return contract.encode(resolved)

    return pulumi.Output.all(*(links[name][key] for name, key in places)).apply(render)


def secret_value(name: str) -> pulumi.Output[str] | None:
    """The value of secret ``name`` from the Pulumi config secret ``portable:secret:<name>``, if set."""
    import pulumi

    return pulumi.Config(CONFIG_NAMESPACE).get_secret(SECRET_KEY.format(name=name))


def missing_secret(name: str, elsewhere: str, effect: str = "the functions that read it fail until it has one") -> str:
    """The warning for a secret deployed without a value; ``elsewhere`` is the cloud's own way to set one.

    >>> missing_secret("api-key", "put one into the secret with the AWS console or CLI")[:60]
    "Secret 'api-key' has no value: set one with 'pulumi config s"
    """
    return (f"Secret {name!r} has no value: set one with 'pulumi config set --secret {CONFIG_NAMESPACE}:"
            f"{SECRET_KEY.format(name=name)} <value>' and run 'pulumi up' again, or {elsewhere}; {effect}.")


# -- code ----------------------------------------------------------------------------------------------

_PLACEHOLDERS: ContextVar[bool] = ContextVar("portable_placeholder_bundles", default=False)


@contextmanager
def placeholder_bundles() -> Iterator[None]:
    """Inside this block :func:`build_bundles` builds nothing: every function gets a placeholder bundle
    whose hash follows the function's model (tests and benchmarks of the deploy sides, which need no
    code). Scoped to the block and the current context, so nothing leaks into other plans or threads."""
    token = _PLACEHOLDERS.set(True)
    try:
        yield
    finally:
        _PLACEHOLDERS.reset(token)


def placeholder_bundle(function: Function) -> Bundle:
    """The stand-in for ``function``'s code inside :func:`placeholder_bundles`."""
    from portable.bundle import Bundle

    digest = hashlib.sha256(function.model_dump_json().encode()).hexdigest()
    return Bundle(Path(BUILD_DIR) / "placeholders" / function.name, digest, 0, 0, True, placeholder=True)


def build_bundles(stack: Stack, root: Path, provider: Provider, *, cache_dir: Path | None = None) -> dict[str, Bundle]:
    """Each function's code bundle for ``provider``, built (or taken from the cache, by default
    ``<root>/.portable/build``) with the provider's bundle hooks: the files it ships (and what they
    import), its extra requirements, platform, generated files, exclusions and archive format.
    Functions with the same code share one build."""
    if _PLACEHOLDERS.get():
        return {function.name: placeholder_bundle(function) for function in stack.functions}
    from portable.bundle import BundleSpec, build_bundle
    from portable.bundle.closure import shipped_files
    from portable.bundle.tarball import as_tar_gz

    if provider.bundle_format not in ARCHIVE_FORMATS:
        raise PortableError(
            f"Provider {provider.name!r} asks for bundles as {provider.bundle_format!r}; "
            f"the bundler makes {' or '.join(repr(f) for f in ARCHIVE_FORMATS)}",
            hint="Set bundle_format on the provider class to 'zip' or 'tar.gz'.",
        )
    runtime_files = shipped_files(provider.bundle_files())
    cache = cache_dir if cache_dir is not None else root / BUILD_DIR
    built: dict[tuple[Any, ...], Bundle] = {}
    bundles: dict[str, Bundle] = {}
    for function in stack.functions:
        architecture, glibc = provider.bundle_platform(function)
        requirements = (*function.requirements, *provider.bundle_requirements(function))
        generated = dict(provider.bundle_generated_files(stack, function))
        key = (function.source, requirements, function.runtime, architecture, glibc, tuple(sorted(generated.items())))
        bundle = built.get(key)
        if bundle is None:
            spec = BundleSpec(
                source_dir=(root / function.source).resolve(),
                requirements=requirements,
                python_version=function.runtime,
                architecture=architecture,
                runtime_files=runtime_files,
                dependencies_dir=provider.bundle_dependencies_dir,
                extra_files=generated,
                exclude_packages=provider.bundle_excludes,
                glibc=glibc,
                name=function.name,
            )
            bundle = build_bundle(spec, cache)
            if provider.bundle_format == "tar.gz":
                bundle = as_tar_gz(bundle)
            built[key] = bundle
        bundles[function.name] = bundle
    return bundles


def code_asset(bundle: Bundle) -> pulumi.Asset:
    """``bundle`` as the Pulumi asset a deploy side uploads (a placeholder as a short text)."""
    import pulumi

    if bundle.placeholder:
        return pulumi.StringAsset(f"portable plan placeholder for {bundle.path.name}")
    return pulumi.FileAsset(str(bundle.path))
