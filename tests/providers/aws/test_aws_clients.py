"""The AWS runtime clients against a moto server on 127.0.0.1 (dummy credentials, AWS_ENDPOINT_URL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from portable.runtime import bucket, env, queue, secret, table, topic
from portable.runtime.clients import clear_cache
from portable.runtime.errors import BadKey, ConfigError, ItemExists
from providers.aws import clients
from providers.aws import runtime as _shim  # noqa: F401  (importing the shim registers its runtime clients)


@pytest.fixture
def s3(aws_env: str) -> Any:
    client = boto3.client("s3")
    client.create_bucket(Bucket="shop-files-test", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return client


@pytest.fixture
def dynamodb(aws_env: str) -> Any:
    client = boto3.client("dynamodb")
    client.create_table(
        TableName="shop-lines", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}, {"AttributeName": "line", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"},
                              {"AttributeName": "line", "AttributeType": "S"}],
    )
    return client


@pytest.fixture
def sqs(aws_env: str) -> Any:
    client = boto3.client("sqs")
    return client, client.create_queue(QueueName="shop-jobs")["QueueUrl"]


def test_bucket_put_get_list_exists_delete(s3: Any) -> None:
    files = clients.BACKENDS["bucket"]("files", {"kind": "bucket", "id": "shop-files-test"})
    files.put("a/1.json", b'{"n": 1}', content_type="application/json")
    files.put("a/2.txt", "two")
    files.put("b/3.txt", b"three")
    assert files.get("a/1.json") == b'{"n": 1}'
    assert s3.head_object(Bucket="shop-files-test", Key="a/1.json")["ContentType"] == "application/json"
    assert files.list("a/") == ["a/1.json", "a/2.txt"]
    assert files.list() == ["a/1.json", "a/2.txt", "b/3.txt"]
    assert files.exists("a/2.txt") and not files.exists("nope")
    files.delete("a/2.txt")
    assert not files.exists("a/2.txt")
    with pytest.raises(KeyError, match=r"bucket 'files' has no object 'a/2\.txt'"):
        files.get("a/2.txt")


def test_table_put_get_query_delete_with_numbers(dynamodb: Any) -> None:
    lines = clients.BACKENDS["table"]("lines", {"kind": "table", "id": "shop-lines", "key": "order_id", "sort_key": "line"})
    lines.put({"order_id": "o1", "line": "001", "price": 9.5, "quantity": 2, "tags": ["a"], "meta": {"x": 1.25}})
    lines.put({"order_id": "o1", "line": "002", "price": 3, "quantity": 1})
    lines.put({"order_id": "o2", "line": "001", "price": 1, "quantity": 1})
    assert lines.get({"order_id": "o1", "line": "001"}) == {
        "order_id": "o1", "line": "001", "price": 9.5, "quantity": 2, "tags": ["a"], "meta": {"x": 1.25},
    }
    assert lines.get({"order_id": "o9", "line": "001"}) is None
    assert [item["line"] for item in lines.query("o1")] == ["001", "002"]
    assert [item["line"] for item in lines.query("o1", sort_prefix="00")] == ["001", "002"]
    assert lines.query("o1", sort_prefix="002") == [{"order_id": "o1", "line": "002", "price": 3, "quantity": 1}]
    with pytest.raises(ItemExists) as caught:
        lines.put({"order_id": "o1", "line": "001"}, if_not_exists=True)
    assert str(caught.value) == "table 'lines' already has an item with key order_id='o1', line='001'"
    with pytest.raises(BadKey) as caught:
        lines.get({"order_id": "o1"})
    assert str(caught.value) == "table 'lines': the key has no key attribute 'line'; the table's key is 'order_id' and 'line'"
    with pytest.raises(BadKey) as caught:
        lines.put({"order_id": True, "line": "003"})
    assert str(caught.value) == "table 'lines': key attribute 'order_id' must be a string or a number, not bool True"
    lines.delete({"order_id": "o1", "line": "001"})
    assert lines.get({"order_id": "o1", "line": "001"}) is None


def test_queue_send_with_attributes(sqs: Any) -> None:
    client, url = sqs
    jobs = clients.BACKENDS["queue"]("jobs", {"kind": "queue", "id": url})
    message_id = jobs.send('{"order_id": "42"}', {"traceparent": "00-abc-def-01"})
    received = client.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert received["MessageId"] == message_id
    assert json.loads(received["Body"]) == {"order_id": "42"}
    assert received["MessageAttributes"]["traceparent"]["StringValue"] == "00-abc-def-01"
    with pytest.raises(ValueError, match="carries text only"):
        jobs.send(b"\xff\xfe")


def test_topic_publish_reaches_a_subscribed_queue(sqs: Any) -> None:
    client, url = sqs
    sns = boto3.client("sns")
    arn = sns.create_topic(Name="shop-events")["TopicArn"]
    queue_arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    events = clients.BACKENDS["topic"]("events", {"kind": "topic", "id": arn})
    message_id = events.publish(b"hello", {"kind": "greeting"})
    body = json.loads(client.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert (body["MessageId"], body["Message"], body["MessageAttributes"]["kind"]["Value"]) == (message_id, "hello", "greeting")


def test_secret_value_is_read_once(aws_env: str) -> None:
    manager = boto3.client("secretsmanager")
    arn = manager.create_secret(Name="shop-key", SecretString="v1")["ARN"]
    key = clients.BACKENDS["secret"]("key", {"kind": "secret", "id": arn})
    assert key.value() == "v1"
    manager.put_secret_value(SecretId=arn, SecretString="v2")
    assert key.value() == "v1"
    assert clients.BACKENDS["secret"]("key", {"kind": "secret", "id": arn}).value() == "v2"


def test_a_secret_without_a_value_says_how_to_set_it(aws_env: str) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="shop-empty")["ARN"]
    with pytest.raises(ConfigError, match="portable:secret:empty"):
        clients.BACKENDS["secret"]("empty", {"kind": "secret", "id": arn}).value()


def test_a_link_without_an_id_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="PORTABLE_LINKS entry for bucket 'files' has no 'id'"):
        clients.BACKENDS["bucket"]("files", {"kind": "bucket"})


@pytest.fixture
def deployed(s3: Any, sqs: Any) -> Iterator[str]:
    """A function's configuration as the AWS deploy side writes it, bound for the test."""
    _, url = sqs
    links = {
        "files": {"kind": "bucket", "access": "read_write", "id": "shop-files-test"},
        "jobs": {"kind": "queue", "access": "send", "id": url},
    }
    clear_cache()
    with env.configured({env.PROVIDER: "aws", env.FUNCTION: "api", env.LINKS: json.dumps(links)}):
        yield url
    clear_cache()


def test_the_runtime_front_end_uses_the_aws_clients(deployed: str, sqs: Any) -> None:
    client, url = sqs
    bucket("files").put("r/1.json", b"{}")
    assert bucket("files").list("r/") == ["r/1.json"]
    queue("jobs").send({"order_id": "1"})
    assert json.loads(client.receive_message(QueueUrl=url)["Messages"][0]["Body"]) == {"order_id": "1"}
    for unlinked in (lambda: table("orders"), lambda: topic("events"), lambda: secret("key")):
        with pytest.raises(Exception, match="has no link to"):
            unlinked()
