"""The Azure deploy program: a portable Stack -> Pulumi components, one per portable object."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi

from portable.model import Function, Stack
from providers.azure.deploy import wiring
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.function import AzureFunction
from providers.azure.deploy.names import Names
from providers.azure.deploy.resources import AzureBucket, AzureQueue, AzureSecret, AzureTable, AzureTopic
from providers.azure.function_app import Sources

Packager = Callable[[Stack, Function, Sources], Any]
"""Builds a function's package (anything with ``path`` and ``sha256``), or returns None to skip it."""


def deploy_stack(stack: Stack, root: Path, *, packager: Packager | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> dict[str, dict[str, Any]]:
    """Create the stack's components; returns them by collection and portable name
    (``{"functions": {"api": ...}, "queues": {...}, "foundation": {"orders": ...}}``)."""
    names = Names(stack.name, pulumi.get_project(), pulumi.get_stack())
    base = Foundation(stack.name, stack=stack, names=names, opts=opts)
    resources: dict[tuple[str, str], LinkedResource] = {}
    collections: dict[str, dict[str, Any]] = {"foundation": {stack.name: base}}

    def add(collection: str, kind: str, name: str, component: LinkedResource) -> None:
        resources[(kind, name)] = component
        collections.setdefault(collection, {})[name] = component

    for bucket in stack.buckets:
        add("buckets", "bucket", bucket.name,
            AzureBucket(f"{stack.name}-bucket-{bucket.name}", bucket, base=base, names=names, opts=opts))
    for queue in stack.queues:
        add("queues", "queue", queue.name,
            AzureQueue(f"{stack.name}-queue-{queue.name}", queue, base=base, names=names, opts=opts))
    for table in stack.tables:
        add("tables", "table", table.name,
            AzureTable(f"{stack.name}-table-{table.name}", table, base=base, names=names, opts=opts))
    for topic in stack.topics:
        add("topics", "topic", topic.name,
            AzureTopic(f"{stack.name}-topic-{topic.name}", topic, consumers=stack.consumers("topic", topic.name),
                       base=base, names=names, opts=opts))
    for secret in stack.secrets:
        add("secrets", "secret", secret.name,
            AzureSecret(f"{stack.name}-secret-{secret.name}", secret, base=base, names=names, opts=opts))
    functions: dict[str, Any] = {}
    for function in stack.functions:
        sources = wiring.sources(stack, function, names)
        package = packager(stack, function, sources) if packager is not None else None
        functions[function.name] = AzureFunction(
            f"{stack.name}-function-{function.name}", function, stack=stack, base=base, names=names,
            resources=resources, sources=sources, package=package, opts=opts,
        )
    if functions:
        collections["functions"] = functions
    return collections


def bundling_packager(root: Path, cache_dir: Path) -> Packager:
    """A packager that builds each function's zip with :mod:`portable.bundle`."""
    from providers.azure.deploy.package import build

    def packager(stack: Stack, function: Function, sources: Sources) -> Any:
        return build(stack, function, root, sources, cache_dir)

    return packager
