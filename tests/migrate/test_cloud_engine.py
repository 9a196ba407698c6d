"""``migrate copy --engine cloud``: the Storage Transfer Service job into Google Cloud Storage, planned
under the GCP Pulumi mocks (nothing is created, no emulator needed), and the pairs and credentials
it refuses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.dataplane import DataPlaneError
from portable.migrate.engine import plan_cloud_transfer
from portable.migrate.sides import planes
from portable.model import Stack

ROLE = "arn:aws:iam::123456789012:role/sts-reader"
AGENT = "serviceAccount:project-123456789012@storage-transfer-service.iam.gserviceaccount.com"
STACK_PY = 'from portable import Stack\n\nstack = Stack("shop")\nstack.bucket("files")\nstack.table("orders", key="id")\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "stack.py").write_text(STACK_PY)
    (tmp_path / "Pulumi.gcp.yaml").write_text("config:\n  portable:provider: gcp\n  gcp:project: acme-shop\n")
    (tmp_path / "Pulumi.azure.yaml").write_text("config:\n  portable:provider: azure\n  azure-native:location: westeurope\n")
    (tmp_path / "aws.json").write_text(json.dumps({"buckets": {"files": {"name": "shop-files-src"}}}))
    return tmp_path


def _stack() -> Stack:
    stack = Stack("shop")
    stack.bucket("files")
    return stack


def test_s3_to_gcs_is_one_job_per_bucket_after_the_sink_grant(project: Path) -> None:
    source, target = planes(_stack(), project, "aws", "gcp", project / "aws.json", reachable=False)
    planned = plan_cloud_transfer(source, target, ROLE, date(2026, 12, 2))
    grant, job = planned.resources
    sink = target.physical("bucket", "files")
    assert (grant.type, grant.inputs) == ("gcp:storage/bucketIAMMember:BucketIAMMember", {
        "bucket": sink, "role": "roles/storage.legacyBucketWriter", "member": AGENT})
    assert job.type == "gcp:storage/transferJob:TransferJob"
    assert job.inputs["project"] == "acme-shop"
    assert job.inputs["transferSpec"] == {
        "awsS3DataSource": {"bucketName": "shop-files-src", "roleArn": ROLE},
        "gcsDataSink": {"bucketName": sink},
        "transferOptions": {"overwriteWhen": "DIFFERENT"}}
    once = {"year": 2026, "month": 12, "day": 2}
    assert job.inputs["schedule"] == {"scheduleStartDate": once, "scheduleEndDate": once}
    assert job.depends_on == ("gcp:storage/bucketIAMMember:BucketIAMMember::files-transfer-writer",)


def test_azure_blob_to_gcs_reads_the_container_with_a_sas_token_secret(project: Path) -> None:
    source, target = planes(_stack(), project, "azure", "gcp", reachable=False)
    planned = plan_cloud_transfer(source, target, "projects/acme-shop/secrets/blob-sas", date(2026, 12, 2))
    job = next(r for r in planned.resources if r.type == "gcp:storage/transferJob:TransferJob")
    # the data account of providers/azure/deploy/names.py for project 'project', stack 'stack' (no outputs given)
    assert job.inputs["transferSpec"]["azureBlobStorageDataSource"] == {
        "storageAccount": "shopdab7bca20", "container": "shop-files",
        "credentialsSecret": "projects/acme-shop/secrets/blob-sas"}


def test_the_cli_prints_the_job_and_says_what_running_it_needs(project: Path) -> None:
    result = CliRunner().invoke(app, ["migrate", "copy", str(project), "--from", "aws", "--to", "gcp", "--engine",
                                      "cloud", "--transfer-credential", ROLE, "--from-outputs", str(project / "aws.json"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert [r["name"] for r in printed["resources"]] == ["files-transfer-writer", "files-transfer"]
    assert printed["note"] == (
        "Planned under Pulumi mocks, nothing was created: creating the job and following it needs the target "
        "cloud's credentials (pulumi up of this program). The streaming copy (--engine stream) is the default; "
        "tables and secrets always stream.")
    assert not (project / ".portable").exists()  # nothing copied, no manifest


@pytest.mark.parametrize(("pair", "credential", "message"), [
    (("aws", "azure"), ROLE, "--engine cloud: 'azure' has no managed transfer service from 'aws'"),
    (("local", "gcp"), None,
     "--engine cloud: Storage Transfer Service has no transfer from 'local' into Google Cloud Storage"),
    (("aws", "gcp"), "AKIAEXAMPLE",
     "--engine cloud from aws: --transfer-credential must be the ARN of the IAM role Storage Transfer Service "
     "assumes to read the bucket (arn:aws:iam::<account>:role/<name>); got 'AKIAEXAMPLE'"),
    (("azure", "gcp"), None,
     "--engine cloud from azure: --transfer-credential must be the Secret Manager secret holding a SAS token for "
     "the container (projects/<project>/secrets/<name>); got None"),
])
def test_pairs_and_credentials_it_refuses(project: Path, pair: tuple[str, str], credential: str | None,
                                          message: str) -> None:
    source, target = planes(_stack(), project, *pair, project / "aws.json", reachable=False)
    with pytest.raises(DataPlaneError) as caught:
        plan_cloud_transfer(source, target, credential)
    assert caught.value.message == message


def test_an_unknown_engine_is_refused(project: Path) -> None:
    result = CliRunner().invoke(app, ["migrate", "copy", str(project), "--from", "aws", "--to", "gcp",
                                      "--engine", "rsync"])
    assert result.exit_code != 0
    assert "--engine 'rsync' is not an engine" in result.output
    assert "Choose one of: stream, cloud." in result.output
