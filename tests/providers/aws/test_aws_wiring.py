"""How triggers reach functions: event source mappings, permissions (principals and source ARNs),
subscriptions, notifications, routes, Function URLs, schedules and the alias of provisioned functions."""

from __future__ import annotations

import json
from typing import Any

from aws_helpers import LAMBDA, PERMISSION, function, only

from portable.model import Http, Schedule, Stack

REGION, ACCOUNT = "eu-west-1", "123456789012"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"
ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"


def test_a_queue_trigger_is_an_event_source_mapping_reporting_partial_failures(plan_for: Any) -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs")
    function(stack, "worker", triggers=[jobs.trigger(batch_size=50, max_concurrency=5)])
    plan = plan_for(stack)
    mapping = plan.get(ESM, "worker-jobs-events")
    assert mapping.inputs == {
        "eventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-jobs",
        "functionName": f"{FN}:shop-worker",
        "batchSize": 50,
        "maximumBatchingWindowInSeconds": 1,
        "functionResponseTypes": ["ReportBatchItemFailures"],
        "scalingConfig": {"maximumConcurrency": 5},
    }
    assert "aws:iam/rolePolicy:RolePolicy::worker-queue-jobs-consume" in mapping.depends_on


def test_a_small_batch_needs_no_batching_window(plan_for: Any) -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs")
    function(stack, "worker", triggers=[jobs.trigger(batch_size=10)])
    inputs = plan_for(stack).get(ESM, "worker-jobs-events").inputs
    assert "maximumBatchingWindowInSeconds" not in inputs and "scalingConfig" not in inputs


def test_a_topic_trigger_subscribes_with_a_permission_and_a_failure_destination(plan_for: Any) -> None:
    stack = Stack("shop")
    events = stack.topic("events")
    function(stack, "audit", triggers=[events.trigger()])
    plan = plan_for(stack)
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:shop-events"
    permission = plan.get(PERMISSION, "audit-events-invoke")
    assert permission.inputs == {
        "action": "lambda:InvokeFunction", "function": "shop-audit", "principal": "sns.amazonaws.com", "sourceArn": topic,
    }
    subscription = plan.get("aws:sns/topicSubscription:TopicSubscription", "audit-events-subscription")
    assert subscription.inputs == {"topic": topic, "protocol": "lambda", "endpoint": f"{FN}:shop-audit"}
    assert f"{PERMISSION}::audit-events-invoke" in subscription.depends_on
    invoke_config = plan.get("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "audit-async")
    assert invoke_config.inputs == {
        "functionName": "shop-audit", "maximumRetryAttempts": 2, "maximumEventAgeInSeconds": 21600,
        "destinationConfig": {"onFailure": {"destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-audit_failures"}},
    }
    assert "aws:iam/rolePolicy:RolePolicy::audit-failures-send" in invoke_config.depends_on
    failures = plan.get("aws:sqs/queue:Queue", "audit-failures").inputs
    assert failures["sqsManagedSseEnabled"] is True


def test_object_triggers_of_a_bucket_merge_into_one_notification_after_the_permissions(plan_for: Any) -> None:
    stack = Stack("shop")
    uploads = stack.bucket("uploads")
    function(stack, "thumbs", triggers=[uploads.on_created(prefix="images/"), uploads.on_deleted(prefix="images/")])
    function(stack, "index", triggers=[uploads.on("created", "deleted", prefix="docs/", suffix=".json")])
    plan = plan_for(stack)
    bucket = plan.outputs["buckets"]["uploads"]["name"]
    notification = only(plan.of_type("aws:s3/bucketNotification:BucketNotification"))
    assert notification.name == "uploads-notification"
    assert notification.inputs == {"bucket": bucket, "lambdaFunctions": [
        {"lambdaFunctionArn": f"{FN}:shop-thumbs", "events": ["s3:ObjectCreated:*"], "filterPrefix": "images/"},
        {"lambdaFunctionArn": f"{FN}:shop-thumbs", "events": ["s3:ObjectRemoved:*"], "filterPrefix": "images/"},
        {"lambdaFunctionArn": f"{FN}:shop-index", "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
         "filterPrefix": "docs/", "filterSuffix": ".json"},
    ]}
    permissions = {p.name: p.inputs for p in plan.of_type(PERMISSION)}
    assert permissions == {
        f"uploads-{fn}-invoke": {
            "action": "lambda:InvokeFunction", "function": f"shop-{fn}", "principal": "s3.amazonaws.com",
            "sourceArn": f"arn:aws:s3:::{bucket}", "sourceAccount": ACCOUNT,
        }
        for fn in ("thumbs", "index")
    }
    assert {f"{PERMISSION}::uploads-thumbs-invoke", f"{PERMISSION}::uploads-index-invoke"} <= set(notification.depends_on)


def test_routes_share_one_http_api_private_unless_public(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "api", triggers=[Http("GET", "/orders/{order_id}"), Http("POST", "/orders", public=True)])
    function(stack, "admin", triggers=[Http("ANY", "/admin/{path+}")])
    plan = plan_for(stack)
    api = only(plan.of_type("aws:apigatewayv2/api:Api"))
    assert api.inputs == {"name": "shop", "protocolType": "HTTP"}
    routes = {r.inputs["routeKey"]: r.inputs["authorizationType"] for r in plan.of_type("aws:apigatewayv2/route:Route")}
    assert routes == {"GET /orders/{order_id}": "AWS_IAM", "POST /orders": "NONE", "ANY /admin/{path+}": "AWS_IAM"}
    integration = plan.get("aws:apigatewayv2/integration:Integration", "http-api-integration")
    api_id = integration.inputs["apiId"]
    assert plan.outputs["http"]["http"]["url"] == f"https://{api_id}.execute-api.{REGION}.amazonaws.com"
    arn = f"{FN}:shop-api"
    assert integration.inputs == {
        "apiId": api_id,
        "integrationType": "AWS_PROXY", "integrationMethod": "POST", "payloadFormatVersion": "2.0",
        "integrationUri": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations",
        "timeoutMilliseconds": 30000,
    }
    route = plan.get("aws:apigatewayv2/route:Route", "http-api-get/orders/{order_id}")
    assert route.inputs["target"].startswith("integrations/")
    execution = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}"
    sources = {p.name: (p.inputs["principal"], p.inputs["sourceArn"]) for p in plan.of_type(PERMISSION)}
    assert sources == {
        "http-api-get/orders/{order_id}-invoke": ("apigateway.amazonaws.com", f"{execution}/*/GET/orders/*"),
        "http-api-post/orders-invoke": ("apigateway.amazonaws.com", f"{execution}/*/POST/orders"),
        "http-admin-any/admin/{path+}-invoke": ("apigateway.amazonaws.com", f"{execution}/*/*/admin/*"),
    }
    stage = only(plan.of_type("aws:apigatewayv2/stage:Stage"))
    assert stage.inputs["name"] == "$default" and stage.inputs["autoDeploy"] is True
    access_log = json.loads(stage.inputs["accessLogSettings"]["format"])
    assert {"requestId", "routeKey", "status"} <= set(access_log)
    assert stage.inputs["accessLogSettings"]["destinationArn"] == (
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/http-api/shop"
    )


def test_a_long_public_http_function_gets_a_public_function_url_with_both_permissions(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "export", timeout=120, triggers=[Http("GET", "/export", public=True)])
    plan = plan_for(stack)
    assert plan.of_type("aws:apigatewayv2/api:Api") == []
    url = only(plan.of_type("aws:lambda/functionUrl:FunctionUrl"))
    assert url.inputs == {"functionName": "shop-export", "authorizationType": "NONE"}
    permissions = {p.name: p.inputs for p in plan.of_type(PERMISSION)}
    assert permissions == {
        "export-url-public": {"action": "lambda:InvokeFunctionUrl", "function": "shop-export", "principal": "*",
                              "functionUrlAuthType": "NONE"},
        "export-url-invoke": {"action": "lambda:InvokeFunction", "function": "shop-export", "principal": "*",
                              "invokedViaFunctionUrl": True},
    }
    assert plan.outputs["functions"]["export"]["url"].startswith("https://")
    assert plan.notes == (
        "Function 'export': timeout 120 s is above 30 s: API Gateway HTTP APIs end a request after 30 s, so "
        "portable serves this function's routes through a Lambda Function URL (up to 900 s) instead of the "
        "stack's HTTP API",
        "Monitoring: 3 CloudWatch alarms, about $0.40 a month: function 'export' 3 (errors, duration, "
        "throttles; $0.40)",
    )


def test_a_long_private_http_function_gets_an_iam_function_url_and_no_permission(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "export", timeout=120, triggers=[Http("GET", "/export")])
    function(stack, "api", triggers=[Http("GET", "/")])
    plan = plan_for(stack)
    url = only(plan.of_type("aws:lambda/functionUrl:FunctionUrl"))
    assert url.inputs["authorizationType"] == "AWS_IAM"
    assert [p.name for p in plan.of_type(PERMISSION)] == ["http-api-get/-invoke"]
    assert [r.inputs["routeKey"] for r in plan.of_type("aws:apigatewayv2/route:Route")] == ["GET /"]


def test_min_instances_publish_an_alias_with_provisioned_concurrency_and_triggers_use_it(plan_for: Any) -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs")
    events = stack.topic("events")
    function(stack, "api", min_instances=2, triggers=[Http("GET", "/"), jobs.trigger(), events.trigger(),
                                                      Schedule.cron("0 * * * *")])
    plan = plan_for(stack)
    assert plan.get(LAMBDA, "api").inputs["publish"] is True
    alias = plan.get("aws:lambda/alias:Alias", "api-alias")
    assert alias.inputs == {"name": "live", "functionName": "shop-api", "functionVersion": "1"}
    concurrency = plan.get("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "api-concurrency")
    assert concurrency.inputs == {"functionName": "shop-api", "qualifier": "live", "provisionedConcurrentExecutions": 2}
    live = f"{FN}:shop-api:live"
    assert plan.get(ESM, "api-jobs-events").inputs["functionName"] == live
    assert plan.get("aws:sns/topicSubscription:TopicSubscription", "api-events-subscription").inputs["endpoint"] == live
    assert plan.get("aws:scheduler/schedule:Schedule", "api").inputs["target"]["arn"] == live
    integration = only(plan.of_type("aws:apigatewayv2/integration:Integration"))
    assert integration.inputs["integrationUri"].endswith(f"/functions/{live}/invocations")
    assert {p.inputs.get("qualifier") for p in plan.of_type(PERMISSION)} == {"live"}
    invoke_config = only(plan.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"))
    assert invoke_config.inputs["qualifier"] == "live"


def test_a_schedule_is_translated_with_its_time_zone_role_retries_and_dead_letter(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "report", triggers=[Schedule.cron("0 3 * * 1-5", timezone="Europe/Paris", name="nightly")])
    plan = plan_for(stack)
    schedule = plan.get("aws:scheduler/schedule:Schedule", "nightly")
    assert schedule.inputs == {
        "name": "shop-nightly",
        "scheduleExpression": "cron(0 3 ? * 2-6 *)",
        "scheduleExpressionTimezone": "Europe/Paris",
        "flexibleTimeWindow": {"mode": "OFF"},
        "target": {
            "arn": f"{FN}:shop-report",
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/nightly-schedule-role",
            "input": json.dumps({"portable": {"schedule": "nightly", "time": "<aws.scheduler.scheduled-time>",
                                              "id": "<aws.scheduler.execution-id>"}}),
            "retryPolicy": {"maximumRetryAttempts": 2, "maximumEventAgeInSeconds": 3600},
            "deadLetterConfig": {"arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:shop-nightly_schedule_dlq"},
        },
    }
    assert "aws:iam/rolePolicy:RolePolicy::nightly-schedule-policy" in schedule.depends_on
    assert plan.of_type(PERMISSION) == []


def test_a_rate_schedule_passes_through(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, "tick", triggers=[Schedule.every(5, "minutes")])
    schedule = plan_for(stack).get("aws:scheduler/schedule:Schedule", "tick")
    assert (schedule.inputs["scheduleExpression"], schedule.inputs["scheduleExpressionTimezone"]) == ("rate(5 minutes)", "UTC")
