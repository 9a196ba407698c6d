"""The escape hatch: ``options["aws"]`` of a model object, merged into the native resource's arguments.

Every name is checked against the native class's own signature before anything is created, so a typo
fails with the object's name, the option and the allowed arguments, not with a ``TypeError`` from
inside the SDK. Arguments that portable derives from the model are refused with a pointer to the
model field that sets them.
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


def native_args(
    subject: str,
    resource: type,
    derived: Mapping[str, Any],
    options: Mapping[Any, Mapping[str, Any]],
    *,
    reserved: Mapping[str, str] = {},
) -> dict[str, Any]:
    """``derived`` (what portable computes) updated with ``options["aws"]``, each name checked.

    ``subject`` names the model object in errors (``Function 'api'``); ``reserved`` maps an argument
    portable owns to the hint that says how to set it instead.
    """
    extra = options.get("aws", {})
    allowed = arguments(resource)
    native = f"{resource.__module__.rpartition('.')[0].replace('pulumi_aws', 'aws', 1)}.{resource.__name__}"
    for key in extra:
        if key in reserved:
            raise PortableError(
                f"{subject}: options['aws'] sets {key!r}, which portable derives for {native}",
                hint=reserved[key],
            )
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            suggestion = f"Did you mean {close[0]!r}? " if close else ""
            raise PortableError(
                f"{subject}: options['aws'] has an unknown argument {key!r} for {native}",
                hint=f"{suggestion}Allowed arguments: {', '.join(sorted(allowed - reserved.keys()))}.",
            )
    return {**derived, **extra}
