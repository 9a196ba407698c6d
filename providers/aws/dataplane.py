"""The AWS data plane: S3 objects, DynamoDB items and Secrets Manager values (boto3, imported lazily).

Physical names come from the stack outputs (``buckets.<name>.name``, ``tables.<name>.name``,
``secrets.<name>.arn``); tables and secrets fall back to :mod:`providers.aws.deploy.names`. S3 bucket
names carry a suffix AWS chooses, so a bucket needs the outputs. Credentials and endpoints follow
boto3's chain (``AWS_ENDPOINT_URL`` for an emulator).

DynamoDB items are read and written in DynamoDB's own typed form, which is the neutral form's text
(:mod:`portable.dataplane`): big integers and decimals up to 38 digits, sets and bytes are native.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from portable.dataplane import (
    CHUNK,
    DataPlane,
    DataPlaneError,
    ObjectInfo,
    ObjectStream,
    QueuedMessage,
    Side,
    TableInfo,
    encode_item,
    number,
    number_text,
    rechunk,
    walk,
)
from providers.aws.limits import LIMITS

if TYPE_CHECKING:
    from portable.model import Stack

PART = 8 * 1024 * 1024
"""Bytes per multipart-upload part (S3's minimum is 5 MiB)."""
SINGLE_PUT_MAX = 16 * 1024 * 1024
"""Objects up to this size go in one PUT (fewer round trips); larger ones in parts."""
PARTS_IN_FLIGHT = 4
"""Parts of one object uploaded at once: at most this many parts are held in memory per object."""
ITEM_BYTES = 400 * 1024
DIGITS = 38
BATCH = 25
RETRIES = 8


class AwsDataPlane(DataPlane):
    provider = "aws"

    def __init__(self, stack: Stack, side: Side) -> None:
        super().__init__(stack, side)
        self._clients: dict[str, Any] = {}
        self._boto: Any = None

    def client(self, service: str) -> Any:
        found = self._clients.get(service)
        if found is None:
            from botocore.config import Config

            # portable's own sha256 covers every byte; botocore's extra CRC per request is left off.
            config = Config(max_pool_connections=32, retries={"max_attempts": 10, "mode": "adaptive"},
                            request_checksum_calculation="when_required",
                            response_checksum_validation="when_required")
            region = self.side.config.get("aws:region")
            found = self._clients[service] = self._session().client(service, region_name=region or None, config=config)
        return found

    def _session(self) -> Any:
        """A session of its own: credentials and endpoints are read from the environment now, not
        from boto3's process-wide default session."""
        if self._boto is None:
            import boto3

            self._boto = boto3.session.Session()
        return self._boto

    output_fields = {"bucket": "name", "table": "name", "secret": "arn", "queue": "url"}

    def derived_name(self, kind: str, name: str) -> str:
        if kind == "bucket":
            raise DataPlaneError(
                f"Bucket {name!r} on aws: its physical name has a suffix AWS chose, and no stack outputs were given",
                hint="Pass the stack's outputs: pulumi stack output --json > aws.json, then --from-outputs/--to-outputs aws.json.",
            )
        return LIMITS.names[kind].physical(self.stack.name, name)

    def runtime_link(self, kind: str, name: str) -> dict[str, Any]:
        link: dict[str, Any] = {"kind": kind, "access": "read", "id": self.physical(kind, name)}
        if kind == "table":
            table = self.table(name)
            link.update(key=table.key, sort_key=table.sort_key)
        return link

    def check_reachable(self) -> None:
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        sts = self._session().client("sts", region_name=self.side.config.get("aws:region") or None,
                           config=Config(connect_timeout=5, retries={"max_attempts": 1}))
        try:
            sts.get_caller_identity()
        except NoCredentialsError:
            raise DataPlaneError("AWS: no credentials found",
                                 hint="Configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID).") from None
        except (BotoCoreError, ClientError) as error:
            endpoint = sts.meta.endpoint_url
            raise DataPlaneError(f"AWS: cannot reach {endpoint} ({type(error).__name__})",
                                 hint="Check the network, AWS_ENDPOINT_URL and the credentials.") from None

    # -- S3 --

    def list_objects(self, bucket: str) -> Iterator[ObjectInfo]:
        pages = self.client("s3").get_paginator("list_objects_v2").paginate(Bucket=self.physical("bucket", bucket))
        for page in pages:
            for entry in page.get("Contents", ()):
                yield ObjectInfo(entry["Key"], int(entry["Size"]), version=str(entry.get("ETag", "")))

    def read_object(self, bucket: str, key: str) -> ObjectStream:
        s3 = self.client("s3")
        try:
            response = s3.get_object(Bucket=self.physical("bucket", bucket), Key=key)
        except s3.exceptions.NoSuchKey:
            raise KeyError(f"bucket {bucket!r} has no object {key!r}") from None
        body = response["Body"]
        info = ObjectInfo(key, int(response["ContentLength"]), response.get("ContentType"),
                          dict(response.get("Metadata") or {}))
        return ObjectStream(info, body.iter_chunks(CHUNK), body.close)

    def write_object(self, bucket: str, info: ObjectInfo, chunks: Iterable[bytes]) -> None:
        s3 = self.client("s3")
        target = {"Bucket": self.physical("bucket", bucket), "Key": info.key}
        extra: dict[str, Any] = {"Metadata": dict(info.metadata or {})}
        if info.content_type:
            extra["ContentType"] = info.content_type
        parts = rechunk(chunks, SINGLE_PUT_MAX if info.size <= SINGLE_PUT_MAX else PART)
        first = next(parts)
        second = next(parts, None)
        if second is None:
            s3.put_object(Body=first, **target, **extra)
            return
        upload = s3.create_multipart_upload(**target, **extra)["UploadId"]

        def send(number: int, part: bytes) -> dict[str, Any]:
            etag = s3.upload_part(Body=part, PartNumber=number, UploadId=upload, **target)["ETag"]
            return {"ETag": etag, "PartNumber": number}

        try:
            done: list[dict[str, Any]] = []
            with ThreadPoolExecutor(max_workers=PARTS_IN_FLIGHT) as pool:
                flying: deque[Future[dict[str, Any]]] = deque()
                for number, part in enumerate(_chain(first, second, parts), start=1):
                    if len(flying) >= PARTS_IN_FLIGHT:
                        done.append(flying.popleft().result())
                    flying.append(pool.submit(send, number, part))
                done += [f.result() for f in flying]
            s3.complete_multipart_upload(MultipartUpload={"Parts": done}, UploadId=upload, **target)
        except BaseException:
            s3.abort_multipart_upload(UploadId=upload, **target)
            raise

    def delete_object(self, bucket: str, key: str) -> None:
        self.client("s3").delete_object(Bucket=self.physical("bucket", bucket), Key=key)

    # -- DynamoDB --

    def scan_items(self, table: TableInfo) -> Iterator[dict[str, Any]]:
        from boto3.dynamodb.types import TypeDeserializer

        deserializer = TypeDeserializer()
        pages = self.client("dynamodb").get_paginator("scan").paginate(TableName=table.physical, ConsistentRead=True)
        for page in pages:
            for item in page.get("Items", ()):
                yield {k: _neutral(deserializer.deserialize(v)) for k, v in item.items()}

    def unstorable(self, table: TableInfo, item: Mapping[str, Any]) -> str | None:
        for value in walk(item):
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                digits = number_text(value).lstrip("-").split("E")[0].replace(".", "").strip("0")
                if len(digits) > DIGITS:
                    return f"DynamoDB keeps numbers to {DIGITS} significant digits; {number_text(value)} has {len(digits)}"
            if isinstance(value, set | frozenset) and not value:
                return "DynamoDB has no empty sets"
        size = len(str(encode_item(item)).encode())
        if size > ITEM_BYTES:
            return f"DynamoDB items are at most {ITEM_BYTES} bytes; this one is about {size}"
        return None

    def write_items(self, table: TableInfo, items: list[dict[str, Any]]) -> None:
        dynamodb = self.client("dynamodb")
        for start in range(0, len(items), BATCH):
            pending = [{"PutRequest": {"Item": _typed(i)}} for i in items[start:start + BATCH]]
            for attempt in range(RETRIES):
                response = dynamodb.batch_write_item(RequestItems={table.physical: pending})
                pending = response.get("UnprocessedItems", {}).get(table.physical, [])
                if not pending:
                    break
                time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.0))
            else:
                raise DataPlaneError(f"Table {table.name!r} ({table.physical}): DynamoDB kept throttling "
                                     f"{len(pending)} writes after {RETRIES} retries",
                                     hint="Run copy again later: it resumes where it stopped.")

    # -- Secrets Manager --

    def read_secret(self, name: str) -> str | None:
        secrets = self.client("secretsmanager")
        try:
            value = secrets.get_secret_value(SecretId=self.physical("secret", name))
        except secrets.exceptions.ResourceNotFoundException:
            return None
        return str(value["SecretString"]) if "SecretString" in value else None

    def write_secret(self, name: str, value: str) -> None:
        secrets = self.client("secretsmanager")
        secret = self.physical("secret", name)
        try:
            secrets.put_secret_value(SecretId=secret, SecretString=value)
        except secrets.exceptions.ResourceNotFoundException:
            raise DataPlaneError(f"Secret {name!r} ({secret}) does not exist on aws",
                                 hint="Deploy the target stack first (pulumi up).") from None


    # -- SQS --

    def _queue_url(self, queue: str, dead_letters: bool) -> str:
        found = self.side.output("queues", queue, "dead_letter_url" if dead_letters else "url")
        if found:
            return found
        from providers.aws.deploy.names import Names  # imports the deploy side (Pulumi): only when needed

        name = Names(self.stack.name).queue_of("queue", queue) if dead_letters else self.physical("queue", queue)
        return str(self.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])

    def receive_messages(self, queue: str, *, dead_letters: bool = False) -> list[QueuedMessage]:
        url = self._queue_url(queue, dead_letters)
        response = self.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                                      VisibilityTimeout=600, MessageAttributeNames=["All"])
        return [QueuedMessage(m["Body"].encode(),
                              {k: v.get("StringValue", "") for k, v in (m.get("MessageAttributes") or {}).items()},
                              m["ReceiptHandle"]) for m in response.get("Messages", ())]

    def delete_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        self.client("sqs").delete_message(QueueUrl=self._queue_url(queue, dead_letters), ReceiptHandle=message.receipt)

    def send_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        try:
            body = message.body.decode("utf-8")
        except UnicodeDecodeError:
            raise DataPlaneError(f"Queue {queue!r}: SQS carries text only and a message body is not UTF-8",
                                 hint="Drain that message at the source instead of moving it.") from None
        attributes = {k: {"DataType": "String", "StringValue": v} for k, v in message.attributes.items()}
        self.client("sqs").send_message(QueueUrl=self._queue_url(queue, dead_letters), MessageBody=body,
                                        MessageAttributes=attributes)


def _typed(item: Mapping[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {k: serializer.serialize(v) for k, v in item.items()}


def _neutral(value: Any) -> Any:
    """A value boto3 deserialized, in neutral form (Decimals as numbers, Binary as bytes)."""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dict):
        return {k: _neutral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_neutral(v) for v in value]
    if isinstance(value, set):
        return {_neutral(v) for v in value}
    if hasattr(value, "value") and type(value).__name__ == "Binary":
        return bytes(value.value)
    return value


def _chain(first: bytes, second: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield second
    for part in rest:
        if part:
            yield part


DATA_PLANE = AwsDataPlane
