"""Topic subscriber: writes one structured audit line per order event."""

import json

from portable.runtime import Context, Message


def handle(message: Message, ctx: Context) -> None:
    print(json.dumps({"audit": message.json(), "trace": ctx.traceparent}))
