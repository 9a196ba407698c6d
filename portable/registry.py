"""Providers are found by name: built-ins, plus third-party ones from the entry-point group
``portable.providers``. This is the only module of ``portable/`` that names provider modules.

A provider module must import nothing heavy at import time (no Pulumi, no cloud SDK): the registry
imports it to read its limits, even where its extra is not installed.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from portable.errors import Problem, ProviderNotFound, StackInvalid
from portable.provider import Provider

if TYPE_CHECKING:
    from portable.model import Stack

__all__ = ["ENTRY_POINT_GROUP", "Provider", "check_stack", "get_provider", "missing_sdk", "option_problems",
           "provider_names"]

ENTRY_POINT_GROUP = "portable.providers"

BUILT_IN = {
    "local": "providers.local.provider:LocalProvider",
    "aws": "providers.aws.provider:AwsProvider",
    "gcp": "providers.gcp.provider:GcpProvider",
    "azure": "providers.azure.provider:AzureProvider",
}


def provider_names() -> list[str]:
    names = set(BUILT_IN)
    names.update(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
    return sorted(names)


def get_provider(name: str) -> Provider:
    """The provider called ``name``, or a ProviderNotFound that lists the known ones."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    reference = found.get(name) or BUILT_IN.get(name)
    if reference is None:
        known = ", ".join(repr(n) for n in provider_names())
        raise ProviderNotFound(f"No provider named {name!r}. Known providers: {known}.")
    module_name, _, attribute = reference.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attribute)
    except ImportError as error:
        raise ProviderNotFound(
            f"No provider {name!r} is installed ({error.name or error} is missing).",
            hint=f'Install it with: pip install "portable-serverless[{name}]"',
        ) from None
    provider: Provider = cls()
    return provider


def missing_sdk(provider: str, *modules: str) -> None:
    """Raise ProviderNotFound if one of ``modules`` cannot be imported."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise ProviderNotFound(
                f"Provider {provider!r} needs the Python package {module!r}, which is not installed.",
                hint=f'Install it with: pip install "portable-serverless[{provider}]"',
            ) from None


def check_stack(stack: Stack, provider: str | Provider) -> list[Problem]:
    """Check ``stack`` against ``provider`` (a name or the provider): its ``options`` keys (see
    :func:`option_problems`), then the provider's own :meth:`~portable.provider.Provider.check`.

    Raises :class:`StackInvalid` naming the target, the object, the value and the fix; returns the warnings.
    """
    chosen = get_provider(provider) if isinstance(provider, str) else provider
    found = [*option_problems(stack), *chosen.check(stack)]
    errors = [p for p in found if p.severity == "error"]
    if errors:
        raise StackInvalid(errors, subject=f"Stack {stack.name!r} on {chosen.limits().title}")
    return [p for p in found if p.severity != "error"]


def option_problems(stack: Stack) -> list[Problem]:
    """An error for every ``options`` key of the stack's objects that names no known provider.

    The model takes any key (it does not know which providers are installed); this is where a key is
    held to the registered names.
    """
    known = provider_names()
    problems: list[Problem] = []
    for collection in stack.named_items:
        for item in getattr(stack, collection):
            for key in item.options:
                if key not in known:
                    problems.append(Problem(
                        f"{collection}.{item.name}.options",
                        f"{item.label} {item.name!r}: options has an unknown key {key!r}; use {_choices(known)}",
                    ))
    return problems


def _choices(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"
