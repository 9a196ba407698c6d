"""The runtime contract on AWS: PORTABLE_* variables with the physical ids the clients and the shim need."""

from __future__ import annotations

import json
from typing import Any

from aws_helpers import environment, function

from portable.model import Http, Stack

REGION, ACCOUNT = "eu-west-1", "123456789012"


def test_every_function_gets_the_contract_variables(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, triggers=[Http("GET", "/orders/{order_id}"), Http("POST", "/orders")],
             environment={"MODE": "strict"})
    variables = environment(plan_for(stack), "api")
    assert variables == {
        "MODE": "strict",
        "PORTABLE_PROVIDER": "aws",
        "PORTABLE_FUNCTION": "api",
        "PORTABLE_HANDLER": "app.handlers:handle",
        "PORTABLE_LOG": "error",
        "PORTABLE_TIMEOUT": "30",
        "PORTABLE_ROUTES": '[["GET","/orders/{order_id}"],["POST","/orders"]]',
    }


def test_the_function_log_level_is_passed_on(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, log_level="info")
    assert environment(plan_for(stack), "api")["PORTABLE_LOG"] == "info"


def test_links_carry_the_physical_ids_and_arns(plan_for: Any) -> None:
    stack = Stack("shop")
    files, orders = stack.bucket("files"), stack.table("orders", key="order_id", sort_key="line")
    jobs, events, key = stack.queue("jobs"), stack.topic("events"), stack.secret("key")
    function(stack, links=[files.read(), orders.read_write(), jobs.send(), events.publish(), key.read()])
    plan = plan_for(stack)
    links = json.loads(environment(plan, "api")["PORTABLE_LINKS"])
    bucket = plan.outputs["buckets"]["files"]["name"]
    secret = plan.outputs["secrets"]["key"]["arn"]
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:shop-events"
    assert links == {
        "files": {"kind": "bucket", "access": "read", "id": bucket, "arn": f"arn:aws:s3:::{bucket}"},
        "orders": {"kind": "table", "access": "read_write", "id": "shop-orders",
                   "arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/shop-orders", "key": "order_id", "sort_key": "line",
                   "ttl_attribute": None},
        "jobs": {"kind": "queue", "access": "send", "id": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/shop-jobs",
                 "arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-jobs"},
        "events": {"kind": "topic", "access": "publish", "id": topic, "arn": topic},
        "key": {"kind": "secret", "access": "read", "id": secret, "arn": secret},
    }


def test_trigger_sources_are_listed_so_the_shim_can_name_them(plan_for: Any) -> None:
    stack = Stack("shop")
    jobs, events, files = stack.queue("jobs"), stack.topic("events"), stack.bucket("files")
    function(stack, "worker", triggers=[jobs.trigger()])
    function(stack, "audit", triggers=[events.trigger()], links=[events.publish()])
    function(stack, "index", triggers=[files.on_created()])
    plan = plan_for(stack)
    accesses = {
        name: {link: entry["access"] for link, entry in json.loads(environment(plan, name)["PORTABLE_LINKS"]).items()}
        for name in ("worker", "audit", "index")
    }
    assert accesses == {"worker": {"jobs": "trigger"}, "audit": {"events": "publish"}, "index": {"files": "trigger"}}


def test_no_secret_value_ever_reaches_the_environment(plan_for: Any) -> None:
    stack = Stack("shop")
    key = stack.secret("key")
    function(stack, links=[key.read()])
    plan = plan_for(stack, **{"portable:secret:key": "do-not-leak"})
    assert "do-not-leak" not in json.dumps(plan.to_dict())
    assert "do-not-leak" not in json.dumps(environment(plan, "api"))
