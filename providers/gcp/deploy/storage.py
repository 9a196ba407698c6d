"""``portable:gcp:Bucket``: a Cloud Storage bucket, private and encrypted.

Uniform bucket-level access (no object ACLs) and public access prevention ``enforced``; Google
encrypts at rest. ``force_destroy`` stays off: ``pulumi destroy`` refuses to delete a bucket that
still holds objects rather than losing them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from portable.model import Bucket as BucketModel
from portable.native import native_args
from providers.gcp.deploy import names
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.project import SECURE_BUCKET
from providers.gcp.deploy.settings import GcpSettings


class Bucket(GcpComponent):
    concept = "Bucket"

    def __init__(self, model: BucketModel, *, stack: str, settings: GcpSettings,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(model.name, opts, needs=apis)
        args = native_args("gcp", f"Bucket {model.name!r}", gcp.storage.Bucket, {
            "name": names.bucket_name(stack, model.name, settings.project), "project": settings.project,
            "location": settings.region, "force_destroy": False, **SECURE_BUCKET,
            "versioning": {"enabled": model.versioned},
        }, model.options)
        self.bucket = gcp.storage.Bucket(model.name, opts=self.child(), **args)
        self.bucket_name: pulumi.Output[str] = self.bucket.name
        self.location: pulumi.Output[str] = self.bucket.location
        self.finish({"name": self.bucket.name, "url": self.bucket.url})

    def link(self) -> dict[str, Any]:
        """This bucket's PORTABLE_LINKS keys (see ``providers.gcp.clients``)."""
        return {"id": self.bucket.name, "project": self.bucket.project}
