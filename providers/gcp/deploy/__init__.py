"""The Google Cloud deploy side: the stack's model -> Pulumi components (imports Pulumi).

:func:`deploy` creates, in order: the stack's :class:`~providers.gcp.deploy.project.Project`
(APIs, code bucket, trigger identity), one component per resource, one
:class:`~providers.gcp.deploy.functions.Function` per function, then one component per trigger
that is not an Http route. It returns them by collection and portable name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi

from portable.deploy import BUILD_DIR
from portable.model import Function as FunctionModel
from portable.model import ObjectTrigger, QueueTrigger, Stack, TopicTrigger
from providers.gcp.deploy.code import Packager, bundler
from providers.gcp.deploy.functions import THREADS, Function
from providers.gcp.deploy.notes import Notes
from providers.gcp.deploy.project import Project
from providers.gcp.deploy.pubsub import Queue, Topic
from providers.gcp.deploy.secrets import Secret
from providers.gcp.deploy.settings import GcpSettings
from providers.gcp.deploy.storage import Bucket
from providers.gcp.deploy.tables import Table
from providers.gcp.deploy.triggers import ObjectTrigger as ObjectTriggerComponent
from providers.gcp.deploy.triggers import QueueTrigger as QueueTriggerComponent
from providers.gcp.deploy.triggers import Schedule
from providers.gcp.deploy.triggers import TopicTrigger as TopicTriggerComponent

__all__ = ["GcpSettings", "deploy"]


def deploy(stack: Stack, root: Path, *, settings: GcpSettings | None = None, packager: Packager | None = None,
           opts: pulumi.ResourceOptions | None = None) -> dict[str, dict[str, Any]]:
    """Create ``stack``'s components; ``packager`` builds each function's archive (default: a real bundle
    under ``<root>/.portable/build``)."""
    settings = settings or GcpSettings.from_config()
    package = packager or bundler(root, root / BUILD_DIR)
    notes = Notes()
    project = Project(stack.name, stack=stack, settings=settings, notes=notes, opts=opts)
    common: dict[str, Any] = {"stack": stack.name, "settings": settings, "apis": project.services, "opts": opts}
    out: dict[str, dict[str, Any]] = {
        "buckets": {b.name: Bucket(b, **common) for b in stack.buckets},
        "queues": {q.name: Queue(q, project=project, consumed=bool(stack.consumers("queue", q.name)), **common)
                   for q in stack.queues},
        "topics": {t.name: Topic(t, **common) for t in stack.topics},
        "tables": {t.name: Table(t, **common) for t in stack.tables},
        "secrets": {s.name: Secret(s, notes=notes, **common) for s in stack.secrets},
    }
    resources = {(kind, name): c for kind, collection in _KINDS.items() for name, c in out[collection].items()}
    out["functions"] = {
        f.name: Function(f, stack=stack.name, project=project, code=package(f), resources=resources,
                         describe=_describer(f, resources), notes=notes, apis=project.services, opts=opts)
        for f in stack.functions
    }
    out["triggers"] = _triggers(stack, project, out, common)
    out["schedules"] = {
        name: Schedule(out["functions"][f.name], name, schedule, stack=stack.name, project=project,
                       apis=project.services, opts=opts)
        for f in stack.functions for name, schedule in f.schedules()
    }
    return {"project": {stack.name: project}, **out}


_KINDS = {"bucket": "buckets", "queue": "queues", "topic": "topics", "table": "tables", "secret": "secrets"}


def _describer(function: FunctionModel, resources: Mapping[tuple[str, str], Any]) -> Callable[[str, str], dict[str, Any]]:
    def describe(kind: str, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = dict(resources[(kind, name)].link())
        if kind == "bucket":
            filters = [t.as_filter() for t in function.triggers if isinstance(t, ObjectTrigger) and t.bucket == name]
            if filters:
                entry["triggers"] = filters
        return entry

    return describe


def _triggers(stack: Stack, project: Project, out: dict[str, dict[str, Any]], common: dict[str, Any]) -> dict[str, Any]:
    apis, opts = common["apis"], common["opts"]
    found: dict[str, Any] = {}
    for model in stack.functions:
        function = out["functions"][model.name]
        for trigger in model.triggers:
            component: Any = None
            if isinstance(trigger, QueueTrigger):
                if trigger.max_concurrency is not None:
                    project.notes.add(
                        f"Function {model.name!r}: Pub/Sub push has no concurrency limit per subscription, so "
                        f"max_concurrency={trigger.max_concurrency} of its queue trigger is not applied; limit "
                        f"max_instances (each instance handles up to {THREADS} messages at once).")
                component = QueueTriggerComponent(function, out["queues"][trigger.queue], project=project,
                                                  apis=apis, opts=opts)
            elif isinstance(trigger, TopicTrigger):
                component = TopicTriggerComponent(function, out["topics"][trigger.topic], project=project,
                                                  apis=apis, opts=opts)
            elif isinstance(trigger, ObjectTrigger):
                name = _unique(f"{model.name}-{trigger.bucket}", found)
                component = ObjectTriggerComponent(name, function, out["buckets"][trigger.bucket], trigger,
                                                   stack=stack.name, project=project, apis=apis, opts=opts)
            if component is not None:
                found[component.portable_name] = component
    return found


def _unique(name: str, taken: Mapping[str, Any]) -> str:
    """``name``, or ``name-2``, ``name-3``... for a function's second trigger on the same bucket."""
    candidate, index = name, 1
    while candidate in taken:
        index += 1
        candidate = f"{name}-{index}"
    return candidate
