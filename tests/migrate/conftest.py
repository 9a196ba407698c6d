"""Deployed-looking stacks on every provider for the migrate tests: each ``Cloud`` creates a stack's
buckets, tables and secrets on its emulator (moto, Azurite, the GCS and Firestore emulators, a local
state folder) and returns the data plane over them, as ``portable migrate`` would build it."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from portable.dataplane import DataPlane, ObjectInfo, Side
from portable.migrate.sides import data_plane
from portable.model import Stack
from tests.emulators import azurite as azurite
from tests.emulators import firestore_emulator as firestore_emulator
from tests.emulators import gcs_emulator as gcs_emulator
from tests.emulators import moto_server as moto_server

PROJECT = "test-project"


def shop(secret: bool = True) -> Stack:
    """The stack every migrate test moves: a bucket, a table with a sort key and a TTL, a secret."""
    stack = Stack("shop")
    stack.bucket("files")
    stack.table("orders", key="customer", sort_key="order_id", ttl_attribute="expires")
    if secret:
        stack.secret("api-key")
    return stack


OBJECTS = {
    "plain.txt": (b"hello", "text/plain", {"owner": "ada"}),
    "ünïcode/日本語 file.json": (b'{"a": 1}', "application/json", {}),
    "a+b/c+d.bin": (bytes(range(256)) * 4, "application/octet-stream", {}),
    "empty": (b"", "application/octet-stream", {}),
    "large.bin": (os.urandom(3 * 1024 * 1024 + 17), "application/octet-stream", {"kind": "big"}),
}
"""Unicode and '+' keys, an empty object, a multi-megabyte one, content types and user metadata."""

ITEMS = [
    {"customer": "ada", "order_id": "2026-01", "total": Decimal("12.5"), "big": 2**60 + 1,
     "lines": [{"sku": "x", "qty": 2}, {"sku": "y", "qty": None}], "note": None, "expires": 4102444800},
    {"customer": "ada", "order_id": "2026-02", "address": {"city": "Zürich", "geo": {"lat": Decimal("47.37")}},
     "paid": True, "expires": 4102444800},
    {"customer": "bob", "order_id": "2026-01", "total": -3, "tags": ["a", "b"], "ratio": Decimal("0.1")},
]
"""Nested maps and lists, an integer beyond 2^53, decimals, nulls, sort keys and TTL attributes; each
storable on every provider."""


def seed(plane: DataPlane, *, objects: dict[str, tuple[bytes, str, dict[str, str]]] = OBJECTS,
         items: list[dict[str, Any]] = ITEMS, secret: str | None = "s3cr=t+ü") -> None:
    for key, (data, content_type, metadata) in objects.items():
        plane.write_object("files", ObjectInfo(key, len(data), content_type, metadata),
                           [data[i:i + 1024 * 1024] for i in range(0, len(data), 1024 * 1024)] or [b""])
    plane.write_items(plane.table("orders"), items)
    if secret is not None and plane.stack.secrets:
        plane.write_secret("api-key", secret)


Cloud = Callable[..., DataPlane]
"""``cloud(provider, stack, label="a")``: the stack deployed (empty) on that provider's emulator."""


@pytest.fixture
def cloud(tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    made: list[DataPlane] = []

    def make(provider: str, stack: Stack, label: str = "a") -> DataPlane:
        root = tmp_path / f"{provider}-{label}"
        root.mkdir()
        outputs = {"local": _local, "aws": _aws, "azure": _azure, "gcp": _gcp}[provider](
            request, monkeypatch, stack, label, root)
        config = {"gcp:project": PROJECT, "aws:region": "eu-west-1"}
        plane = data_plane(stack, Side(provider, root, outputs, config))
        made.append(plane)
        return plane

    yield make


def _local(request: Any, monkeypatch: Any, stack: Stack, label: str, root: Path) -> dict[str, Any]:
    return {"state": str(root / "state"), "secrets": str(root / "secrets.env")}


def _aws(request: Any, monkeypatch: pytest.MonkeyPatch, stack: Stack, label: str, root: Path) -> dict[str, Any]:
    import boto3

    url = request.getfixturevalue("moto_server")
    if not getattr(request.node, "_moto_reset", False):
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()
        request.node._moto_reset = True
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    from providers.aws import clients

    clients.reset()
    outputs: dict[str, Any] = {"buckets": {}, "tables": {}, "secrets": {}, "queues": {}}
    sqs = boto3.client("sqs", region_name="eu-west-1")
    for queue in stack.queues:
        outputs["queues"][queue.name] = {
            "url": sqs.create_queue(QueueName=f"{stack.name}-{queue.name}-{label}")["QueueUrl"],
            "dead_letter_url": sqs.create_queue(QueueName=f"{stack.name}-{queue.name}-{label}_dlq")["QueueUrl"]}
    s3 = boto3.client("s3", region_name="eu-west-1")
    for bucket in stack.buckets:
        physical = f"{stack.name}-{bucket.name}-{label}-x7k2"
        s3.create_bucket(Bucket=physical, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        outputs["buckets"][bucket.name] = {"name": physical}
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    for table in stack.tables:
        physical = f"{stack.name}-{table.name}-{label}"
        keys = [(table.key, "HASH")] + ([(table.sort_key, "RANGE")] if table.sort_key else [])
        dynamodb.create_table(TableName=physical, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": n, "KeyType": t} for n, t in keys],
                              AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n, _ in keys])
        outputs["tables"][table.name] = {"name": physical}
    secrets = boto3.client("secretsmanager", region_name="eu-west-1")
    for secret in stack.secrets:
        arn = secrets.create_secret(Name=f"{stack.name}-{secret.name}-{label}")["ARN"]
        outputs["secrets"][secret.name] = {"arn": arn}
    return outputs


def _azure(request: Any, monkeypatch: pytest.MonkeyPatch, stack: Stack, label: str, root: Path) -> dict[str, Any]:
    from azure.data.tables import TableServiceClient
    from azure.storage.blob import BlobServiceClient

    connection = request.getfixturevalue("azurite")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection)
    suffix = f"{label}{os.urandom(3).hex()}"
    outputs: dict[str, Any] = {"buckets": {}, "tables": {}}
    blobs = BlobServiceClient.from_connection_string(connection)
    for bucket in stack.buckets:
        physical = f"{stack.name}-{bucket.name}-{suffix}"
        blobs.create_container(physical)
        outputs["buckets"][bucket.name] = {"container": physical}
    from azure.storage.queue import QueueServiceClient

    queues = QueueServiceClient.from_connection_string(connection)
    outputs["queues"] = {}
    for queue in stack.queues:
        physical = f"{stack.name}-{queue.name}-{suffix}"
        queues.create_queue(physical)
        outputs["queues"][queue.name] = {"queue": physical}
    tables = TableServiceClient.from_connection_string(connection)
    for table in stack.tables:
        physical = f"{stack.name}{table.name}{suffix}"
        tables.create_table(physical)
        outputs["tables"][table.name] = {"table": physical}
    return outputs


def _gcp(request: Any, monkeypatch: pytest.MonkeyPatch, stack: Stack, label: str, root: Path) -> dict[str, Any]:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", request.getfixturevalue("gcs_emulator"))
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", request.getfixturevalue("firestore_emulator"))
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
    from providers.gcp import clients

    clients.reset()
    suffix = f"{label}{os.urandom(3).hex()}"
    outputs: dict[str, Any] = {"buckets": {}, "tables": {}}
    client = storage.Client(project=PROJECT, credentials=AnonymousCredentials())
    for bucket in stack.buckets:
        physical = f"{stack.name}-{bucket.name}-{suffix}"
        client.create_bucket(physical)
        outputs["buckets"][bucket.name] = {"name": physical}
    for table in stack.tables:
        outputs["tables"][table.name] = {"database": f"{stack.name}-{table.name}-{suffix}"}
    return outputs


def outputs_file(plane: DataPlane, path: Path) -> Path:
    """The plane's outputs as the JSON ``pulumi stack output --json`` would write."""
    path.write_text(json.dumps(plane.side.outputs))
    return path
