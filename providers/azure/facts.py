"""How Azure behaves where portable puts a stack (Functions Flex Consumption, Storage queues, blobs
and tables, Service Bus topics, Event Grid, Key Vault): pure data, no SDK. Transcribed from the Azure
limits pages named in each ``sources`` entry (read 2026-12-02); re-check them when a figure matters."""

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
    name="azure",
    title="Azure Flex Consumption",
    function=FunctionFacts(
        service="Azure Functions (Flex Consumption)",
        timeout_max=None,
        warm="always-ready instances",
        concurrency=16,
        sources={
            "timeout_max": "Functions hosting options: Flex Consumption default 30 min, no enforced maximum",
            "concurrency": "Flex Consumption concurrency: HTTP per-instance concurrency 16 at 2048 MB by default",
            "state_between_invocations": "a Functions worker process serves many invocations: globals persist",
        },
    ),
    http=HttpFacts(
        service="Azure Functions HTTP trigger",
        timeout=230,
        request_bytes=100 * MB,
        response_bytes=None,
        sources={
            "timeout": "Functions HTTP trigger: the front end ends a request after 230 s without a response",
            "request_bytes": "Functions HTTP trigger: request length limit 100 MB (maxRequestLength)",
        },
    ),
    queue=QueueFacts(
        service="Azure Queue Storage",
        message_bytes=64 * KB,
        delivery="at-least-once",
        ordering="none",
        redelivery="visibility timeout",
        redelivery_max=604800,
        retention_max=None,
        batch_max=32,
        dead_letter="native: the Functions host moves a message to '<queue>-poison' after maxDequeueCount",
        sources={
            "message_bytes": "Queue Storage scalability targets: message up to 64 KiB (the Functions host's base64 "
            "leaves about 48 KiB of data)",
            "delivery": "Queue Storage: a message reappears after its visibility timeout (at least once)",
            "ordering": "Queue Storage: no ordering guarantee",
            "redelivery_max": "Queue Storage Update Message: visibility timeout up to 7 days",
            "retention_max": "Queue Storage Put Message: time-to-live -1 means the message never expires",
            "batch_max": "Functions queue trigger: batchSize up to 32",
        },
    ),
    topic=TopicFacts(
        service="Azure Service Bus topic (Standard)",
        message_bytes=256 * KB,
        delivery="at-least-once",
        ordering="best-effort",
        retention_max=1209600,
        sources={
            "message_bytes": "Service Bus quotas: message size 256 KB on Standard (100 MB on Premium)",
            "delivery": "Service Bus peek-lock: at least once",
            "ordering": "Service Bus: FIFO only within a session; portable uses no sessions",
            "retention_max": "Service Bus quotas: message time to live up to 14 days on Standard",
        },
    ),
    table=TableFacts(
        service="Azure Table Storage",
        emulated="items stored whole as JSON text over string properties (providers/azure/table_client.py)",
        item_bytes=1 * MB,
        properties_max=252,
        key_types=("string",),
        key_bytes=1 * KB,
        number_precision="kept as JSON text inside the stored item (Table Storage itself: Int32, Int64, Double)",
        sets=False,
        binary=False,
        nesting_max=None,
        ttl_native=False,
        ttl="no server-side TTL: portable hides expired items on read; they stay stored (and billed) until deleted",
        consistency="strong (reads see the latest write)",
        sources={
            "item_bytes": "Table Storage scalability targets: entity up to 1 MiB",
            "properties_max": "Table Storage data model: 252 properties plus PartitionKey, RowKey, Timestamp",
            "key_types": "Table Storage: PartitionKey and RowKey are strings",
            "key_bytes": "Table Storage data model: PartitionKey and RowKey up to 1 KiB each",
            "ttl": "Table Storage has no time to live; providers/azure/table_client.py filters on read",
            "consistency": "Azure Storage: strong consistency in the primary region",
        },
    ),
    bucket=BucketFacts(
        service="Azure Blob Storage + Event Grid",
        object_bytes=190 * TB,
        key_bytes=1024,
        metadata_bytes=8 * KB,
        event_delivery="at-least-once",
        event_ordering="none",
        sources={
            "object_bytes": "Blob Storage scalability targets: block blob about 190.7 TiB",
            "key_bytes": "Blob names: up to 1024 characters",
            "metadata_bytes": "Blob metadata: up to 8 KiB in total",
            "event_delivery": "Event Grid: at-least-once delivery with retries",
            "event_ordering": "Event Grid: no ordering guarantee",
        },
    ),
    schedule=ScheduleFacts(
        service="Azure Functions timer trigger",
        time_zones=False,
        min_interval=60,
        delivery="at-most-once",
        sources={
            "time_zones": "Flex Consumption: WEBSITE_TIME_ZONE is not supported, timers run in UTC",
            "min_interval": "portable writes 5-field cron as NCRONTAB with second 0: one minute at best",
            "delivery": "timer trigger: one instance runs each occurrence (singleton lock); a failed run is not "
            "retried, a missed one runs late once",
        },
    ),
    secret=SecretFacts(
        service="Azure Key Vault",
        value_bytes=25 * KB,
        sources={"value_bytes": "Key Vault service limits: secret value up to 25 KB"},
    ),
)
