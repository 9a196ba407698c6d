"""Queue worker: writes a signed receipt for each order to the receipts bucket."""

import hashlib
import hmac
import json

from portable.runtime import Context, Message, bucket, secret, table


def handle(message: Message, ctx: Context) -> None:
    order_id = message.json()["order_id"]
    order = table("orders").get({"order_id": order_id})
    if order is None:
        raise LookupError(f"order {order_id} not found")
    receipt = {"order_id": order_id, "customer": order["customer"], "total": order["total"]}
    payload = json.dumps(receipt, sort_keys=True).encode()
    signature = hmac.new(secret("receipt-signing-key").value().encode(), payload, hashlib.sha256).hexdigest()
    body = json.dumps({**receipt, "signature": signature}, sort_keys=True).encode()
    bucket("receipts").put(f"receipts/{order_id}.json", body, content_type="application/json")
    table("orders").put({**order, "status": "receipted"})
