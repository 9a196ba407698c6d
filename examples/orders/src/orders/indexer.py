"""Object trigger: announces every new receipt on the order-events topic."""

from portable.runtime import Context, ObjectEvent, topic


def handle(event: ObjectEvent, ctx: Context) -> None:
    topic("order-events").publish({"type": "receipt.created", "bucket": event.bucket, "key": event.key})
