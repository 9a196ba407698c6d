"""HTTP API: create an order (queued for a receipt) and read it back."""

import uuid

from portable.runtime import Context, HttpRequest, HttpResponse, queue, table


def handle(request: HttpRequest, ctx: Context) -> HttpResponse:
    if request.method == "POST":
        return create(request)
    return read(request.path_params["order_id"])


def create(request: HttpRequest) -> HttpResponse:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("items"), list) or not body["items"]:
        return HttpResponse.json({"error": "an order needs a non-empty 'items' list"}, status=400)
    order = {
        "order_id": uuid.uuid4().hex,
        "customer": str(body.get("customer", "anonymous")),
        "items": body["items"],
        "total": sum(float(item.get("price", 0)) * int(item.get("quantity", 1)) for item in body["items"]),
        "status": "received",
    }
    table("orders").put(order, if_not_exists=True)
    queue("receipt-jobs").send({"order_id": order["order_id"]})
    return HttpResponse.json(order, status=201, headers={"location": f"/orders/{order['order_id']}"})


def read(order_id: str) -> HttpResponse:
    order = table("orders").get({"order_id": order_id})
    if order is None:
        return HttpResponse.json({"error": f"no order {order_id}"}, status=404)
    return HttpResponse.json(order)
