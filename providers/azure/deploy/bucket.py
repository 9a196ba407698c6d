"""``portable:azure:Bucket``: a private Blob container in the stack's data storage account."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import storage

from portable.model import Bucket as BucketModel
from portable.native import native_args
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names


class Bucket(LinkedResource):
    """A private Blob container in the data account."""

    concept = "Bucket"

    def __init__(self, name: str, bucket: BucketModel, *, names: Names, foundation: Foundation,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        args = native_args("azure", f"Bucket {bucket.name!r}", storage.BlobContainer, {
            "resource_group_name": foundation.resource_group.name,
            "account_name": foundation.data_account.name,
            "container_name": names.container(bucket.name),
            "public_access": "None",
        }, bucket.options)
        self.container = storage.BlobContainer(f"{name}-container", **args, opts=self.child())
        self.scope = self.container.id
        self.link = {"id": self.container.name, "url": foundation.endpoint("blob")}
        self.exports = {"container": self.container.name}
        self.finish()
