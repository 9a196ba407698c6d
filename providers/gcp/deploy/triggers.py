"""Trigger components: how events reach a function's Cloud Run service.

Every delivery is an authenticated POST: Pub/Sub push and Cloud Scheduler send an OIDC token of the
stack's trigger identity (``<stack>--invoker``, allowed to invoke the triggered services only), with
the service URL as audience; Eventarc uses the same identity. Paths come from
``providers.gcp.contract``.

- ``portable:gcp:QueueTrigger``: the queue's push subscription (dead letter after
  ``dead_letter_after`` attempts). Pub/Sub pushes one message per request, so ``batch_size`` has no
  effect; a non-2xx answer retries that message alone.
- ``portable:gcp:TopicTrigger``: one push subscription per subscribing function.
- ``portable:gcp:ObjectTrigger``: one Eventarc trigger per event type
  (``google.cloud.storage.object.v1.finalized`` / ``.deleted``) in the bucket's location. Eventarc
  cannot filter object names, so prefix and suffix are checked by the shim (listed in the bucket's
  PORTABLE_LINKS entry under ``triggers``).
- ``portable:gcp:Schedule``: a Cloud Scheduler job in the schedule's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp

from portable.model import ObjectTrigger as ObjectTriggerModel
from portable.model import Schedule as ScheduleModel
from portable.schedules import for_gcp
from providers.gcp import contract
from providers.gcp.deploy import names
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.functions import Function
from providers.gcp.deploy.project import Project
from providers.gcp.deploy.pubsub import Queue, Topic
from providers.gcp.deploy.storage import Bucket

EVENT_TYPES = {"created": "google.cloud.storage.object.v1.finalized",
               "deleted": "google.cloud.storage.object.v1.deleted"}


def push_config(function: Function, project: Project, path: str) -> gcp.pubsub.SubscriptionPushConfigArgs:
    return gcp.pubsub.SubscriptionPushConfigArgs(
        push_endpoint=function.event_url(path),
        oidc_token=gcp.pubsub.SubscriptionPushConfigOidcTokenArgs(
            service_account_email=project.invoker.email if project.invoker else "", audience=function.url))


class QueueTrigger(GcpComponent):
    concept = "QueueTrigger"

    def __init__(self, function: Function, queue: Queue, *, project: Project,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"{function.portable_name}-{queue.portable_name}", opts, needs=apis)
        push = push_config(function, project, contract.event_path("queue", queue.portable_name))
        self.subscription = queue.subscription(self, self.portable_name, push, function.model.timeout)
        self.finish({"subscription": self.subscription.id})


class TopicTrigger(GcpComponent):
    concept = "TopicTrigger"

    def __init__(self, function: Function, topic: Topic, *, project: Project,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"{function.portable_name}-{topic.portable_name}", opts, needs=apis)
        push = push_config(function, project, contract.event_path("topic", topic.portable_name))
        self.subscription = topic.subscription(self, self.portable_name, function.portable_name, push,
                                               function.model.timeout)
        self.finish({"subscription": self.subscription.id})


class ObjectTrigger(GcpComponent):
    concept = "ObjectTrigger"

    def __init__(self, name: str, function: Function, bucket: Bucket, model: ObjectTriggerModel, *, stack: str,
                 project: Project, apis: Sequence[pulumi.Resource] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=apis)
        settings = project.settings
        grants = [r for r in (getattr(project, "gcs_publisher", None), getattr(project, "event_receiver", None),
                              function.trigger_invoker) if r is not None]
        self.triggers = [
            gcp.eventarc.Trigger(
                f"{self.portable_name}-{event}", project=settings.project,
                name=names.trigger_name(stack, f"{self.portable_name}-{event}"),
                location=bucket.location.apply(str.lower),
                service_account=project.invoker.email if project.invoker else None,
                matching_criterias=[{"attribute": "type", "value": EVENT_TYPES[event]},
                                    {"attribute": "bucket", "value": bucket.bucket_name}],
                destination={"cloud_run_service": {
                    "service": function.service.name, "region": settings.region,
                    "path": function.event_path(contract.event_path("bucket", bucket.portable_name))}},
                opts=self.child(*grants))
            for event in model.events
        ]
        self.finish({"triggers": [t.name for t in self.triggers]})


class Schedule(GcpComponent):
    concept = "Schedule"

    def __init__(self, function: Function, name: str, model: ScheduleModel, *, stack: str, project: Project,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=apis)
        settings = project.settings
        translated = for_gcp(model)
        self.job = gcp.cloudscheduler.Job(
            name, project=settings.project, region=settings.region, name=names.physical(stack, name),
            schedule=translated.expression, time_zone=translated.timezone,
            attempt_deadline=f"{max(15, min(function.model.timeout, 1800))}s",
            retry_config=gcp.cloudscheduler.JobRetryConfigArgs(
                retry_count=3, min_backoff_duration="10s", max_backoff_duration="300s"),
            http_target=gcp.cloudscheduler.JobHttpTargetArgs(
                uri=function.event_url(contract.schedule_path(name)), http_method="POST",
                oidc_token=gcp.cloudscheduler.JobHttpTargetOidcTokenArgs(
                    service_account_email=project.invoker.email if project.invoker else "",
                    audience=function.url)),
            opts=self.child(*[r for r in (function.trigger_invoker,) if r is not None]))
        self.finish({"job": self.job.name})
