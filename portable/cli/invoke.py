"""``portable invoke TARGET FUNCTION --event FILE``: run one function once, locally, and print the result.

FILE is a neutral event file (the local provider's native event) or a payload a cloud delivers (a
Lambda event, a Pub/Sub push body, a CloudEvent, an Azure custom-handler invocation or Event Grid
events, or an HTTP delivery ``{"method", "path", "headers", "body"}``). The first provider whose
``recognise`` hook accepts it turns it into neutral events with its ``native_events`` hook (its own
shim's parsers). The function runs against the project's local state, so what it writes or sends is
there for ``portable dev``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from portable.cli.app import app
from portable.cli.output import console, handle_errors
from portable.errors import PortableError
from portable.loader import load_target
from portable.provider import Provider
from portable.registry import get_provider, provider_names


@app.command()
@handle_errors
def invoke(
    target: Annotated[str, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False, metavar="TARGET",
    )],
    function: Annotated[str, typer.Argument(help="The function to run.", show_default=False, metavar="FUNCTION")],
    event: Annotated[str | None, typer.Option("--event", "-e", help="Event file (JSON), '-' for stdin.")] = None,
    state: Annotated[Path | None, typer.Option(help="State folder (default: <project>/.portable/state).")] = None,
) -> None:
    """Run FUNCTION once with an event and print what it returned."""
    loaded = load_target(target)
    local = get_provider("local").runner().open(loaded.stack, loaded.root, state, log_stream=sys.stderr)
    try:
        failed = False
        for item in _events(local, function, event):
            failed |= _run(local, function, item)
    finally:
        local.close()
    if failed:
        raise typer.Exit(1)


def _events(local: Any, function: str, source: str | None) -> list[Any]:
    from portable.runtime.schedule import ScheduleEvent

    model = local.stack.get_function(function)
    if model is None:
        local.function(function)  # raises the error that lists the functions
    if source is None:
        schedules = model.schedules()
        if schedules:
            return [ScheduleEvent(schedules[0][0])]
        raise PortableError(
            f"Function {function!r} needs an event: pass --event FILE",
            hint='A neutral event file looks like {"http": {"method": "GET", "path": "/orders/42"}} or '
                 '{"message": {"body": {"order_id": "42"}}}; a cloud payload (Lambda event, Pub/Sub push, '
                 "CloudEvent) works too.",
        )
    return _native(_read(source), model)


def _read(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise PortableError(f"Cannot read the event file {source!r}: {error.strerror or error}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise PortableError(f"The event file {source!r} is not valid JSON: {error}") from None


def _native(payload: Any, model: Any) -> list[Any]:
    """The neutral events of a payload, through the hooks of the provider that recognises it."""
    from portable.runtime.errors import EventError
    from portable.runtime.schedule import ScheduleEvent

    provider = _recognising(payload)
    if provider is None:
        raise PortableError(
            f"The event is neither a neutral event file nor a payload of a known cloud ({_shape(payload)})",
            hint='Use {"http": {...}}, {"message": {...}}, {"object": {...}} or {"schedule": {...}}.',
        )
    try:
        found = provider.native_events(payload, model)
    except EventError as error:
        raise PortableError(f"The {provider.name} event cannot be read: {error}") from None
    schedules = model.schedules()
    return [ScheduleEvent(schedules[0][0] if schedules else e.name, e.time, id=e.id)
            if isinstance(e, ScheduleEvent) else e for e in found]


def _recognising(payload: Any) -> Provider | None:
    """The first provider (local's neutral events first) whose ``recognise`` hook accepts ``payload``."""
    for name in sorted(provider_names(), key=lambda n: n != "local"):
        try:
            provider = get_provider(name)
        except PortableError:  # a third-party provider that cannot be loaded reads no events
            continue
        if provider.recognise(payload):
            return provider
    return None


def _shape(payload: Any) -> str:
    if isinstance(payload, dict):
        return "top-level keys: " + ", ".join(sorted(map(str, payload))[:8])
    if isinstance(payload, list):
        return (f"it is a JSON array of {len(payload)} item{'s' if len(payload) != 1 else ''}; expected a JSON object, "
                "or an array of events a cloud delivers together (Event Grid)")
    return f"it is a JSON {_JSON_TYPES.get(type(payload), type(payload).__name__)}; expected a JSON object"


_JSON_TYPES = {str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def _run(local: Any, function: str, event: Any) -> bool:
    """Run one event and print the outcome; True if it failed."""
    from portable.runtime.errors import HandlerFailed
    from portable.runtime.http import HttpResponse

    try:
        result = local.invoke(function, event)
    except HandlerFailed as failure:
        console.print(f"[bold red]Failed:[/] {failure}", soft_wrap=True)
        return True
    if isinstance(result, HttpResponse):
        console.print(f"HTTP {result.status}", markup=False)
        for name, value in result.header_items():
            console.print(f"{name}: {value}", markup=False)
        text = result.body_text()
        console.print("")
        console.print(text if text is not None else f"<{len(result.body)} bytes of binary data>", markup=False,
                      soft_wrap=True)
        return result.status >= 500
    console.print(f"[green]OK[/]: {function} handled {type(event).__name__} {getattr(event, 'id', '')}".rstrip())
    return False
