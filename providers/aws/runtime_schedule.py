"""AWS schedule events: a portable EventBridge Scheduler input, an EventBridge rule's scheduled event or
Scheduler's default payload -> :class:`ScheduleEvent`."""

from __future__ import annotations

from portable.runtime.errors import MalformedEvent
from portable.runtime.schedule import ScheduleEvent
from providers.aws.contract import SCHEDULE_MARKER
from providers.aws.runtime_http import lambda_context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.dispatch import Function


def schedule_event(event: Mapping[str, Any]) -> ScheduleEvent:
    """The schedule event of a portable Scheduler input, an EventBridge rule or a Scheduler default payload."""
    marker = event.get(SCHEDULE_MARKER)
    if marker is not None:
        if type(marker) is not dict or type(marker.get("schedule")) is not str:
            raise MalformedEvent("portable schedule input", "portable.schedule", "a string")
        time = marker.get("time")
        if type(time) is str and time.startswith("<aws."):
            time = None  # invoked by hand with the template itself
        run_id = marker.get("id")
        return ScheduleEvent(marker["schedule"], time, id=run_id if type(run_id) is str else "", raw=event)
    resources = event.get("resources")
    resource = resources[0] if type(resources) is list and resources and type(resources[0]) is str else ""
    name = resource.rpartition("/")[2] or str(event.get("source", "schedule"))
    return ScheduleEvent(name, event.get("time"), id=str(event.get("id") or ""), raw=event)


def handle_schedule(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> None:
    """Run ``fn`` for a schedule firing (raises HandlerFailed: the schedule's retry policy applies)."""
    fn.schedule(schedule_event(event), lambda_context(fn, lambda_ctx, None))
