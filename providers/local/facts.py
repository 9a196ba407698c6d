"""How ``portable dev`` behaves on this machine: every service is emulated in process over SQLite
and folders (see the modules beside this one); pure data. Sizes and timeouts are not limited."""

from __future__ import annotations

from portable.facts import (
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

_HERE = "providers/local"

FACTS = ProviderFacts(
    name="local",
    title="local (this machine)",
    function=FunctionFacts(
        service="in-process function", emulated="the handler runs in the portable dev process",
        timeout_max=None, warm="always warm (one process)", concurrency=None,
        sources={"timeout_max": "timeouts are not enforced locally (providers/local/limits.py)"},
    ),
    http=HttpFacts(
        service="local HTTP server", emulated=f"a threaded HTTP server ({_HERE}/server.py)",
        timeout=None, request_bytes=None, response_bytes=None,
        sources={"timeout": f"{_HERE}/server.py waits for the handler"},
    ),
    queue=QueueFacts(
        service="SQLite queue", emulated=f"a durable SQLite queue ({_HERE}/queues.py)",
        message_bytes=None, delivery="at-least-once", ordering="best-effort",
        redelivery="visibility timeout", redelivery_max=None, retention_max=None,
        dead_letter=f"emulated: moved to the dead letter table after dead_letter_after failures ({_HERE}/queues.py)",
        sources={"delivery": f"{_HERE}/queues.py redelivers a message whose handler failed or crashed"},
    ),
    topic=TopicFacts(
        service="in-process fan-out", emulated=f"each subscriber gets a copy ({_HERE}/notifications.py)",
        message_bytes=None, delivery="at-least-once", ordering="best-effort",
    ),
    table=TableFacts(
        service="SQLite table", emulated=f"items stored as JSON in SQLite ({_HERE}/tables.py)",
        item_bytes=None, properties_max=None, key_types=("string", "number"), key_bytes=None,
        number_precision="kept as JSON text", sets=False, binary=False, nesting_max=None,
        ttl_native=False, ttl="expired items are hidden on read at once", consistency="strong",
        sources={"ttl": f"{_HERE}/tables.py compares the TTL attribute with the clock on every read"},
    ),
    bucket=BucketFacts(
        service="folder", emulated=f"objects are files under .portable ({_HERE}/buckets.py)",
        object_bytes=None, key_bytes=None, metadata_bytes=None, event_delivery="at-least-once",
        event_ordering="best-effort", event_filters=f"the notifier matches prefix and suffix ({_HERE}/notifications.py)",
    ),
    schedule=ScheduleFacts(
        service="scheduler thread", emulated=f"a thread fires due schedules ({_HERE}/scheduler.py)",
        time_zones=True, min_interval=60, delivery="at-most-once",
        sources={"time_zones": f"{_HERE}/limits.py: schedules run in their own time zone"},
    ),
    secret=SecretFacts(
        service="environment or file", emulated=f"read from the environment or a file ({_HERE}/secrets.py)",
        value_bytes=None,
    ),
)
