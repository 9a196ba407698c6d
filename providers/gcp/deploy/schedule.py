"""``portable:gcp:Schedule``: a Cloud Scheduler job in the schedule's time zone, POSTing to the target
function's schedule path (``providers.gcp.contract``) with an OIDC token of the stack's trigger identity
(``<stack>--invoker``, allowed to invoke the triggered services only), the service URL as audience.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from portable.model import Schedule as ScheduleModel
from portable.schedules import for_gcp
from providers.gcp import contract
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.function import Function
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import Project


class Schedule(GcpComponent):
    """``portable:gcp:Schedule``: ``job`` (``gcp.cloudscheduler.Job``). ``name`` is the portable schedule
    name (``Function.schedules()``)."""

    concept = "Schedule"

    def __init__(self, name: str, model: ScheduleModel, *, names: Names, project: Project, target: Function,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        translated = for_gcp(model)
        self.job = gcp.cloudscheduler.Job(
            name, project=settings.project, region=settings.region, name=names.of(name),
            schedule=translated.expression, time_zone=translated.timezone,
            attempt_deadline=f"{max(15, min(target.model.timeout, 1800))}s",
            retry_config=gcp.cloudscheduler.JobRetryConfigArgs(
                retry_count=3, min_backoff_duration="10s", max_backoff_duration="300s"),
            http_target=gcp.cloudscheduler.JobHttpTargetArgs(
                uri=target.event_url(contract.schedule_path(name)), http_method="POST",
                oidc_token=gcp.cloudscheduler.JobHttpTargetOidcTokenArgs(
                    service_account_email=project.invoker.email if project.invoker else "",
                    audience=target.url)),
            opts=self.child(*[r for r in (target.trigger_invoker,) if r is not None]))
        self.finish({"job": self.job.name})
