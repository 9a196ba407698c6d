"""Transport: every bucket, queue and topic of a stack refuses requests made without TLS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portable.loader import load_target
from portable.plan import plan_stack
from portable.plan.model import Plan

DENY_INSECURE = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _policies(plan: Plan, policy_type: str, key: str) -> dict[str, dict[str, Any]]:
    """Each resource policy of ``policy_type`` by the value of its ``key`` input (the resource it guards)."""
    return {p.inputs[key]: json.loads(p.inputs["policy"]) for p in plan.of_type(policy_type)}


def _denies_insecure_transport(document: dict[str, Any], action: str, resources: list[str]) -> bool:
    return document["Statement"] == [{**DENY_INSECURE, "Action": action, "Resource": resources}]


def test_every_bucket_queue_and_topic_of_the_example_is_tls_only(orders_dir: Path) -> None:
    plan = plan_stack(load_target(str(orders_dir)).stack, "aws", orders_dir)
    queues = plan.of_type("aws:sqs/queue:Queue")
    queue_policies = _policies(plan, "aws:sqs/queuePolicy:QueuePolicy", "queueUrl")
    assert len(queues) >= 3, "the queue, its dead letter, the failure and schedule queues"
    for queue in queues:
        url = f"https://sqs.eu-west-1.amazonaws.com/123456789012/{queue.inputs['name']}"
        arn = f"arn:aws:sqs:eu-west-1:123456789012:{queue.inputs['name']}"
        assert _denies_insecure_transport(queue_policies[url], "sqs:*", [arn]), queue.name
    assert len(queue_policies) == len(queues)

    [bucket] = plan.of_type("aws:s3/bucket:Bucket")
    [(bucket_id, bucket_policy)] = _policies(plan, "aws:s3/bucketPolicy:BucketPolicy", "bucket").items()
    arn = f"arn:aws:s3:::{bucket_id}"
    assert bucket_id.startswith(bucket.inputs["bucketPrefix"])
    assert _denies_insecure_transport(bucket_policy, "s3:*", [arn, f"{arn}/*"])
    guarded = next(p for p in plan.of_type("aws:s3/bucketPolicy:BucketPolicy"))
    assert any(d.endswith("-public-access") for d in guarded.depends_on), "after the public access block"

    topics = plan.of_type("aws:sns/topic:Topic")
    assert {t.name for t in topics} == {"order-events", "monitoring-alarms"}, "the declared topic and the alarm topic"
    topic_policies = _policies(plan, "aws:sns/topicPolicy:TopicPolicy", "arn")
    for topic in topics:
        topic_arn = f"arn:aws:sns:eu-west-1:123456789012:{topic.inputs['name']}"
        assert _denies_insecure_transport(topic_policies[topic_arn], "sns:*", [topic_arn]), topic.name
    assert len(topic_policies) == len(topics)
