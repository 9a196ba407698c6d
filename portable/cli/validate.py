"""``portable validate TARGET [--provider P]``: load a stack, check it, summarise what it declares."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from portable.cli.app import app
from portable.cli.output import console, handle_errors, warnings
from portable.errors import StackInvalid, UsageError
from portable.loader import LoadedStack, load_target
from portable.model import Function, Stack
from portable.provider import Provider
from portable.registry import check_stack, get_provider, option_problems, provider_names


@app.command()
@handle_errors
def validate(
    target: Annotated[str, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False, metavar="TARGET",
    )],
    provider: Annotated[str | None, typer.Option(
        "--provider", "-p", help="Also check the stack against this provider's limits (aws, azure, gcp, local).",
        metavar="NAME",
    )] = None,
    sources: Annotated[bool, typer.Option(
        "--sources/--no-sources", help="Check that each function's source folder and handler exist.",
    )] = True,
) -> None:
    """Check a stack: its model, optionally a provider's limits, and the handlers on disk."""
    if provider is not None and provider not in provider_names():
        raise UsageError(
            f"Unknown provider {provider!r}", hint=f"Use one of: {', '.join(provider_names())}."
        )
    loaded = load_target(target)
    stack = loaded.stack
    if sources:
        stack.check_sources(loaded.root)
    found = []
    title = None
    if provider is not None:
        chosen = get_provider(provider)
        title = chosen.limits().title
        found = check_stack(stack, chosen)
        _check_options(stack, chosen)
    else:
        unknown = option_problems(stack)
        if unknown:
            raise StackInvalid(unknown, subject=f"Stack {stack.name!r}")
    _summary(loaded)
    warnings([*loaded.warnings(), *found])
    where = f" for {title}" if title else ""
    console.print(f"Stack {stack.name!r} is valid{where}: {_count(stack)}.")


def _check_options(stack: Stack, chosen: Provider) -> None:
    """``options[<provider>]`` checked against the native classes, as planning would (needs the SDK)."""
    if not any(getattr(model, "options", {}).get(chosen.name) for model in (*stack.functions, *stack.resources())):
        return
    from portable.native import check_stack as check_options

    chosen.requires()
    check_options(stack, chosen.name, chosen.native_types())


def _summary(loaded: LoadedStack) -> None:
    stack = loaded.stack
    table = RichTable(title=f"Stack {stack.name!r} ({loaded.origin})", title_justify="left")
    table.add_column("function", overflow="fold")
    table.add_column("triggers", overflow="fold")
    table.add_column("uses", overflow="fold")
    for function in stack.functions:
        table.add_row(
            f"[bold]{function.name}[/bold]\n{escape(function.handler)}\n[dim]{function.memory} MB, {function.timeout} s[/dim]",
            escape(_triggers(function)) or "-", escape(_links(function)) or "-",
        )
    console.print(table)
    resources = [f"{r.kind} {r.name}" for r in stack.resources()]
    if resources:
        console.print("Resources: " + ", ".join(resources), soft_wrap=True, markup=False)


def _triggers(function: Function) -> str:
    parts = []
    for trigger in function.triggers:
        if trigger.kind == "http":
            parts.append(f"{trigger.route}{' (public)' if trigger.public else ''}")
        elif trigger.kind == "schedule":
            zone = f" {trigger.timezone}" if trigger.timezone != "UTC" else ""
            parts.append(f"schedule {trigger.expression}{zone}")
        elif trigger.kind == "queue":
            parts.append(f"queue {trigger.queue}")
        elif trigger.kind == "topic":
            parts.append(f"topic {trigger.topic}")
        else:
            parts.append(f"bucket {trigger.bucket} {'/'.join(trigger.events)}")
    return "\n".join(parts)


def _links(function: Function) -> str:
    return "\n".join(f"{link.name} ({link.kind}, {link.access})" for link in function.links)


def _count(stack: Stack) -> str:
    functions = len(stack.functions)
    resources = len(list(stack.resources()))
    return (
        f"{functions} function{'s' if functions != 1 else ''}, "
        f"{resources} resource{'s' if resources != 1 else ''}"
    )
