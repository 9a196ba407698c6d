"""Least privilege: the exact policy documents each link, trigger and schedule gets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_helpers import ROLE_POLICY, function, policy

from portable.model import Schedule, Stack
from portable.plan import Plan

REGION, ACCOUNT = "eu-west-1", "123456789012"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/shop-orders"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-jobs"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:shop-events"


def allow(actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def linked_plan(plan_for: Any, kind: str, access: str) -> tuple[Plan, str]:
    stack = Stack("shop")
    declare = {
        "bucket": lambda: stack.bucket("receipts"), "table": lambda: stack.table("orders"),
        "queue": lambda: stack.queue("jobs"), "topic": lambda: stack.topic("events"),
        "secret": lambda: stack.secret("key"),
    }
    resource = declare[kind]()
    function(stack, links=[getattr(resource, access)()])
    return plan_for(stack), f"api-{kind}-{resource.name}-{access}"


def bucket_arn(plan: Plan) -> str:
    return f"arn:aws:s3:::{plan.outputs['buckets']['receipts']['name']}"


@pytest.mark.parametrize(("kind", "access", "expected"), [
    ("table", "read", lambda plan: document(
        allow(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], [TABLE, f"{TABLE}/index/*"]))),
    ("table", "write", lambda plan: document(
        allow(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], [TABLE]))),
    ("table", "read_write", lambda plan: document(
        allow(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], [TABLE, f"{TABLE}/index/*"]),
        allow(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], [TABLE]))),
    ("queue", "send", lambda plan: document(allow(["sqs:SendMessage"], [QUEUE]))),
    ("queue", "consume", lambda plan: document(allow(
        ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], [QUEUE]))),
    ("topic", "publish", lambda plan: document(allow(["sns:Publish"], [TOPIC]))),
    ("secret", "read", lambda plan: document(
        allow(["secretsmanager:GetSecretValue"], [plan.outputs["secrets"]["key"]["arn"]]))),
])
def test_each_link_gets_one_policy_scoped_to_its_resource(plan_for: Any, kind: str, access: str, expected: Any) -> None:
    plan, name = linked_plan(plan_for, kind, access)
    assert policy(plan, name) == expected(plan)


@pytest.mark.parametrize(("access", "expected"), [
    ("read", lambda arn: document(allow(["s3:GetObject"], [f"{arn}/*"]), allow(["s3:ListBucket"], [arn]))),
    ("write", lambda arn: document(allow(["s3:PutObject", "s3:DeleteObject"], [f"{arn}/*"]))),
    ("read_write", lambda arn: document(
        allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [f"{arn}/*"]), allow(["s3:ListBucket"], [arn]))),
])
def test_bucket_links_reach_the_objects_and_list_only_when_reading(plan_for: Any, access: str, expected: Any) -> None:
    plan, name = linked_plan(plan_for, "bucket", access)
    assert policy(plan, name) == expected(bucket_arn(plan))


def test_a_function_writes_only_to_its_own_log_group(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack)
    plan = plan_for(stack)
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/shop-api"
    assert policy(plan, "api-logs-write") == document(allow(["logs:CreateLogStream", "logs:PutLogEvents"], [f"{group}:*"]))


def test_a_function_without_links_has_only_its_log_policy_and_xray(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack)
    plan = plan_for(stack)
    assert [p.name for p in plan.of_type(ROLE_POLICY)] == ["api-logs-write"]
    attachment = plan.get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-xray")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"


def test_a_queue_trigger_grants_consume_once(plan_for: Any) -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs")
    function(stack, triggers=[jobs.trigger()], links=[jobs.consume()])
    plan = plan_for(stack)
    names = [p.name for p in plan.of_type(ROLE_POLICY)]
    assert names == ["api-logs-write", "api-queue-jobs-consume"]


def test_async_failures_may_only_be_sent_to_the_functions_own_failure_queue(plan_for: Any) -> None:
    stack = Stack("shop")
    events = stack.topic("events")
    function(stack, triggers=[events.trigger()])
    plan = plan_for(stack)
    failures = f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-api_failures"
    assert policy(plan, "api-failures-send") == document(allow(["sqs:SendMessage"], [failures]))


def test_a_schedule_role_invokes_exactly_its_target_and_sends_to_its_dead_letter(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "report", triggers=[Schedule.cron("0 3 * * *")])
    plan = plan_for(stack)
    target = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:shop-report"
    dead_letter = f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-report_schedule_dlq"
    assert policy(plan, "report-schedule-policy") == document(
        allow(["lambda:InvokeFunction"], [target]), allow(["sqs:SendMessage"], [dead_letter])
    )


def test_roles_trust_exactly_one_service(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "report", triggers=[Schedule.cron("0 3 * * *")])
    plan = plan_for(stack)
    trusts = {r.name: json.loads(r.inputs["assumeRolePolicy"]) for r in plan.of_type("aws:iam/role:Role")}
    assume = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    assert trusts == {
        "report-role": document({**assume, "Principal": {"Service": "lambda.amazonaws.com"}}),
        "report-schedule-role": document({**assume, "Principal": {"Service": "scheduler.amazonaws.com"}}),
    }


def test_no_wildcard_action_or_resource_anywhere_in_the_example(orders_stack: Stack, orders_dir: Any) -> None:
    from portable.plan import plan_stack

    plan = plan_stack(orders_stack, "aws", orders_dir)
    statements = [
        statement
        for resource in plan.of_type(ROLE_POLICY)
        for statement in json.loads(resource.inputs["policy"])["Statement"]
    ]
    assert len(statements) >= 18
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert all("*" not in action for action in statement["Action"]), statement
        assert all(resource != "*" and not resource.endswith(":*:*") for resource in statement["Resource"]), statement
        assert all(resource.startswith("arn:aws:") for resource in statement["Resource"]), statement
    managed = {r.inputs["policyArn"] for r in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert managed == {"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}
