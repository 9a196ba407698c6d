"""AWS message events: SQS batches (answered with ``batchItemFailures``) and SNS notifications ->
:class:`Message` (``source`` mapped to the portable queue or topic name through PORTABLE_LINKS)."""

from __future__ import annotations

from portable.runtime.errors import HandlerFailed, MalformedEvent
from portable.runtime.links import resolve
from portable.runtime.message import Message
from providers.aws.runtime_http import lambda_context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.dispatch import Function


_NO_FACTS: dict[str, str] = {}


def sqs_messages(event: Mapping[str, Any], links: Mapping[str, Any] | None = None) -> list[Message]:
    """The messages of an SQS batch (``source`` mapped to the portable queue name through ``links``,
    default the current PORTABLE_LINKS); message attributes come flattened to strings (binary ones stay
    base64), the receive count and the sent time are decoded on first use."""
    out: list[Message] = []
    append = out.append
    try:
        records = event["Records"]
        arn = records[0].get("eventSourceARN") if records else None  # an event source mapping reads one queue
        queue = resolve("queue", arn, links=links) if type(arn) is str else None
        for record in records:
            message_id = record["messageId"]
            if type(message_id) is not str:
                raise MalformedEvent("SQS record", "messageId", "a string")
            attributes: dict[str, str] = {}
            raw = record.get("messageAttributes")
            if raw:
                try:
                    for name, value in raw.items():
                        attributes[name] = value.get("stringValue") or value.get("binaryValue") or ""
                except AttributeError:
                    raise MalformedEvent("SQS message", "messageAttributes", "an object of objects") from None
            facts = record.get("attributes") or _NO_FACTS  # not an object: the batch is malformed
            append(Message(record.get("body"), message_id, attributes, facts.get("ApproximateReceiveCount"),
                           facts.get("SentTimestamp"), queue, False, record))
    except (KeyError, TypeError, AttributeError):  # a record that is not an object, or has no messageId
        raise MalformedEvent("SQS batch", "Records[]", "objects with a messageId") from None
    return out


def sns_messages(event: Mapping[str, Any], links: Mapping[str, Any] | None = None) -> list[Message]:
    """The messages of an SNS notification (``source`` mapped to the portable topic name)."""
    out: list[Message] = []
    for record in event["Records"]:
        sns = record.get("Sns") if type(record) is dict else None
        if type(sns) is not dict or type(sns.get("MessageId")) is not str:
            raise MalformedEvent("SNS record", "Sns.MessageId", "a string")
        raw_attributes = sns.get("MessageAttributes")
        attributes = {
            k: v["Value"] for k, v in (raw_attributes if type(raw_attributes) is dict else {}).items()
            if type(v) is dict and type(v.get("Value")) is str
        }
        topic = sns.get("TopicArn")
        out.append(Message(
            sns.get("Message"), sns["MessageId"], attributes, None, sns.get("Timestamp"),
            resolve("topic", topic, links=links) if type(topic) is str else None, False, record,
        ))
    return out


def handle_sqs(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> dict[str, Any]:
    """Run ``fn`` for each message of an SQS batch; the ``batchItemFailures`` of the messages it failed on."""
    failures = []
    for message in sqs_messages(event, fn.links):
        ctx = lambda_context(fn, lambda_ctx, message.attributes.get("traceparent"))
        try:
            fn.message(message, ctx)
        except HandlerFailed:
            failures.append({"itemIdentifier": message.id})
    return {"batchItemFailures": failures}


def handle_sns(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> None:
    """Run ``fn`` for the message of an SNS notification (raises HandlerFailed: Lambda retries)."""
    for message in sns_messages(event, fn.links):
        fn.message(message, lambda_context(fn, lambda_ctx, message.attributes.get("traceparent")))
