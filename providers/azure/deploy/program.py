"""The Azure deploy program: a portable Stack -> Pulumi components, one per portable object.

The foundation first (what every resource and app shares), then the linked resources, then one
Function App per function (its grants and settings need the resources).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from portable.bundle import Bundle
from portable.deploy import secret_value
from portable.model import Stack
from providers.azure.deploy.bucket import Bucket
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.function import Function
from providers.azure.deploy.names import Names
from providers.azure.deploy.queue import Queue
from providers.azure.deploy.secret import Secret
from providers.azure.deploy.table import Table
from providers.azure.deploy.topic import Topic


def names_of(stack: Stack) -> Names:
    """The physical names of ``stack`` in the running Pulumi project and stack."""
    return Names(stack.name, pulumi.get_project(), pulumi.get_stack())


def deploy_stack(
    stack: Stack, bundles: Mapping[str, Bundle], *, opts: pulumi.ResourceOptions | None = None
) -> dict[str, dict[str, Any]]:
    """Create the components of ``stack``; ``bundles`` holds each function's built code (a function
    without one gets no package). Returns them by collection and portable name
    (``{"functions": {"api": ...}, "queues": {...}, "foundation": {"orders": ...}}``)."""
    names = names_of(stack)
    foundation = Foundation(stack.name, stack, names=names, opts=opts)
    context: dict[str, Any] = {"names": names, "foundation": foundation, "opts": opts}
    prefix = stack.name
    buckets = {b.name: Bucket(f"{prefix}-bucket-{b.name}", b, **context) for b in stack.buckets}
    queues = {q.name: Queue(f"{prefix}-queue-{q.name}", q, **context) for q in stack.queues}
    tables = {t.name: Table(f"{prefix}-table-{t.name}", t, **context) for t in stack.tables}
    topics = {
        t.name: Topic(f"{prefix}-topic-{t.name}", t, consumers=stack.consumers("topic", t.name), **context)
        for t in stack.topics
    }
    secrets = {
        s.name: Secret(f"{prefix}-secret-{s.name}", s, value=secret_value(s.name), **context) for s in stack.secrets
    }
    collections: dict[str, dict[str, Any]] = {"foundation": {stack.name: foundation}}
    resources: dict[tuple[str, str], LinkedResource] = {}
    for collection, kind, members in (
        ("buckets", "bucket", buckets), ("queues", "queue", queues), ("tables", "table", tables),
        ("topics", "topic", topics), ("secrets", "secret", secrets),
    ):
        if members:
            collections[collection] = dict(members)
        resources.update({(kind, name): component for name, component in members.items()})
    functions = {
        f.name: Function(f"{prefix}-function-{f.name}", f, stack=stack, code=bundles.get(f.name), resources=resources,
                           **context)
        for f in stack.functions
    }
    if functions:
        collections["functions"] = functions
    return collections
