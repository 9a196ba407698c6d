"""A plan for people (a rich table) and for tools (JSON)."""

from __future__ import annotations

import json

from rich.table import Table
from rich.text import Text

from portable.plan.model import Plan


def to_json(plan: Plan, *, indent: int | None = 2) -> str:
    """The plan as JSON: provider, stack, resources (type, name, parent, inputs), outputs, notes."""
    return json.dumps(plan.to_dict(), indent=indent, sort_keys=True)


def to_table(plan: Plan, title: str | None = None) -> Table:
    """Every resource, children indented under their component, with its key inputs."""
    table = Table(title=title or _title(plan), title_justify="left", expand=True)
    table.add_column("resource", overflow="fold", ratio=2)
    table.add_column("type", overflow="fold", style="dim", ratio=2)
    table.add_column("key inputs", overflow="fold", ratio=5)
    for depth, resource in plan.tree():  # Text, not markup: ARNs hold ':secret:'-like emoji codes
        name = Text("  " * depth + resource.name, style="" if resource.custom else "bold")
        table.add_row(name, Text(short_type(resource.type)), Text(resource.summary))
    return table


def short_type(token: str) -> str:
    """A type token without its sub-module: ``aws:lambda/function:Function`` -> ``aws:lambda:Function``.

    >>> short_type("aws:s3/bucketNotification:BucketNotification"), short_type("portable:aws:Queue")
    ('aws:s3:BucketNotification', 'portable:aws:Queue')
    """
    package, _, rest = token.partition(":")
    module, _, kind = rest.rpartition(":")
    return f"{package}:{module.split('/')[0]}:{kind}" if module else token


def _title(plan: Plan) -> str:
    custom = sum(1 for r in plan.resources if r.custom)
    components = len(plan.resources) - custom
    return (
        f"Plan for stack {plan.stack!r} on {plan.provider}: {_count(custom, 'resource')} in "
        f"{_count(components, 'component')}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
