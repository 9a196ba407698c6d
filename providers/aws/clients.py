"""Runtime clients backed by AWS: S3, DynamoDB, SQS, SNS and Secrets Manager (boto3, imported lazily).

The front-end (:mod:`portable.runtime.clients`) checks access and calls the factories below with a
resource's PORTABLE_LINKS entry, written by :mod:`providers.aws.deploy`:

=========  =======================================================================
kind       link keys besides ``kind``/``access``
=========  =======================================================================
bucket     ``id``: the bucket name; ``arn``
table      ``id``: the table name; ``arn``; ``key`` and ``sort_key`` (or null)
queue      ``id``: the queue URL; ``arn``
topic      ``id``: the topic ARN; ``arn``
secret     ``id``: the secret ARN; ``arn``
=========  =======================================================================

boto3 ships with the Lambda Python runtime (it is left out of bundles) and is imported the first time
a client is used. One boto3 client per service is created per process and shared. Outside Lambda the
usual variables apply (``AWS_REGION``, ``AWS_ENDPOINT_URL`` for an emulator such as moto).
"""

from __future__ import annotations

from decimal import Decimal

from portable.runtime.errors import ConfigError
from portable.runtime.keys import item_exists, key_names, key_value, key_values
from portable.runtime.links import link_field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_clients: dict[str, Any] = {}


def client(service: str) -> Any:
    """The process's shared boto3 client for ``service``."""
    found = _clients.get(service)
    if found is None:
        import boto3

        found = _clients[service] = boto3.client(service)
    return found


def reset() -> None:
    """Forget the shared boto3 clients (tests that switch endpoints or credentials call this)."""
    _clients.clear()


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _text(body: bytes | str, what: str) -> str:
    if isinstance(body, str):
        return body
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{what} carries text only and this body is not UTF-8; encode binary data (e.g. base64) "
            "or put it in a bucket and send its key"
        ) from None


# -- S3 ---------------------------------------------------------------------------------------------


class S3Bucket:
    """An S3 bucket. ``get`` of a missing key raises ``KeyError``."""

    __slots__ = ("bucket", "name")

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        self.name = name
        self.bucket = str(link_field(name, link, "id"))

    def put(self, key: str, data: bytes | str, *, content_type: str | None = None) -> None:
        body = data.encode("utf-8") if isinstance(data, str) else data
        extra = {"ContentType": content_type} if content_type else {}
        client("s3").put_object(Bucket=self.bucket, Key=key, Body=body, **extra)

    def get(self, key: str) -> bytes:
        s3 = client("s3")
        try:
            response = s3.get_object(Bucket=self.bucket, Key=key)
        except s3.exceptions.NoSuchKey:
            raise KeyError(f"bucket {self.name!r} has no object {key!r}") from None
        data: bytes = response["Body"].read()
        return data

    def delete(self, key: str) -> None:
        client("s3").delete_object(Bucket=self.bucket, Key=key)

    def list(self, prefix: str = "") -> list[str]:
        paginator = client("s3").get_paginator("list_objects_v2")
        return [
            item["Key"]
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", ())
        ]

    def exists(self, key: str) -> bool:
        s3 = client("s3")
        try:
            s3.head_object(Bucket=self.bucket, Key=key)
        except s3.exceptions.ClientError as error:
            if _error_code(error) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


# -- DynamoDB ---------------------------------------------------------------------------------------


def _to_dynamo(value: Any) -> Any:
    """JSON-like Python values as DynamoDB accepts them (floats become Decimals)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    """DynamoDB values back as JSON-like Python values (Decimals become ints or floats)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_dynamo(v) for v in value]
    return value


class DynamoTable:
    """A DynamoDB table keyed by ``key`` (and ``sort_key``); items are JSON-like dicts."""

    __slots__ = ("_deserializer", "_serializer", "key", "name", "sort_key", "table")

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.name = name
        self.table = str(link_field(name, link, "id"))
        self.key: str = link.get("key") or "id"
        self.sort_key: str | None = link.get("sort_key")
        self._serializer = TypeSerializer()
        self._deserializer = TypeDeserializer()

    def _encode(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self._serializer.serialize(_to_dynamo(v)) for k, v in item.items()}

    def _decode(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: _from_dynamo(self._deserializer.deserialize(v)) for k, v in item.items()}

    def _names(self) -> tuple[str, ...]:
        return key_names(self.key, self.sort_key)

    def _key(self, key: dict[str, Any]) -> dict[str, Any]:
        names = self._names()
        return self._encode(dict(zip(names, key_values(self.name, names, key, "the key"), strict=True)))

    def put(self, item: dict[str, Any], *, if_not_exists: bool = False) -> None:
        names = self._names()
        key_values(self.name, names, item, "the item")
        extra = {}
        if if_not_exists:
            extra = {"ConditionExpression": "attribute_not_exists(#k)", "ExpressionAttributeNames": {"#k": self.key}}
        dynamodb = client("dynamodb")
        try:
            dynamodb.put_item(TableName=self.table, Item=self._encode(item), **extra)
        except dynamodb.exceptions.ConditionalCheckFailedException:
            raise item_exists(self.name, names, item) from None

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        found = client("dynamodb").get_item(TableName=self.table, Key=self._key(key), ConsistentRead=True)
        item = found.get("Item")
        return None if item is None else self._decode(item)

    def delete(self, key: dict[str, Any]) -> None:
        client("dynamodb").delete_item(TableName=self.table, Key=self._key(key))

    def query(self, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]:
        names = {"#k": self.key}
        values = {":k": self._serializer.serialize(_to_dynamo(key_value(self.name, self.key, partition_value)))}
        condition = "#k = :k"
        if sort_prefix is not None:
            if self.sort_key is None:
                raise ValueError(f"table {self.name!r} has no sort key, so sort_prefix cannot be used")
            names["#s"] = self.sort_key
            values[":s"] = self._serializer.serialize(sort_prefix)
            condition += " AND begins_with(#s, :s)"
        paginator = client("dynamodb").get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table, KeyConditionExpression=condition,
            ExpressionAttributeNames=names, ExpressionAttributeValues=values,
        )
        return [self._decode(item) for page in pages for item in page.get("Items", ())]


# -- SQS and SNS ------------------------------------------------------------------------------------


def _attributes(attributes: Mapping[str, str] | None) -> dict[str, dict[str, str]]:
    return {k: {"DataType": "String", "StringValue": v} for k, v in (attributes or {}).items()}


class SqsQueue:
    """An SQS queue; ``send`` returns the message id."""

    __slots__ = ("name", "url")

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        self.name = name
        self.url = str(link_field(name, link, "id"))

    def send(self, body: bytes | str, attributes: Mapping[str, str] | None = None) -> str:
        response = client("sqs").send_message(
            QueueUrl=self.url, MessageBody=_text(body, f"queue {self.name!r} (SQS)"),
            MessageAttributes=_attributes(attributes),
        )
        return str(response["MessageId"])


class SnsTopic:
    """An SNS topic; ``publish`` returns the message id."""

    __slots__ = ("arn", "name")

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        self.name = name
        self.arn = str(link_field(name, link, "id"))

    def publish(self, body: bytes | str, attributes: Mapping[str, str] | None = None) -> str:
        response = client("sns").publish(
            TopicArn=self.arn, Message=_text(body, f"topic {self.name!r} (SNS)"),
            MessageAttributes=_attributes(attributes),
        )
        return str(response["MessageId"])


# -- Secrets Manager --------------------------------------------------------------------------------


class SecretsManagerSecret:
    """A Secrets Manager secret, read once per process (a new value reaches new instances)."""

    __slots__ = ("_value", "arn", "name")

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        self.name = name
        self.arn = str(link_field(name, link, "id"))
        self._value: str | None = None

    def value(self) -> str:
        if self._value is None:
            secrets = client("secretsmanager")
            try:
                response = secrets.get_secret_value(SecretId=self.arn)
            except secrets.exceptions.ResourceNotFoundException:
                raise ConfigError(
                    f"secret {self.name!r} has no value yet: set it with 'pulumi config set --secret "
                    f"portable:secret:{self.name} <value>' and deploy again"
                ) from None
            self._value = str(response.get("SecretString") or "")
        return self._value


# -- what the runtime front-end builds ---------------------------------------------------------------

BACKENDS = {"bucket": S3Bucket, "table": DynamoTable, "queue": SqsQueue, "topic": SnsTopic,
            "secret": SecretsManagerSecret}
"""The backend class of each kind; portable.runtime.clients builds one with (portable name, PORTABLE_LINKS entry)."""
