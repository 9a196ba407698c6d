"""``portable invoke TARGET FUNCTION --event FILE``: run one function once, locally, and print the result.

FILE is a neutral event file (see :mod:`providers.local.events`) or a payload a cloud delivers (a
Lambda event, a Pub/Sub push body, a CloudEvent, or an HTTP delivery ``{"method", "path", "headers",
"body"}``); the cloud's own shim parser turns it into the neutral event. The function runs against the
project's local state, so what it writes or sends is there for ``portable dev``.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from portable.cli.app import app
from portable.cli.output import console, handle_errors
from portable.errors import PortableError
from portable.loader import load_target


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
    from providers.local.stack import LocalStack

    loaded = load_target(target)
    local = LocalStack(loaded.stack, loaded.root, state, log_stream=sys.stderr)
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
    from providers.local import events

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
    payload = _read(source)
    if events.is_neutral(payload):
        return [events.parse(payload)]
    return _native(payload, model)


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
    """The neutral events of a cloud's native payload, through that cloud's shim parsers."""
    from portable.runtime.errors import EventError
    from portable.runtime.schedule import ScheduleEvent

    cloud = _cloud_of(payload)
    if cloud is None:
        keys = ", ".join(sorted(map(str, payload))[:8]) if isinstance(payload, dict) else type(payload).__name__
        raise PortableError(
            f"The event is neither a neutral event file nor a payload of a known cloud (top-level keys: {keys})",
            hint='Use {"http": {...}}, {"message": {...}}, {"object": {...}} or {"schedule": {...}}.',
        )
    try:
        runtime = importlib.import_module(f"providers.{cloud}.runtime")
        convert = getattr(runtime, "neutral_events", None)
        if convert is not None:
            return list(convert(payload))
        found = _CONVERTERS[cloud](runtime, payload)
    except EventError as error:
        raise PortableError(f"The {cloud} event cannot be read: {error}") from None
    except ImportError:
        raise PortableError(f"The {cloud} event shim is not available in this installation.") from None
    schedules = model.schedules()
    return [ScheduleEvent(schedules[0][0] if schedules else e.name, e.time, id=e.id)
            if isinstance(e, ScheduleEvent) else e for e in found]


def _cloud_of(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    if {"Records", "requestContext", "httpMethod", "detail-type"} & payload.keys():
        return "aws"
    if "specversion" in payload or ("message" in payload and "subscription" in payload):
        return "gcp"
    if {"method", "headers"} <= payload.keys():
        headers = {str(k).lower() for k in payload.get("headers") or {}}
        if "ce-specversion" in headers or "subscription" in str(payload.get("body", "")):
            return "gcp"
    if "Data" in payload and "Metadata" in payload:
        return "azure"
    if "eventType" in payload or (payload.get("specversion") is None and "data" in payload and "eventTime" in payload):
        return "azure"
    return None


def _aws(runtime: Any, payload: dict[str, Any]) -> list[Any]:
    trigger = runtime.trigger_of(payload)
    if trigger == "http":
        return [runtime.http_request(payload)]
    if trigger == "sqs":
        return list(runtime.sqs_messages(payload))
    if trigger == "sns":
        return list(runtime.sns_messages(payload))
    if trigger == "s3":
        return list(runtime.object_events(payload))
    return [runtime.schedule_event(payload)]


def _gcp(runtime: Any, payload: dict[str, Any]) -> list[Any]:
    from portable.runtime.schedule import ScheduleEvent

    if "message" in payload and "subscription" in payload:
        return [runtime.push_message(json.dumps(payload))]
    if "specversion" in payload:
        event = runtime.structured_cloudevent(payload)
    else:
        headers = {str(k).lower(): str(v) for k, v in (payload.get("headers") or {}).items()}
        body = str(payload.get("body", "")).encode()
        if "ce-specversion" not in headers:
            return [runtime.push_message(body)]
        event = runtime.cloudevent_from_http(headers, body)
    if event.type == runtime.PUBSUB_PUBLISHED:
        return [event.message()]
    if event.type == runtime.SCHEDULER_EXECUTED:
        return [ScheduleEvent("", event.time, id=event.id)]
    return [event.object_event()]


_CONVERTERS = {"aws": _aws, "gcp": _gcp}


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
