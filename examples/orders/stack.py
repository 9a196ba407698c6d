"""The orders example: an HTTP API, a queue worker, an object trigger, a nightly report and a secret.

Run it locally with ``portable dev examples/orders``; deploy it with ``pulumi up`` and one of the
stacks ``aws``, ``azure`` or ``gcp`` (see Pulumi.<cloud>.yaml).
"""

from portable import Http, Schedule, Stack

stack = Stack("orders")

orders = stack.table("orders", key="order_id")
receipts = stack.bucket("receipts")
jobs = stack.queue("receipt-jobs", dead_letter_after=5)
audit = stack.topic("order-events")
signing_key = stack.secret("receipt-signing-key", description="HMAC key that signs receipts")

stack.function(
    "api",
    handler="orders.api:handle",
    source="src",
    triggers=[Http("POST", "/orders", public=True), Http("GET", "/orders/{order_id}", public=True)],
    links=[orders.read_write(), jobs.send()],
)
stack.function(
    "receipt-worker",
    handler="orders.worker:handle",
    source="src",
    timeout=60,
    triggers=[jobs.trigger(batch_size=10)],
    links=[orders.read_write(), receipts.write(), signing_key.read()],
)
stack.function(
    "receipt-indexer",
    handler="orders.indexer:handle",
    source="src",
    triggers=[receipts.on_created(prefix="receipts/", suffix=".json")],
    links=[audit.publish()],
)
stack.function(
    "audit-log",
    handler="orders.audit:handle",
    source="src",
    triggers=[audit.trigger()],
)
stack.function(
    "nightly-report",
    handler="orders.report:run",
    source="src",
    triggers=[Schedule.cron("0 2 * * *", name="nightly-report")],
    links=[orders.read(), receipts.read_write()],
)
