"""The Stack: every function and resource of one application, checked as a whole."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import yaml
from pydantic import ValidationError, model_validator

from portable.errors import Problem, StackInvalid
from portable.model.base import Name, Options, PortableModel, explain
from portable.model.buckets import Bucket
from portable.model.functions import Function
from portable.model.links import Link
from portable.model.monitoring import Monitoring
from portable.model.queues import Queue
from portable.model.references import TRIGGER_SOURCES, check_references
from portable.model.secrets import Secret
from portable.model.sources import source_problems
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
    """The stack's name: the prefix of every physical name."""
    functions: list[Function] = []
    """The functions, each with its triggers and links."""
    buckets: list[Bucket] = []
    """Object stores."""
    queues: list[Queue] = []
    """Work queues, each with a dead letter."""
    topics: list[Topic] = []
    """Fan-out topics."""
    tables: list[Table] = []
    """Key-value / document tables."""
    secrets: list[Secret] = []
    """Secrets (their values are set outside the stack)."""
    monitoring: Monitoring = Monitoring()
    """Alarms, their notification targets and the dashboard: on by default."""

    @model_validator(mode="after")
    def _whole_stack(self) -> Stack:
        problems = self.problems()
        if problems:
            raise StackInvalid(problems, subject=f"Stack {self.name!r}")
        return self

    def problems(self) -> list[Problem]:
        """Everything wrong across objects: duplicate names, dangling references, clashing routes."""
        return check_references(self)

    # -- checks that need the files on disk (a target's limits: ``portable.registry.check_stack``) --

    def check_sources(self, root: Path | str) -> None:
        """Raise :class:`StackInvalid` if a function's source folder or handler is missing under ``root``.

        ``root`` is the folder ``source`` paths are relative to: the folder of stack.py or stack.yaml.
        """
        problems = source_problems(self, Path(root))
        if problems:
            raise StackInvalid(problems, subject=f"Stack {self.name!r}")

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
        """Declare a function; ``settings`` are the other :class:`Function` fields (memory, timeout, ...)."""
        return self._add(
            self.functions,
            Function(name=name, handler=handler, source=source, triggers=tuple(triggers), links=tuple(links), **settings),
        )

    def bucket(self, name: str, *, versioned: bool = False, options: Options | None = None) -> Bucket:
        """Declare a bucket; use its ``read()``/``write()`` links and ``on_created()`` trigger."""
        return self._add(self.buckets, Bucket(name=name, versioned=versioned, options=options or {}))

    def queue(self, name: str, **settings: Any) -> Queue:
        """Declare a queue; ``settings`` are the other :class:`Queue` fields (dead_letter_after, ...)."""
        return self._add(self.queues, Queue(name=name, **settings))

    def topic(self, name: str, *, options: Options | None = None) -> Topic:
        """Declare a topic; use its ``publish()`` link and ``trigger()``."""
        return self._add(self.topics, Topic(name=name, options=options or {}))

    def table(self, name: str, *, key: str = "id", **settings: Any) -> Table:
        """Declare a table keyed by ``key``; ``settings`` are the other :class:`Table` fields."""
        return self._add(self.tables, Table(name=name, key=key, **settings))

    def secret(self, name: str, *, description: str = "", options: Options | None = None) -> Secret:
        """Declare a secret; its value is set outside the stack."""
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
        return _lookups(self).resources.get((kind, name))

    def get_function(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)

    def consumers(self, kind: str, name: str) -> list[Function]:
        """Functions triggered by the queue, topic or bucket ``name``."""
        return list(_lookups(self).consumers.get((kind, name), ()))

    def keeps_versions(self, bucket: str) -> bool:
        """Whether providers keep old versions of ``bucket``'s objects (versioning or the cloud's
        equivalent): when the bucket asks for it (``versioned=True``) or holds data a function is
        triggered by, so an accidental overwrite or delete of such data can be undone.

        >>> stack = Stack("shop")
        >>> uploads, cache = stack.bucket("uploads"), stack.bucket("cache")
        >>> _ = stack.function("resize", "app:run", triggers=[uploads.on_created()])
        >>> stack.keeps_versions("uploads"), stack.keeps_versions("cache")
        (True, False)
        """
        found = next((b for b in self.buckets if b.name == bucket), None)
        return bool(found is not None and (found.versioned or self.consumers("bucket", bucket)))

    def visibility_timeout(self, queue: str) -> int:
        """The visibility timeout (seconds) providers give ``queue``: its own ``visibility_timeout``,
        raised to 6 times its consumer's timeout (AWS's rule of thumb; never below the timeout, or a
        message is delivered again while it is still being processed), at most 12 hours.

        >>> stack = Stack("shop")
        >>> jobs = stack.queue("jobs")
        >>> _ = stack.function("worker", "app:run", timeout=60, triggers=[jobs.trigger()])
        >>> stack.visibility_timeout("jobs")
        360
        """
        declared = self.resource("queue", queue)
        if not isinstance(declared, Queue):
            raise KeyError(f"no queue named {queue!r}")
        timeouts = [f.timeout for f in self.consumers("queue", queue)]
        return min(max([declared.visibility_timeout, *(6 * t for t in timeouts)]), 43200)

    # -- serialisation --

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    @classmethod
    def from_dict(cls, data: Any) -> Stack:
        """Validate a stack from plain data (as read from YAML or JSON)."""
        if not isinstance(data, dict):
            got = "nothing" if data is None else f"a {type(data).__name__}"
            raise StackInvalid([Problem("", (
                "Stack: a stack is a mapping with a 'name' and lists of 'functions', 'buckets', "
                f"'queues', 'topics', 'tables' and 'secrets'; got {got}"
            ))])
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise StackInvalid(explain(error, cls, data), subject=_subject(data)) from None

    @classmethod
    def from_json(cls, text: str) -> Stack:
        """Validate a stack from JSON text (a syntax error raises json.JSONDecodeError)."""
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_yaml(cls, text: str) -> Stack:
        """Validate a stack from YAML text (a syntax error raises yaml.YAMLError).

        >>> Stack.from_yaml("name: shop\\nqueues: [{name: jobs}]").queues[0].name
        'jobs'
        """
        return cls.from_dict(yaml.safe_load(text))


def _subject(data: dict[str, Any]) -> str:
    name = data.get("name")
    return f"Stack {name!r}" if isinstance(name, str) else "Stack"


class _Lookups:
    """A stack's resources by (kind, name) and the functions each trigger source feeds, built once per
    state of the stack: deploy sides ask for every queue, topic and bucket, which would otherwise cost
    time quadratic in the stack's size."""

    __slots__ = ("consumers", "resources")

    def __init__(self, stack: Stack) -> None:
        self.resources: dict[tuple[str, str], Resource] = {}
        for resource in stack.resources():
            self.resources.setdefault((resource.kind, resource.name), resource)
        self.consumers: dict[tuple[str, str], list[Function]] = {}
        for function in stack.functions:
            fed = {(kind, getattr(t, kind)) for t in function.triggers if (kind := TRIGGER_SOURCES.get(t.kind))}
            for source in sorted(fed):
                self.consumers.setdefault(source, []).append(function)


_lookups_of: dict[int, tuple[tuple[object, ...], _Lookups]] = {}


def _lookups(stack: Stack) -> _Lookups:
    state = (*stack.functions, *stack.resources())  # builders append; the items themselves are frozen
    cached = _lookups_of.get(id(stack))
    if cached is not None and cached[0] == state:
        return cached[1]
    if len(_lookups_of) > 16:
        _lookups_of.clear()
    lookups = _lookups_of[id(stack)] = (state, _Lookups(stack))
    return lookups[1]


def _collection(item: PortableModel) -> str:
    return next(field for field, model in Stack.named_items.items() if isinstance(item, model))
