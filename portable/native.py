"""The escape hatch: a model object's ``options[<provider>]``, checked against the native Pulumi class
and merged into the arguments portable derives for it.

Every name is checked before anything is created, so a typo fails with the object's name, the option
and the allowed arguments rather than with a ``TypeError`` from inside the SDK. The check goes as deep
as the SDK's input types: a nested field name, a string where a list is expected, a scalar where an
object is expected are refused with the path and what the native class expects there. Nested mappings
merge key by key (``{"site_config": {"http20_enabled": False}}`` changes one field); any other value
replaces portable's. Arguments portable derives from the model can be refused with a pointer to the
model field that sets them. An option that replaces a value portable set (a secure default such as
TLS, tracing, encryption or public access) is allowed, and logged as a warning, so ``portable plan``
lists it among its notes and ``pulumi up`` prints it.
"""

from __future__ import annotations

import collections.abc
import difflib
import enum
import functools
import inspect
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ForwardRef

from portable.errors import PortableError

if TYPE_CHECKING:
    from portable.model import Stack

_NOT_ARGUMENTS = frozenset({"__self__", "self", "resource_name", "opts", "__props__"})


@dataclass(frozen=True)
class NativeType:
    """The native class a kind of model object becomes, and the arguments portable derives for it
    (argument -> how to set it through the model instead)."""

    resource: type
    reserved: Mapping[str, str] = field(default_factory=dict)


def check_stack(stack: Stack, provider: str, native_types: Mapping[str, NativeType]) -> None:
    """Check every ``options[provider]`` of the stack's objects against ``native_types`` (as the deploy
    side will), raising :class:`PortableError` for the first that does not fit."""
    for kind, subject, objects in (
        ("function", "Function", stack.functions), ("bucket", "Bucket", stack.buckets),
        ("queue", "Queue", stack.queues), ("table", "Table", stack.tables), ("topic", "Topic", stack.topics),
        ("secret", "Secret", stack.secrets),
    ):
        native = native_types.get(kind)
        for model in objects:
            extra = model.options.get(provider)  # type: ignore[call-overload]
            if extra and native is not None:
                check_options(provider, f"{subject} {model.name!r}", native.resource, extra, reserved=native.reserved)


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
    check_options(provider, subject, resource, extra, reserved=reserved)
    for path, old, new in overrides(derived, extra):
        import pulumi

        pulumi.log.warn(f"{subject}: options[{provider!r}]{path} overrides portable's default {_shown(old)} with "
                        f"{_shown(new)}")
    return deep_merge(derived, extra)


def check_options(
    provider: str,
    subject: str,
    resource: type,
    extra: Mapping[str, Any],
    *,
    reserved: Mapping[str, str] | None = None,
) -> None:
    """Raise :class:`PortableError` for the first option of ``extra`` the native ``resource`` does not
    take: an unknown or reserved argument, an unknown nested field, or a value of the wrong shape."""
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
    init = getattr(resource, "_internal_init", None) or resource
    namespace = vars(sys.modules[resource.__module__])
    parameters = inspect.signature(init).parameters
    for key, value in extra.items():
        found = _problem(value, parameters[key].annotation, namespace, f"[{key!r}]")
        if found is not None:
            path, message, hint = found
            raise PortableError(f"{subject}: options[{provider!r}]{path} {message} for {native_name(resource)}",
                                hint=hint)


def overrides(derived: Mapping[str, Any], extra: Mapping[str, Any], path: str = "") -> list[tuple[str, Any, Any]]:
    """Where ``extra`` replaces a value of ``derived``: ``(path, portable's value, the option's value)``.

    >>> overrides({"tls": "1.2", "site": {"ftps": "Disabled", "http2": True}}, {"site": {"ftps": "AllAllowed"}, "tags": {}})
    [("['site']['ftps']", 'Disabled', 'AllAllowed')]
    """
    found = []
    for key, value in extra.items():
        if key not in derived or derived[key] is None:
            continue
        here, current = f"{path}[{key!r}]", derived[key]
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            found.extend(overrides(current, value, here))
        elif not _plain(current) or current != value:
            found.append((here, current, value))
    return found


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, tuple, dict))


def _shown(value: Any) -> str:
    return repr(value) if _plain(value) else "(computed by portable)"


# -- the native input types --------------------------------------------------------------------------

Problem = tuple[str, str, str | None]
"""(path, what is wrong, hint)."""

_SCALARS: dict[type, str] = {str: "a string", bool: "true or false", int: "an integer", float: "a number"}


def _accepted(annotation: Any, namespace: Mapping[str, Any]) -> list[Any]:
    """The types a Pulumi input annotation accepts, unions flattened; ``None``, awaitables, outputs and the
    ``...ArgsDict`` twins of the ``...Args`` classes left out, forward references resolved. ``[Any]`` when
    nothing can be said."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return [Any]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _accepted(arg, namespace)]
    if annotation is type(None) or typing.get_origin(annotation) is collections.abc.Awaitable:
        return []
    if isinstance(annotation, str):
        annotation = ForwardRef(annotation)
    if isinstance(annotation, ForwardRef):
        name = annotation.__forward_arg__
        if name.startswith(("Output[", "outputs.")) or name.endswith("ArgsDict"):
            return []
        return [namespace.get(name, Any)]
    return [annotation]


def _problem(value: Any, annotation: Any, namespace: Mapping[str, Any], path: str) -> Problem | None:
    """Why ``value`` does not fit ``annotation``, or ``None``."""
    import pulumi
    from pulumi._types import is_input_type

    accepted = _accepted(annotation, namespace)
    if not accepted or Any in accepted or isinstance(value, (pulumi.Output, pulumi.Resource, collections.abc.Awaitable)):
        return None
    nested: Problem | None = None
    for expected in accepted:
        origin = typing.get_origin(expected)
        if expected in _SCALARS:
            if _is_scalar(value, expected):
                return None
        elif isinstance(expected, type) and issubclass(expected, enum.Enum):
            if isinstance(value, (str, expected)):
                return None
        elif origin in (list, Sequence, collections.abc.Sequence):
            if isinstance(value, (list, tuple)):
                [item] = typing.get_args(expected) or [Any]
                return next((p for i, v in enumerate(value) if (p := _problem(v, item, namespace, f"{path}[{i}]"))), None)
        elif origin in (dict, Mapping, collections.abc.Mapping):
            if isinstance(value, Mapping):
                item = (typing.get_args(expected) or [str, Any])[-1]
                return next((p for k, v in value.items() if (p := _problem(v, item, namespace, f"{path}[{k!r}]"))), None)
        elif isinstance(expected, type) and is_input_type(expected):
            if isinstance(value, expected):
                return None
            if isinstance(value, Mapping):
                nested = _object_problem(value, expected, path)
                if nested is None:
                    return None
        elif isinstance(expected, type):
            if isinstance(value, expected):
                return None
        else:
            return None  # a type this check does not model: let the SDK judge it
    if nested is not None:
        return nested
    objects = [t for t in accepted if isinstance(t, type) and is_input_type(t)]
    hint = f"Write it as a mapping of the fields: {', '.join(sorted(_fields(objects[0])))}." if objects else None
    return path, f"is {value!r}, but {_describe(accepted)} is expected there", hint


def _object_problem(value: Mapping[str, Any], input_type: type, path: str) -> Problem | None:
    parameters = _fields(input_type)
    namespace = vars(sys.modules[input_type.__module__])
    camel = {_camel(p): p for p in parameters}
    for key, item in value.items():
        field = key if key in parameters else camel.get(key)
        if field is None:
            close = difflib.get_close_matches(key, sorted(parameters), n=1)
            suggestion = f"Did you mean {close[0]!r}? " if close else ""
            return (path, f"has an unknown field {key!r}",
                    f"{suggestion}Allowed fields: {', '.join(sorted(parameters))}.")
        found = _problem(item, parameters[field], namespace, f"{path}[{key!r}]")
        if found is not None:
            return found
    return None


@functools.cache
def _fields(input_type: type) -> dict[str, Any]:
    parameters = inspect.signature(input_type.__init__).parameters  # type: ignore[misc]
    return {name: p.annotation for name, p in parameters.items() if name not in _NOT_ARGUMENTS}


def _is_scalar(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _describe(accepted: list[Any]) -> str:
    """``[str, SomeArgs]`` -> ``'a string or an object'``."""
    from pulumi._types import is_input_type

    words = []
    for expected in accepted:
        origin = typing.get_origin(expected)
        if expected in _SCALARS:
            word = _SCALARS[expected]
        elif isinstance(expected, type) and issubclass(expected, enum.Enum):
            word = "one of " + ", ".join(repr(m.value) for m in expected)
        elif origin in (list, Sequence, collections.abc.Sequence):
            word = "a list"
        elif origin in (dict, Mapping, collections.abc.Mapping):
            word = "a mapping"
        elif isinstance(expected, type) and is_input_type(expected):
            word = "an object"
        else:
            word = getattr(expected, "__name__", str(expected))
        if word not in words:
            words.append(word)
    return " or ".join(words)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
