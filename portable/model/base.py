"""The base every model shares: frozen, no unknown fields, errors that name the object."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, ClassVar, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo, WithJsonSchema
from pydantic_core import ErrorDetails

from portable.errors import Problem, StackInvalid

NAME_RULE = re.compile(r"^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])$")
NAME_PATTERN = r"^(?!.*--)[a-z](?:[a-z0-9-]{0,28}[a-z0-9])$"
NAME_ALLOWED = "2-30 characters: lowercase letters, digits and '-', starting with a letter, not ending with '-', no '--'"


def _check_name(value: str, info: ValidationInfo) -> str:
    if not NAME_RULE.match(value) or "--" in value:
        field = info.field_name or "name"
        raise ValueError(f"{field} {value!r} is not a valid name; use {NAME_ALLOWED}")
    return value


Name = Annotated[
    str,
    AfterValidator(_check_name),
    WithJsonSchema({"type": "string", "pattern": NAME_PATTERN, "minLength": 2, "maxLength": 30}),
]
"""A portable name: it maps to a valid physical name on every cloud.

The same rule applies to stacks, functions, resources and the names that refer to them.
"""

Options = dict[str, dict[str, Any]]
"""Per-provider escape hatch: arguments the adapter merges into the native resource, keyed by provider
name. The model takes any key; checking a stack against a provider (``portable.registry.check_stack``)
refuses a key that names no registered provider."""


class PortableModel(BaseModel):
    """Base of every model: frozen, ``extra="forbid"``, and errors raised as :class:`StackInvalid`.

    Construction by a user (``Function(...)``) raises :class:`StackInvalid` instead of pydantic's error.
    Nested validation does not pass through ``__init__``, so the whole stack is explained once, from its root.
    """

    def __init__(self, *args: Any, **data: Any) -> None:
        model = type(self)
        if len(args) > len(model.positional):
            raise TypeError(f"{model.__name__}() takes at most {len(model.positional)} positional arguments")
        data.update(zip(model.positional, args, strict=False))
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise StackInvalid(explain(error, model, data), subject=describe(model, data)) from None

    # Pydantic calls a custom __init__ for nested models too; marked as its own, nested validation skips it.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, use_attribute_docstrings=True)

    label: ClassVar[str] = "Object"
    """How messages call this kind of object, e.g. ``Function``."""

    positional: ClassVar[tuple[str, ...]] = ()
    """Fields that may be given positionally, in order (``Http("GET", "/")``)."""

    is_named: ClassVar[bool] = False
    """Whether messages name the object by its ``name`` field (``Function 'api'``)."""

    units: ClassVar[dict[str, str]] = {}
    """The unit of each numeric field, for messages (``{"memory": "MB"}``)."""


def describe(model: type[BaseModel], data: Any) -> str:
    """How a message names an object: ``Function 'api'``, or its label when it has no name."""
    label = getattr(model, "label", model.__name__)
    name = data.get("name") if isinstance(data, dict) else None
    return f"{label} {name!r}" if isinstance(name, str) else label


def explain(error: ValidationError, model: type[BaseModel], data: Any) -> list[Problem]:
    """Turn pydantic's errors into problems that name the object, the field, the value and the rule."""
    return [_problem(detail, model, data) for detail in error.errors(include_url=False)]


def _problem(detail: ErrorDetails, model: type[BaseModel], data: Any) -> Problem:
    place = _locate(detail["loc"], model, data)
    message = _reason(detail, place)
    path = ".".join(str(part) for part in place.path if part != "[key]")
    return Problem(path=path, message=f"{place.subject}: {message}")


class _Place:
    """Where an error is: the innermost named object (``subject``), the fields below it, the full
    path (named objects by name), the model owning the last field, and whether the error is about a
    whole object (a model validator) rather than one field."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.fields: list[int | str] = []
        self.path: list[int | str] = []
        self.owner: type[BaseModel] | None = None
        self.whole_object = False

    @property
    def where(self) -> str:
        return ".".join(str(part) for part in self.fields)


def _locate(loc: tuple[int | str, ...], model: type[BaseModel], data: Any) -> _Place:
    place = _Place(describe(model, data))
    owner: type[BaseModel] | None = model
    annotation: Any = None
    node: Any = data
    tag_next = False
    for index, part in enumerate(loc):
        if tag_next and isinstance(part, str):
            tag_next = False  # pydantic puts the union member's tag in the path; the data has no such level
            place.whole_object = index == len(loc) - 1
            continue
        place.owner = owner
        node = _child(node, part)
        annotation = _child_annotation(owner, annotation, part)
        owner = _model_of(annotation, node)
        tag_next = isinstance(part, int) and _is_tagged_union(annotation)
        place.fields.append(part)
        named = owner is not None and getattr(owner, "is_named", False) and isinstance(node, dict)
        name = node.get("name") if named else None
        place.path.append(name if isinstance(part, int) and isinstance(name, str) else part)
        if named and owner is not None:
            place.subject, place.fields = describe(owner, node), []
        if index == len(loc) - 1:
            place.whole_object = owner is not None
    return place


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, dict) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list | tuple) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _child_annotation(owner: type[BaseModel] | None, annotation: Any, part: int | str) -> Any:
    if isinstance(part, str) and owner is not None and part in owner.model_fields:
        return owner.model_fields[part].annotation
    if isinstance(part, int) and annotation is not None:
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        return args[0] if args else None
    if isinstance(part, str) and get_origin(annotation) is dict:
        return get_args(annotation)[1]
    return None


def _is_tagged_union(annotation: Any) -> bool:
    return get_origin(annotation) is Annotated and any(
        getattr(meta, "discriminator", None) for meta in annotation.__metadata__
    )


def _model_of(annotation: Any, node: Any) -> type[BaseModel] | None:
    """The model an annotation stands for; for a tagged union, the member named by the node's kind."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    kind = node.get("kind") if isinstance(node, dict) else None
    for member in get_args(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            field = member.model_fields.get("kind")
            if field is not None and field.default == kind:
                return member
    return None


_TYPES = {
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "string_type": "a string", "list_type": "a list", "tuple_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
}


def _reason(detail: ErrorDetails, place: _Place) -> str:
    kind, ctx, value = detail["type"], detail.get("ctx", {}), detail.get("input")
    field = place.where or "value"
    got = _shorten(value)
    if kind == "extra_forbidden":
        owner = place.owner
        allowed = sorted(owner.model_fields) if owner is not None else []
        name = str(detail["loc"][-1])
        close = difflib.get_close_matches(name, allowed, n=1)
        suggestion = f" (did you mean {close[0]!r}?)" if close else ""
        known = ", ".join(repr(a) for a in allowed)
        inside = place.where.rpartition(".")[0]
        return f"{inside + ': ' if inside else ''}unknown field {name!r}{suggestion}. Allowed fields: {known}"
    if detail["loc"] and detail["loc"][-1] == "[key]":
        container = ".".join(str(part) for part in place.fields[:-2]) or "value"
        return f"{container} has an unknown key {value!r}; use {ctx.get('expected', 'another key')}"
    if kind == "missing":
        return f"{field} is required"
    if kind in ("less_than_equal", "less_than"):
        return f"{field} must be at most {ctx.get('le', ctx.get('lt'))}; got {got}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{field} must be at least {ctx.get('ge', ctx.get('gt'))}; got {got}"
    if kind == "literal_error":
        return f"{field} must be {ctx['expected']}; got {got}"
    if kind == "union_tag_invalid":
        return f"{field}.kind must be {_trigger_kinds()}; got {ctx['tag']!r}"
    if kind == "union_tag_not_found":
        return f"{field} needs a 'kind' ({_trigger_kinds()})"
    if kind in _TYPES:
        units: dict[str, str] = getattr(place.owner, "units", {})
        unit = units.get(str(detail["loc"][-1])) if detail["loc"] else None
        of_unit = f" of {unit}" if unit and _TYPES[kind] == "a whole number" else ""
        return f"{field} must be {_TYPES[kind]}{of_unit}; got {got}"
    if kind in ("value_error", "assertion_error"):
        # A field validator's message starts with the field's own name: show the path to its owner.
        owner_path = place.where if place.whole_object else place.where.rpartition(".")[0]
        return f"{owner_path + ': ' if owner_path else ''}{ctx['error']}"
    return f"{field}: {detail['msg'][:1].lower()}{detail['msg'][1:]}; got {got}"


def _shorten(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _trigger_kinds() -> str:
    return "'http', 'schedule', 'queue', 'topic' or 'object'"
