"""``portable:gcp:Bucket``: a Cloud Storage bucket, private and encrypted; ``portable:gcp:ObjectTrigger``:
how its object events reach a function.

Uniform bucket-level access (no object ACLs) and public access prevention ``enforced``; Google
encrypts at rest. ``force_destroy`` stays off: ``pulumi destroy`` refuses to delete a bucket that
still holds objects rather than losing them.

An object trigger is one Eventarc trigger per event type (``google.cloud.storage.object.v1.finalized``
/ ``.deleted``) in the bucket's location, delivering with the stack's trigger identity (see
:mod:`providers.gcp.deploy.project`) to the path of ``providers.gcp.contract``. Eventarc cannot filter
object names, so prefix and suffix are checked by the shim (listed in the bucket's PORTABLE_LINKS entry
under ``triggers``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_gcp as gcp

from portable.model import Bucket as BucketModel
from portable.model import ObjectTrigger as ObjectTriggerModel
from portable.native import native_args
from providers.gcp import contract
from providers.gcp.deploy.component import GcpComponent, LinkedResource
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import SECURE_BUCKET, Project

if TYPE_CHECKING:
    from providers.gcp.deploy.function import Function

EVENT_TYPES = {"created": "google.cloud.storage.object.v1.finalized",
               "deleted": "google.cloud.storage.object.v1.deleted"}


class Bucket(LinkedResource):
    """``portable:gcp:Bucket``: ``bucket`` (``gcp.storage.Bucket``)."""

    concept = "Bucket"

    def __init__(self, name: str, model: BucketModel, *, names: Names, project: Project, versioned: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        args = native_args("gcp", f"Bucket {model.name!r}", gcp.storage.Bucket, {
            "name": names.bucket(model.name), "project": settings.project,
            "location": settings.region, "force_destroy": False, **SECURE_BUCKET,
            "versioning": {"enabled": versioned},  # Stack.keeps_versions
        }, model.options)
        self.bucket = gcp.storage.Bucket(model.name, opts=self.child(), **args)
        self.bucket_name: pulumi.Output[str] = self.bucket.name
        self.location: pulumi.Output[str] = self.bucket.location
        self.link = {"id": self.bucket.name, "project": self.bucket.project}
        self.finish({"name": self.bucket.name, "url": self.bucket.url})


class ObjectTrigger(GcpComponent):
    """``portable:gcp:ObjectTrigger``: ``triggers`` (one ``gcp.eventarc.Trigger`` per event type)."""

    concept = "ObjectTrigger"

    def __init__(self, name: str, model: ObjectTriggerModel, *, names: Names, project: Project,
                 function: Function, bucket: Bucket, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        grants = [r for r in (getattr(project, "gcs_publisher", None), getattr(project, "event_receiver", None),
                              function.trigger_invoker) if r is not None]
        self.triggers = [
            gcp.eventarc.Trigger(
                f"{self.portable_name}-{event}", project=settings.project,
                name=names.trigger(f"{self.portable_name}-{event}"),
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
