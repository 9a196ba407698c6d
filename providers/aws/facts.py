"""How AWS behaves where portable puts a stack (Lambda, API Gateway, SQS, SNS, DynamoDB, S3,
EventBridge Scheduler, Secrets Manager): pure data, no SDK. Transcribed from the AWS quotas pages
named in each ``sources`` entry (read 2026-12-02); re-check them when a figure matters."""

from __future__ import annotations

from portable.facts import (
    KB,
    MB,
    TB,
    BucketFacts,
    FunctionFacts,
    HttpFacts,
    ProviderFacts,
    QueueFacts,
    ScheduleFacts,
    SecretFacts,
    TableFacts,
    TopicFacts,
)

FACTS = ProviderFacts(
    name="aws",
    title="AWS Lambda",
    function=FunctionFacts(
        service="AWS Lambda",
        timeout_max=900,
        warm="provisioned concurrency",
        concurrency=1,
        sources={
            "timeout_max": "Lambda quotas: function timeout 900 seconds (15 minutes)",
            "concurrency": "Lambda execution environments serve one request at a time",
            "state_between_invocations": "Lambda reuses a warm execution environment: module globals persist",
        },
    ),
    http=HttpFacts(
        service="API Gateway HTTP API",
        timeout=30,
        request_bytes=6 * MB,
        response_bytes=6 * MB,
        long_service="Lambda Function URL",
        long_timeout=900,
        sources={
            "timeout": "API Gateway quotas: HTTP API integration timeout 30 seconds (maximum)",
            "request_bytes": "Lambda quotas: synchronous invocation payload 6 MB request and response "
            "(HTTP API itself allows 10 MB)",
            "response_bytes": "Lambda quotas: synchronous invocation payload 6 MB",
            "long_timeout": "Lambda Function URLs run up to the function timeout (900 s)",
        },
    ),
    queue=QueueFacts(
        service="Amazon SQS (standard queue)",
        message_bytes=1 * MB,
        delivery="at-least-once",
        ordering="best-effort",
        redelivery="visibility timeout",
        redelivery_max=43200,
        retention_max=1209600,
        batch_max=10000,
        dead_letter="native: redrive policy to a dead-letter queue after maxReceiveCount receives",
        sources={
            "message_bytes": "SQS quotas: message size up to 1 MiB (raised from 256 KiB in August 2025)",
            "delivery": "SQS standard queues: at-least-once delivery, occasionally more than one copy",
            "ordering": "SQS standard queues: best-effort ordering",
            "redelivery_max": "SQS quotas: visibility timeout 0 s to 12 hours",
            "retention_max": "SQS quotas: message retention 60 s to 14 days",
            "batch_max": "Lambda SQS event source mapping: batch size up to 10,000 with a batching window",
        },
    ),
    topic=TopicFacts(
        service="Amazon SNS (standard topic)",
        message_bytes=256 * KB,
        delivery="at-least-once",
        ordering="none",
        sources={
            "message_bytes": "SNS quotas: message payload 256 KiB",
            "delivery": "SNS standard topics: at-least-once delivery",
            "ordering": "SNS standard topics: no ordering (FIFO topics order, portable does not use them)",
        },
    ),
    table=TableFacts(
        service="Amazon DynamoDB (on-demand)",
        item_bytes=400 * KB,
        properties_max=None,
        key_types=("string", "number", "binary"),
        key_bytes=2048,
        number_precision="decimal, up to 38 significant digits",
        sets=True,
        binary=True,
        nesting_max=32,
        ttl_native=True,
        ttl="deleted by a background process, typically within a few days of expiry; expired items can be "
        "read until then",
        consistency="eventually consistent reads by default (strongly consistent on request)",
        sources={
            "item_bytes": "DynamoDB quotas: item size 400 KB including attribute names",
            "key_types": "DynamoDB: key attributes are string, number or binary scalars",
            "key_bytes": "DynamoDB quotas: partition key 2048 bytes, sort key 1024 bytes",
            "number_precision": "DynamoDB data types: numbers up to 38 digits of precision",
            "sets": "DynamoDB data types: string, number and binary sets",
            "nesting_max": "DynamoDB quotas: nested attributes up to 32 levels",
            "ttl": "DynamoDB TTL docs: expired items are deleted typically within a few days",
            "consistency": "DynamoDB read consistency docs",
        },
    ),
    bucket=BucketFacts(
        service="Amazon S3",
        object_bytes=50 * TB,
        key_bytes=1024,
        metadata_bytes=2 * KB,
        event_delivery="at-least-once",
        event_ordering="none",
        sources={
            "object_bytes": "S3 quotas: objects up to 50 TB (raised from 5 TB in December 2025)",
            "key_bytes": "S3 object keys: UTF-8, up to 1024 bytes",
            "metadata_bytes": "S3 user-defined metadata: up to 2 KB",
            "event_delivery": "S3 event notifications: delivered at least once, typically within seconds",
            "event_ordering": "S3 event notifications: no ordering guarantee",
        },
    ),
    schedule=ScheduleFacts(
        service="Amazon EventBridge Scheduler",
        time_zones=True,
        min_interval=60,
        delivery="at-least-once",
        sources={
            "time_zones": "EventBridge Scheduler: schedule_expression_timezone takes a tz database name",
            "min_interval": "EventBridge Scheduler: rate and cron expressions have minute granularity",
            "delivery": "EventBridge Scheduler: invokes its target at least once",
        },
    ),
    secret=SecretFacts(
        service="AWS Secrets Manager",
        value_bytes=64 * KB,
        sources={"value_bytes": "Secrets Manager quotas: secret value up to 65,536 bytes"},
    ),
)
