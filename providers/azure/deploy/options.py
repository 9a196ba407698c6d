"""The escape hatch: ``options["azure"]`` of a model object, deep-merged into the native arguments.

Native arguments are built as plain dicts (the dict form of azure-native's ``*Args`` classes), so an
option can change one nested field (``{"site_config": {"http20_enabled": False}}``) without restating
the rest. Names are checked against the native class before anything is created.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Mapping
from typing import Any

from portable.errors import PortableError

_NOT_ARGUMENTS = frozenset({"self", "resource_name", "opts", "__props__"})


@functools.cache
def arguments(resource: type) -> frozenset[str]:
    init = getattr(resource, "_internal_init", resource.__init__)
    return frozenset(p for p in inspect.signature(init).parameters if p not in _NOT_ARGUMENTS)


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def native_args(subject: str, resource: type, derived: Mapping[str, Any],
                options: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``derived`` deep-merged with ``options["azure"]``; an unknown argument is a clear error."""
    extra = options.get("azure", {})
    allowed = arguments(resource)
    for key in extra:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            suggestion = f" (did you mean {close[0]!r}?)" if close else ""
            raise PortableError(
                f"{subject}: options['azure'] has {key!r}, which is not an argument of "
                f"{resource.__module__.replace('pulumi_azure_native.', 'azure_native.')}.{resource.__name__}"
                f"{suggestion}",
                hint=f"Allowed: {', '.join(sorted(allowed))}",
            )
    return deep_merge(derived, extra)
