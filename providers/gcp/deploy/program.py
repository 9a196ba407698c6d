"""The Google Cloud deploy program: a stack's model becomes components, in dependency order.

The stack's :class:`~providers.gcp.deploy.project.Project` first (APIs, code bucket, trigger
identity), then one component per resource, one :class:`~providers.gcp.deploy.function.Function` per
function, then one component per trigger that is not an Http route, and the schedules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from portable.bundle import Bundle
from portable.deploy import secret_value
from portable.model import ObjectTrigger as ObjectTriggerModel
from portable.model import QueueTrigger as QueueTriggerModel
from portable.model import Stack
from portable.model import TopicTrigger as TopicTriggerModel
from portable.monitoring import alarms
from providers.gcp.deploy.bucket import Bucket, ObjectTrigger
from providers.gcp.deploy.component import GcpComponent, LinkedResource
from providers.gcp.deploy.function import THREADS, Function
from providers.gcp.deploy.monitoring import Monitoring
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import GcpSettings, Project
from providers.gcp.deploy.queue import Queue, QueueTrigger
from providers.gcp.deploy.schedule import Schedule
from providers.gcp.deploy.secret import Secret
from providers.gcp.deploy.table import Table
from providers.gcp.deploy.topic import Topic, TopicTrigger


def deploy_stack(
    stack: Stack, bundles: Mapping[str, Bundle], *, opts: pulumi.ResourceOptions | None = None,
    settings: GcpSettings | None = None,
) -> dict[str, dict[str, Any]]:
    """Create the components of ``stack``; ``bundles`` holds each function's code archive. ``settings``
    (project, region) default to the Pulumi stack config."""
    settings = settings or GcpSettings.from_config()
    names = Names(stack.name, settings.project)
    project = Project(stack.name, stack, names=names, settings=settings, opts=opts)
    context: dict[str, Any] = {"names": names, "project": project, "opts": opts}
    out: dict[str, dict[str, Any]] = {
        "buckets": {b.name: Bucket(b.name, b, versioned=stack.keeps_versions(b.name), **context)
                    for b in stack.buckets},
        "queues": {q.name: Queue(q.name, q, consumed=bool(stack.consumers("queue", q.name)), **context)
                   for q in stack.queues},
        "topics": {t.name: Topic(t.name, t, **context) for t in stack.topics},
        "tables": {t.name: Table(t.name, t, **context) for t in stack.tables},
        "secrets": {s.name: Secret(s.name, s, value=secret_value(s.name), **context) for s in stack.secrets},
    }
    resources: dict[tuple[str, str], LinkedResource] = {
        (kind, name): c for kind, collection in _KINDS.items() for name, c in out[collection].items()
    }
    out["functions"] = {
        f.name: Function(f.name, f, stack=stack, code=bundles[f.name], resources=resources, **context) for f in stack.functions
    }
    out["triggers"] = _triggers(stack, out, context)
    out["schedules"] = {
        name: Schedule(name, schedule, target=out["functions"][f.name], **context)
        for f in stack.functions for name, schedule in f.schedules()
    }
    if alarms(stack):
        out["monitoring"] = {"monitoring": Monitoring(
            "monitoring", stack, subscriptions=_topic_subscriptions(stack, out["triggers"]), **context)}
    return {"project": {stack.name: project}, **out}


def _topic_subscriptions(stack: Stack, triggers: Mapping[str, Any]) -> dict[str, list[pulumi.Input[str]]]:
    """Each function's topic-trigger subscription ids: where its failed topic events are counted."""
    return {
        f.name: [triggers[f"{f.name}-{t.topic}"].subscription.name
                 for t in f.triggers if isinstance(t, TopicTriggerModel)]
        for f in stack.functions
    }


_KINDS = {"bucket": "buckets", "queue": "queues", "topic": "topics", "table": "tables", "secret": "secrets"}


def _triggers(stack: Stack, out: dict[str, dict[str, Any]], context: dict[str, Any]) -> dict[str, GcpComponent]:
    project: Project = context["project"]
    found: dict[str, GcpComponent] = {}
    for model in stack.functions:
        function = out["functions"][model.name]
        for trigger in model.triggers:
            component: GcpComponent | None = None
            if isinstance(trigger, QueueTriggerModel):
                if trigger.max_concurrency is not None:
                    project.notes.add(
                        f"Function {model.name!r}: Pub/Sub push has no concurrency limit per subscription, so "
                        f"max_concurrency={trigger.max_concurrency} of its queue trigger is not applied; limit "
                        f"max_instances (each instance handles up to {THREADS} messages at once).")
                component = QueueTrigger(f"{model.name}-{trigger.queue}", trigger, function=function,
                                         queue=out["queues"][trigger.queue], **context)
            elif isinstance(trigger, TopicTriggerModel):
                component = TopicTrigger(f"{model.name}-{trigger.topic}", trigger, function=function,
                                         topic=out["topics"][trigger.topic], **context)
            elif isinstance(trigger, ObjectTriggerModel):
                name = _unique(f"{model.name}-{trigger.bucket}", found)
                component = ObjectTrigger(name, trigger, function=function, bucket=out["buckets"][trigger.bucket],
                                          **context)
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
