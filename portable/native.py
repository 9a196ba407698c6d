"""The escape hatch: a model object's ``options[<provider>]``, checked against the native Pulumi class
and merged into the arguments portable derives for it.

Every name is checked before anything is created, so a typo fails with the object's name, the option
and the allowed arguments rather than with a ``TypeError`` from inside the SDK. Nested mappings merge
key by key (``{"site_config": {"http20_enabled": False}}`` changes one field); any other value replaces
portable's. Arguments portable derives from the model can be refused with a pointer to the model field
that sets them.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Mapping
from typing import Any

from portable.errors import PortableError

_NOT_ARGUMENTS = frozenset({"__self__", "self", "resource_name", "opts", "__props__"})


@functools.cache
def arguments(resource: type) -> frozenset[str]:
    """The keyword arguments the native resource class accepts."""
    init = getattr(resource, "_internal_init", None) or resource
    return frozenset(p for p in inspect.signature(init).parameters if p not in _NOT_ARGUMENTS)


def native_name(resource: type) -> str:
    """``pulumi_aws.s3.bucket.Bucket`` -> ``aws.s3.Bucket``, as the SDK's users write it."""
    package = resource.__module__.rpartition(".")[0].removeprefix("pulumi_")
    return f"{package}.{resource.__name__}"


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``extra``, nested mappings merged key by key.

    >>> deep_merge({"location": "EU", "versioning": {"enabled": False}}, {"versioning": {"enabled": True}})
    {'location': 'EU', 'versioning': {'enabled': True}}
    """
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        merged[key] = deep_merge(current, value) if isinstance(value, Mapping) and isinstance(current, Mapping) else value
    return merged


def native_args(
    provider: str,
    subject: str,
    resource: type,
    derived: Mapping[str, Any],
    options: Mapping[Any, Mapping[str, Any]],
    *,
    reserved: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``derived`` (what portable computes) merged with ``options[provider]``, each name checked.

    ``subject`` names the model object in errors (``Function 'api'``); ``reserved`` maps an argument
    portable owns to the hint that says how to set it instead.
    """
    extra = options.get(provider) or {}
    reserved = reserved or {}
    allowed = arguments(resource)
    for key in extra:
        if key in reserved:
            raise PortableError(
                f"{subject}: options[{provider!r}] sets {key!r}, which portable derives for {native_name(resource)}",
                hint=reserved[key],
            )
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            suggestion = f"Did you mean {close[0]!r}? " if close else ""
            raise PortableError(
                f"{subject}: options[{provider!r}] has an unknown argument {key!r} for {native_name(resource)}",
                hint=f"{suggestion}Allowed arguments: {', '.join(sorted(allowed - reserved.keys()))}.",
            )
    return deep_merge(derived, extra)
