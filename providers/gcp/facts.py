"""How Google Cloud behaves where portable puts a stack (Cloud Run, Pub/Sub, Firestore, Cloud
Storage + Eventarc, Cloud Scheduler, Secret Manager): pure data, no SDK. Transcribed from the Google
Cloud quotas pages named in each ``sources`` entry (read 2026-12-02); re-check them when a figure
matters."""

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
    name="gcp",
    title="Google Cloud Run",
    function=FunctionFacts(
        service="Cloud Run service",
        timeout_max=3600,
        warm="minimum instances",
        concurrency=80,
        sources={
            "timeout_max": "Cloud Run request timeout: up to 60 minutes",
            "concurrency": "Cloud Run: default maximum concurrent requests per instance 80",
            "state_between_invocations": "a Cloud Run instance serves many requests: globals persist",
        },
    ),
    http=HttpFacts(
        service="Cloud Run URL",
        timeout=3600,
        request_bytes=32 * MB,
        response_bytes=None,
        sources={
            "timeout": "Cloud Run request timeout: up to 3600 s",
            "request_bytes": "Cloud Run quotas: HTTP/1 request up to 32 MiB",
        },
    ),
    queue=QueueFacts(
        service="Pub/Sub topic + push subscription",
        message_bytes=10 * 1000 * 1000,
        delivery="at-least-once",
        ordering="none",
        redelivery="ack deadline",
        redelivery_max=600,
        retention_max=604800,
        batch_max=1,
        dead_letter="native: dead-letter topic after 5-100 delivery attempts",
        sources={
            "message_bytes": "Pub/Sub quotas: message size 10 MB",
            "delivery": "Pub/Sub: at-least-once delivery (exactly-once is pull only)",
            "ordering": "Pub/Sub: no ordering without ordering keys; portable sets none",
            "redelivery_max": "Pub/Sub: ack deadline 10-600 s (for push, the response deadline)",
            "retention_max": "Pub/Sub subscription: message retention up to 7 days",
            "batch_max": "Pub/Sub push: one message per request",
        },
    ),
    topic=TopicFacts(
        service="Pub/Sub",
        message_bytes=10 * 1000 * 1000,
        delivery="at-least-once",
        ordering="none",
        retention_max=604800,
        sources={
            "message_bytes": "Pub/Sub quotas: message size 10 MB",
            "delivery": "Pub/Sub: at-least-once delivery",
            "retention_max": "Pub/Sub subscription: message retention up to 7 days",
        },
    ),
    table=TableFacts(
        service="Firestore (native mode)",
        item_bytes=1 * MB,
        properties_max=20000,
        key_types=("string",),
        key_bytes=1500,
        number_precision="64-bit signed integers and IEEE 754 doubles",
        sets=False,
        binary=True,
        nesting_max=20,
        ttl_native=True,
        ttl="deleted typically within 24 hours of expiry; expired documents can be read until then",
        consistency="strong",
        sources={
            "item_bytes": "Firestore quotas: document size 1 MiB (1,048,576 bytes)",
            "properties_max": "Firestore quotas: 20,000 fields per document",
            "key_types": "Firestore: a document ID is a string",
            "key_bytes": "Firestore quotas: document ID up to 1,500 bytes",
            "number_precision": "Firestore data types: integer (64-bit signed) and floating point (64-bit double)",
            "nesting_max": "Firestore quotas: maps nested up to 20 levels",
            "ttl": "Firestore TTL policies: expired data is typically deleted within 24 hours",
            "consistency": "Firestore: strongly consistent reads and queries",
        },
    ),
    bucket=BucketFacts(
        service="Cloud Storage + Eventarc",
        object_bytes=5 * TB,
        key_bytes=1024,
        metadata_bytes=8 * KB,
        event_delivery="at-least-once",
        event_ordering="none",
        event_filters="Eventarc matches the bucket only: the function receives every object event and the "
        "runtime drops those outside the prefix/suffix (portable.runtime.objects.takes), each still an invocation",
        sources={
            "object_bytes": "Cloud Storage quotas: object size 5 TiB",
            "event_filters": "Eventarc Cloud Storage triggers filter on type and bucket; providers/gcp/deploy passes "
            "the filters to the runtime",
            "key_bytes": "Cloud Storage object names: up to 1024 bytes UTF-8",
            "metadata_bytes": "Cloud Storage quotas: custom metadata 8 KiB",
            "event_delivery": "Eventarc over Pub/Sub: at-least-once",
        },
    ),
    schedule=ScheduleFacts(
        service="Cloud Scheduler",
        time_zones=True,
        min_interval=60,
        delivery="at-least-once",
        attempt_timeout=1800,
        sources={
            "time_zones": "Cloud Scheduler job time_zone: a tz database name",
            "min_interval": "Cloud Scheduler: unix-cron, minute granularity",
            "delivery": "Cloud Scheduler: at-least-once delivery",
            "attempt_timeout": "Cloud Scheduler HTTP targets: attempt deadline 15 s to 30 minutes",
        },
    ),
    secret=SecretFacts(
        service="Secret Manager",
        value_bytes=64 * KB,
        sources={"value_bytes": "Secret Manager quotas: secret version payload 64 KiB"},
    ),
)
