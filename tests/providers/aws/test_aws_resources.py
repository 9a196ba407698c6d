"""What each portable concept becomes on AWS: the components, their children and secure defaults."""

from __future__ import annotations

from typing import Any

from aws_helpers import LAMBDA, QUEUE, function, only

from portable.model import Stack


def test_the_example_plans_one_component_per_concept_with_these_resources(orders_stack: Stack, orders_dir: Any) -> None:
    from portable.plan import plan_stack

    plan = plan_stack(orders_stack, "aws", orders_dir)
    assert plan.counts() == {
        "aws:apigatewayv2/api:Api": 1,
        "aws:apigatewayv2/integration:Integration": 1,
        "aws:apigatewayv2/route:Route": 2,
        "aws:apigatewayv2/stage:Stage": 1,
        "aws:cloudwatch/dashboard:Dashboard": 1,
        "aws:cloudwatch/logGroup:LogGroup": 6,
        "aws:cloudwatch/logMetricFilter:LogMetricFilter": 5,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 20,
        "aws:dynamodb/table:Table": 1,
        "aws:kms/key:Key": 1,
        "aws:iam/role:Role": 6,
        "aws:iam/rolePolicy:RolePolicy": 18,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
        "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
        "aws:lambda/function:Function": 5,
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 3,
        "aws:lambda/permission:Permission": 4,
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketNotification:BucketNotification": 1,
        "aws:s3/bucketPolicy:BucketPolicy": 1,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
        "aws:s3/bucketVersioning:BucketVersioning": 1,
        "aws:scheduler/schedule:Schedule": 1,
        "aws:secretsmanager/secret:Secret": 1,
        "aws:sns/topic:Topic": 2,
        "aws:sns/topicPolicy:TopicPolicy": 2,
        "aws:sns/topicSubscription:TopicSubscription": 1,
        "aws:sqs/queue:Queue": 6,
        "aws:sqs/queuePolicy:QueuePolicy": 6,
        "portable:aws:Bucket": 1,
        "portable:aws:Function": 5,
        "portable:aws:HttpApi": 1,
        "portable:aws:Monitoring": 1,
        "portable:aws:Queue": 1,
        "portable:aws:Schedule": 1,
        "portable:aws:Secret": 1,
        "portable:aws:Table": 1,
        "portable:aws:Topic": 1,
    }
    components = [r for r in plan.resources if not r.custom]
    assert all(r.parent is None for r in components)
    assert all(r.parent is not None and not r.parent[0].startswith("aws:") for r in plan.resources if r.custom)
    for component in components:
        assert all(child.name.startswith(component.name) for child in plan.children(component)), component.name


def test_a_function_has_its_role_log_group_tracing_and_json_logs(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, memory=1024, timeout=20, architecture="arm64", environment={"GREETING": "hi"})
    plan = plan_for(stack)
    fn = plan.get(LAMBDA, "api")
    inputs = fn.inputs
    assert inputs["name"] == "shop-api"
    assert inputs["runtime"] == "python3.12"
    assert inputs["handler"] == "providers.aws.runtime.handler"
    assert (inputs["memorySize"], inputs["timeout"], inputs["architectures"]) == (1024, 20, ["arm64"])
    assert inputs["tracingConfig"] == {"mode": "Active"}
    assert inputs["loggingConfig"] == {
        "logFormat": "JSON", "logGroup": "/aws/lambda/shop-api",
        "applicationLogLevel": "INFO", "systemLogLevel": "INFO",  # INFO keeps Lambda's REPORT line
    }
    assert inputs["role"] == "arn:aws:iam::123456789012:role/api-role"
    assert inputs["environment"]["variables"]["GREETING"] == "hi"
    assert "publish" not in inputs and "reservedConcurrentExecutions" not in inputs
    logs = plan.get("aws:cloudwatch/logGroup:LogGroup", "api-logs")
    assert logs.inputs == {"name": "/aws/lambda/shop-api", "retentionInDays": 30}
    assert "aws:cloudwatch/logGroup:LogGroup::api-logs" in fn.depends_on


def test_max_instances_reserve_concurrency(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, max_instances=7)
    assert plan_for(stack).get(LAMBDA, "api").inputs["reservedConcurrentExecutions"] == 7


def test_a_queue_has_an_encrypted_dead_letter_and_a_redrive_policy(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.queue("jobs", dead_letter_after=3, retention=86400)
    plan = plan_for(stack)
    queue = plan.get(QUEUE, "jobs").inputs
    dead = plan.get(QUEUE, "jobs-dead-letter").inputs
    assert dead == {"name": "shop-jobs_dlq", "sqsManagedSseEnabled": True, "messageRetentionSeconds": 1209600}
    assert queue == {
        "name": "shop-jobs", "sqsManagedSseEnabled": True, "visibilityTimeoutSeconds": 30,
        "messageRetentionSeconds": 86400,
        "redrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:shop-jobs_dlq", "maxReceiveCount": 3}',
    }


def test_a_queue_without_dead_letter_has_no_redrive(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.queue("jobs", dead_letter_after=None)
    plan = plan_for(stack)
    assert [q.name for q in plan.of_type(QUEUE)] == ["jobs"]
    assert "redrivePolicy" not in plan.get(QUEUE, "jobs").inputs


def test_a_consumed_queue_stays_invisible_six_times_the_consumer_timeout(plan_for: Any) -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs", visibility_timeout=60)
    function(stack, timeout=45, triggers=[jobs.trigger()])
    assert plan_for(stack).get(QUEUE, "jobs").inputs["visibilityTimeoutSeconds"] == 270


def test_a_bucket_is_private_owner_enforced_and_encrypted(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.bucket("files")
    plan = plan_for(stack)
    assert plan.get("aws:s3/bucket:Bucket", "files").inputs == {"bucketPrefix": "shop-files-", "forceDestroy": False}
    block = plan.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "files-public-access").inputs
    assert {k: v for k, v in block.items() if k != "bucket"} == {
        "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True,
    }
    ownership = plan.get("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "files-ownership").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    sse = plan.get(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "files-encryption"
    ).inputs
    assert sse["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    bucket_name = plan.outputs["buckets"]["files"]["name"]
    assert {block["bucket"], ownership["bucket"], sse["bucket"]} == {bucket_name}
    assert plan.of_type("aws:s3/bucketVersioning:BucketVersioning") == []
    assert plan.of_type("aws:s3/bucketNotification:BucketNotification") == []


def test_a_versioned_bucket_enables_versioning(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.bucket("files", versioned=True)
    versioning = only(plan_for(stack).of_type("aws:s3/bucketVersioning:BucketVersioning"))
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}


def test_a_topic_is_encrypted_with_the_managed_key(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.topic("events")
    assert plan_for(stack).get("aws:sns/topic:Topic", "events").inputs == {
        "name": "shop-events", "kmsMasterKeyId": "alias/aws/sns",
    }


def test_a_table_is_on_demand_recoverable_and_encrypted(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.table("orders", key="order_id", sort_key="created", ttl_attribute="expires")
    assert plan_for(stack).get("aws:dynamodb/table:Table", "orders").inputs == {
        "name": "shop-orders",
        "billingMode": "PAY_PER_REQUEST",
        "hashKey": "order_id",
        "rangeKey": "created",
        "attributes": [{"name": "order_id", "type": "S"}, {"name": "created", "type": "S"}],
        "pointInTimeRecovery": {"enabled": True},
        "serverSideEncryption": {"enabled": True},
        "deletionProtectionEnabled": True,
        "ttl": {"attributeName": "expires", "enabled": True},
    }


def test_a_throwaway_table_opts_out_of_deletion_protection(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.table("scratch", deletion_protection=False)
    assert plan_for(stack).get("aws:dynamodb/table:Table", "scratch").inputs["deletionProtectionEnabled"] is False


def test_a_table_without_ttl_or_sort_key(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.table("orders")
    inputs = plan_for(stack).get("aws:dynamodb/table:Table", "orders").inputs
    assert "ttl" not in inputs and "rangeKey" not in inputs
    assert inputs["attributes"] == [{"name": "id", "type": "S"}]


def test_a_secret_takes_its_value_from_the_pulumi_config_as_a_secret(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.secret("api-key", description="the partner's key")
    plan = plan_for(stack, **{"portable:secret:api-key": "s3cr3t"})
    assert plan.get("aws:secretsmanager/secret:Secret", "api-key").inputs == {
        "name": "shop-api-key", "description": "the partner's key", "recoveryWindowInDays": 7,
    }
    version = plan.get("aws:secretsmanager/secretVersion:SecretVersion", "api-key-value")
    assert version.inputs["secretString"] == "[secret]"
    assert "s3cr3t" not in str(plan.to_dict())
    assert plan.notes == ()


def test_a_secret_without_a_value_is_created_empty_with_a_note(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.secret("api-key")
    plan = plan_for(stack)
    assert plan.of_type("aws:secretsmanager/secretVersion:SecretVersion") == []
    assert plan.notes == (
        "Secret 'api-key' has no value: set one with 'pulumi config set --secret portable:secret:api-key <value>' "
        "and run 'pulumi up' again, or put one into the secret with the AWS console or CLI; the functions that "
        "read it fail until it has one.",
    )


def test_a_bucket_a_function_is_triggered_by_keeps_versions(plan_for: Any) -> None:
    stack = Stack("shop")
    uploads, cache = stack.bucket("uploads"), stack.bucket("cache")
    function(stack, triggers=[uploads.on_created()])
    versioning = {v.parent[1]: v.inputs for v in plan_for(stack).of_type("aws:s3/bucketVersioning:BucketVersioning")
                  if v.parent is not None}
    assert list(versioning) == ["uploads"], "the trigger's data, not the cache"
    assert versioning["uploads"]["versioningConfiguration"] == {"status": "Enabled"}
    assert cache.versioned is False
