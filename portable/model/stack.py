"""The Stack: every function and resource of one application, checked as a whole."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, TypeVar

import yaml
from pydantic import ValidationError, model_validator

from portable.errors import Problem, StackInvalid
from portable.model.base import Name, Options, PortableModel, explain
from portable.model.buckets import Bucket
from portable.model.functions import Function
from portable.model.links import Link
from portable.model.queues import Queue
from portable.model.references import TRIGGER_SOURCES, check_references
from portable.model.secrets import Secret
from portable.model.tables import Table
from portable.model.topics import Topic
from portable.model.triggers import Trigger

Resource = Bucket | Queue | Topic | Table | Secret
Item = TypeVar("Item", bound=PortableModel)


class Stack(PortableModel):
    """One application: functions, their triggers, and the resources they use.

    Build it with the builder methods or with plain constructors; both give the same object.

    >>> stack = Stack("shop")
    >>> jobs = stack.queue("jobs")
    >>> _ = stack.function("worker", handler="app.worker:run", triggers=[jobs.trigger()])
    >>> stack == Stack(name="shop", queues=[Queue(name="jobs")],
    ...     functions=[Function(name="worker", handler="app.worker:run", triggers=[jobs.trigger()])])
    True
    """

    label: ClassVar[str] = "Stack"
    is_named: ClassVar[bool] = True
    positional: ClassVar[tuple[str, ...]] = ("name",)
    named_items: ClassVar[dict[str, type[PortableModel]]] = {
        "functions": Function, "buckets": Bucket, "queues": Queue,
        "topics": Topic, "tables": Table, "secrets": Secret,
    }

    name: Name
    functions: list[Function] = []
    buckets: list[Bucket] = []
    queues: list[Queue] = []
    topics: list[Topic] = []
    tables: list[Table] = []
    secrets: list[Secret] = []

    @model_validator(mode="after")
    def _whole_stack(self) -> Stack:
        problems = self.problems()
        if problems:
            raise StackInvalid(problems, subject=f"Stack {self.name!r}")
        return self

    def problems(self) -> list[Problem]:
        """Everything wrong across objects: duplicate names, dangling references, clashing routes."""
        return check_references(self)

    # -- builders: each adds one validated object and checks it against what is already declared --

    def function(
        self,
        name: str,
        handler: str,
        *,
        source: str = ".",
        triggers: Sequence[Trigger] = (),
        links: Sequence[Link] = (),
        **settings: Any,
    ) -> Function:
        return self._add(
            self.functions,
            Function(name=name, handler=handler, source=source, triggers=tuple(triggers), links=tuple(links), **settings),
        )

    def bucket(self, name: str, *, versioned: bool = False, options: Options | None = None) -> Bucket:
        return self._add(self.buckets, Bucket(name=name, versioned=versioned, options=options or {}))

    def queue(self, name: str, **settings: Any) -> Queue:
        return self._add(self.queues, Queue(name=name, **settings))

    def topic(self, name: str, *, options: Options | None = None) -> Topic:
        return self._add(self.topics, Topic(name=name, options=options or {}))

    def table(self, name: str, *, key: str = "id", **settings: Any) -> Table:
        return self._add(self.tables, Table(name=name, key=key, **settings))

    def secret(self, name: str, *, description: str = "", options: Options | None = None) -> Secret:
        return self._add(self.secrets, Secret(name=name, description=description, options=options or {}))

    def _add(self, items: list[Item], item: Item) -> Item:
        """Append ``item``; refuse it if it clashes with, or refers to something not yet in, the stack."""
        items.append(item)
        prefix = f"{_collection(item)}.{getattr(item, 'name', '')}"
        problems = [p for p in self.problems() if p.path == prefix or p.path.startswith(prefix + ".")]
        if problems:
            items.pop()
            raise StackInvalid(problems, subject=f"Stack {self.name!r}")
        return item

    # -- lookups used by providers and the runtime configuration --

    def resources(self) -> Iterator[Resource]:
        yield from self.buckets
        yield from self.queues
        yield from self.topics
        yield from self.tables
        yield from self.secrets

    def resource(self, kind: str, name: str) -> Resource | None:
        return next((r for r in self.resources() if r.kind == kind and r.name == name), None)

    def get_function(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)

    def consumers(self, kind: str, name: str) -> list[Function]:
        """Functions triggered by the queue, topic or bucket ``name``."""
        return [f for f in self.functions if any(_triggered_by(t, kind, name) for t in f.triggers)]

    # -- serialisation --

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    @classmethod
    def from_dict(cls, data: Any) -> Stack:
        if not isinstance(data, dict):
            raise StackInvalid([Problem("", f"a stack must be a mapping with a 'name'; got {type(data).__name__}")])
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise StackInvalid(explain(error, cls, data), subject=_subject(data)) from None

    @classmethod
    def from_json(cls, text: str) -> Stack:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_yaml(cls, text: str) -> Stack:
        return cls.from_dict(yaml.safe_load(text))


def _subject(data: dict[str, Any]) -> str:
    name = data.get("name")
    return f"Stack {name!r}" if isinstance(name, str) else "Stack"


def _triggered_by(trigger: Trigger, kind: str, name: str) -> bool:
    source = TRIGGER_SOURCES.get(trigger.kind)
    return source == kind and getattr(trigger, source) == name


def _collection(item: PortableModel) -> str:
    return next(field for field, model in Stack.named_items.items() if isinstance(item, model))
