"""The plans the plan-level conformance checks run over: examples/orders and a stack whose stack and
resource names have the longest length ``validate`` accepts, on each cloud, planned once per process."""

from __future__ import annotations

import functools
from pathlib import Path

from portable import Http, Schedule, Stack
from portable.loader import load_target
from portable.plan import Plan, plan_stack
from portable.registry import check_stack

ROOT = Path(__file__).resolve().parents[2]
ORDERS = ROOT / "examples" / "orders"
CLOUDS = ("aws", "azure", "gcp")
STACKS = ("orders", "longest-names")
LONGEST_NAME = 30
"""The longest stack or resource name the model accepts (``portable.model.base.NAME_RULE``)."""


def longest(prefix: str) -> str:
    """A valid name of the longest length, starting with ``prefix``."""
    return (prefix + "-").ljust(LONGEST_NAME - 1, "x") + "z"


def longest_names_stack() -> Stack:
    """Every kind of resource and trigger, each named with the longest name allowed."""
    stack = Stack(longest("s"))
    table = stack.table(longest("table"), key="id")
    bucket = stack.bucket(longest("bucket"))
    queue = stack.queue(longest("queue"), dead_letter_after=5)
    topic = stack.topic(longest("topic"))
    secret = stack.secret(longest("secret"))
    stack.function(longest("api"), handler="orders.api:handle", source="src",
                   triggers=[Http("GET", "/orders", public=True)], links=[table.read_write(), queue.send(), secret.read()])
    stack.function(longest("worker"), handler="orders.worker:handle", source="src",
                   triggers=[queue.trigger()], links=[bucket.write(), topic.publish()])
    stack.function(longest("indexer"), handler="orders.indexer:handle", source="src", triggers=[bucket.on_created()])
    stack.function(longest("audit"), handler="orders.audit:handle", source="src", triggers=[topic.trigger()])
    stack.function(longest("report"), handler="orders.report:run", source="src",
                   triggers=[Schedule.cron("0 2 * * *", name=longest("nightly"))])
    return stack


def model(stack: str) -> Stack:
    """The stack (one of STACKS) as the model holds it."""
    return load_target(str(ORDERS / "stack.py")).stack if stack == "orders" else longest_names_stack()


@functools.cache
def planned(stack: str, cloud: str) -> Plan:
    """The plan of ``stack`` (one of STACKS) on ``cloud``, as ``portable plan`` makes it."""
    built = model(stack)
    check_stack(built, cloud)  # a stack validate accepts on that cloud
    return plan_stack(built, cloud, ORDERS)
