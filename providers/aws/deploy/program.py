"""The AWS deploy program: a stack's model becomes components, in dependency order.

Resources first (functions link to them), then functions (their roles, policies and environment need
the resources), then what invokes functions: the HTTP API, the schedules and each bucket's one
notification configuration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from portable.bundle import Bundle
from portable.deploy import secret_value
from portable.model import ObjectTrigger, Stack
from portable.monitoring import alarms
from providers.aws.deploy.bucket import Bucket, Subscription
from providers.aws.deploy.code import archive
from providers.aws.deploy.component import LinkedResource
from providers.aws.deploy.function import Function, uses_function_url
from providers.aws.deploy.http import HttpApi
from providers.aws.deploy.monitoring import Monitoring
from providers.aws.deploy.names import Names
from providers.aws.deploy.queue import Queue
from providers.aws.deploy.schedule import Schedule
from providers.aws.deploy.secret import Secret
from providers.aws.deploy.table import Table
from providers.aws.deploy.topic import Topic

HTTP_API = "http"
"""The logical name of the stack's HTTP API component."""
MONITORING = "monitoring"
"""The logical name of the stack's monitoring component (alarms, their topic, the dashboard)."""


def deploy_stack(
    stack: Stack, bundles: Mapping[str, Bundle], *, opts: pulumi.ResourceOptions | None = None
) -> dict[str, dict[str, Any]]:
    """Create the components of ``stack``; ``bundles`` holds each function's built code."""
    names = Names(stack.name)
    buckets = {b.name: Bucket(b.name, b, names=names, versioned=stack.keeps_versions(b.name), opts=opts)
               for b in stack.buckets}
    queues = {
        q.name: Queue(q.name, q, names=names, visibility_timeout=stack.visibility_timeout(q.name), opts=opts)
        for q in stack.queues
    }
    topics = {t.name: Topic(t.name, t, names=names, opts=opts) for t in stack.topics}
    tables = {t.name: Table(t.name, t, names=names, opts=opts) for t in stack.tables}
    secrets = {s.name: Secret(s.name, s, names=names, value=secret_value(s.name), opts=opts) for s in stack.secrets}
    resources: dict[tuple[str, str], LinkedResource] = {
        (kind, name): component
        for kind, collection in (
            ("bucket", buckets), ("queue", queues), ("topic", topics), ("table", tables), ("secret", secrets)
        )
        for name, component in collection.items()
    }
    functions = {
        f.name: Function(f.name, f, names=names, stack=stack, code=archive(f.name, bundles[f.name]), resources=resources,
                         opts=opts)
        for f in stack.functions
    }
    served = [fn for fn in functions.values() if fn.model.http_triggers and not uses_function_url(fn.model)]
    http = {HTTP_API: HttpApi(HTTP_API, served, names=names, opts=opts)} if served else {}
    schedules = {
        name: Schedule(name, schedule, names=names, target=functions[f.name], opts=opts)
        for f in stack.functions
        for name, schedule in f.schedules()
    }
    _notify(buckets, functions)
    monitoring = {
        MONITORING: Monitoring(MONITORING, stack, functions=functions, queues=queues, schedules=schedules, opts=opts)
    } if alarms(stack) else {}
    return {
        "functions": functions, "http": http, "schedules": schedules, "buckets": buckets,
        "queues": queues, "topics": topics, "tables": tables, "secrets": secrets,
        "monitoring": monitoring,
    }


def _notify(buckets: Mapping[str, Bucket], functions: Mapping[str, Function]) -> None:
    """Each bucket's object triggers, merged into its one notification configuration."""
    subscriptions: dict[str, list[Subscription]] = defaultdict(list)
    for function in functions.values():
        for trigger in function.model.triggers:
            if isinstance(trigger, ObjectTrigger):
                subscriptions[trigger.bucket].append(Subscription(function, trigger))
    if not subscriptions:
        return
    first = buckets[next(iter(subscriptions))]
    account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=first)).account_id
    for bucket, subscribed in subscriptions.items():
        buckets[bucket].notify(subscribed, account)
