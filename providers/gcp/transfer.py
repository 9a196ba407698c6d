"""``migrate copy --engine cloud`` into Google Cloud Storage: one Storage Transfer Service job per
bucket, run once, reading an S3 bucket (through an IAM role the service assumes) or an Azure Blob
container (through a SAS token kept in Secret Manager), with the service agent granted
``roles/storage.legacyBucketWriter`` on the target bucket (get the bucket, list, create and delete
objects: what the service needs on a sink). The program is plain Pulumi: ``portable`` plans it under
mocks; creating and following the real job needs Google Cloud credentials.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from portable.dataplane import DataPlane, DataPlaneError

if TYPE_CHECKING:
    from providers.gcp.dataplane import GcpDataPlane

SINK_ROLE = "roles/storage.legacyBucketWriter"

Source = Callable[[DataPlane, str, str], dict[str, Any]]


def _s3(source: DataPlane, bucket: str, role_arn: str) -> dict[str, Any]:
    return {"aws_s3_data_source": {"bucket_name": source.physical("bucket", bucket), "role_arn": role_arn}}


def _azure_blob(source: DataPlane, bucket: str, sas_secret: str) -> dict[str, Any]:
    account = str(urlparse(source.runtime_link("bucket", bucket)["url"]).hostname).split(".")[0]
    return {"azure_blob_storage_data_source": {"storage_account": account,
                                               "container": source.physical("bucket", bucket),
                                               "credentials_secret": sas_secret}}


_SOURCES: dict[str, tuple[Source, str, str]] = {
    "aws": (_s3, r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$",
            "the ARN of the IAM role Storage Transfer Service assumes to read the bucket "
            "(arn:aws:iam::<account>:role/<name>)"),
    "azure": (_azure_blob, r"^projects/[^/]+/secrets/[^/]+$",
              "the Secret Manager secret holding a SAS token for the container (projects/<project>/secrets/<name>)"),
}


def transfer_program(target: GcpDataPlane, source: DataPlane, credential: str | None, start: date,
                     project: str) -> Callable[[], None]:
    """The Pulumi program of the transfer jobs; errors name the pair or the credential expected."""
    if source.provider not in _SOURCES:
        raise DataPlaneError(
            f"--engine cloud: Storage Transfer Service has no transfer from {source.provider!r} into Google Cloud Storage",
            hint="It reads from aws (S3) or azure (Blob); use the streaming copy (--engine stream, the default).")
    describe, pattern, expected = _SOURCES[source.provider]
    if not credential or not re.match(pattern, credential):
        raise DataPlaneError(f"--engine cloud from {source.provider}: --transfer-credential must be {expected}; "
                             f"got {credential!r}")
    if not target.stack.buckets:
        raise DataPlaneError(f"--engine cloud: stack {target.stack.name!r} declares no bucket to transfer",
                             hint="Tables and secrets always use the streaming copy.")
    day = {"year": start.year, "month": start.month, "day": start.day}

    def program() -> None:
        import pulumi
        import pulumi_gcp as gcp

        agent = gcp.storage.get_transfer_project_service_account_output(project=project)
        for bucket in target.stack.buckets:
            sink = target.physical("bucket", bucket.name)
            grant = gcp.storage.BucketIAMMember(f"{bucket.name}-transfer-writer", bucket=sink, role=SINK_ROLE,
                                                member=agent.member)
            gcp.storage.TransferJob(
                f"{bucket.name}-transfer", project=project,
                description=f"portable migrate {target.stack.name}: {source.provider} bucket {bucket.name}",
                transfer_spec={**describe(source, bucket.name, credential),
                               "gcs_data_sink": {"bucket_name": sink},
                               "transfer_options": {"overwrite_when": "DIFFERENT"}},
                schedule={"schedule_start_date": day, "schedule_end_date": day},
                opts=pulumi.ResourceOptions(depends_on=[grant]))

    return program
