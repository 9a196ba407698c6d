"""Escape hatches: ``options["aws"]`` merged into the native arguments, checked by name; Pulumi
``transforms`` honoured, stack-wide and through the components."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from aws_helpers import LAMBDA, function

from portable.deploy import deploy_stack
from portable.errors import PortableError
from portable.model import Stack
from portable.plan import plan_stack
from portable.plan.runner import run_program, to_plan
from providers.aws.mocks import AwsCloud


def test_function_options_pass_through_to_the_lambda(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, options={"aws": {
        "layers": ["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"],
        "vpc_config": {"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
        "ephemeral_storage": {"size": 2048},
        "architectures": ["x86_64"],
    }})
    inputs = plan_for(stack).get(LAMBDA, "api").inputs
    assert inputs["layers"] == ["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"]
    assert inputs["vpcConfig"] == {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}
    assert inputs["ephemeralStorage"] == {"size": 2048}


def test_resource_options_pass_through(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.bucket("files", options={"aws": {"force_destroy": True, "tags": {"team": "web"}}})
    stack.queue("jobs", options={"aws": {"delay_seconds": 5}})
    stack.table("orders", options={"aws": {"deletion_protection_enabled": True}})
    stack.topic("events", options={"aws": {"kms_master_key_id": "alias/mine"}})
    plan = plan_for(stack)
    assert plan.get("aws:s3/bucket:Bucket", "files").inputs == {
        "bucketPrefix": "shop-files-", "forceDestroy": True, "tags": {"team": "web"},
    }
    assert plan.get("aws:sqs/queue:Queue", "jobs").inputs["delaySeconds"] == 5
    assert plan.get("aws:dynamodb/table:Table", "orders").inputs["deletionProtectionEnabled"] is True
    assert plan.get("aws:sns/topic:Topic", "events").inputs["kmsMasterKeyId"] == "alias/mine"


def test_a_nested_option_changes_one_field_and_keeps_the_secure_default_beside_it(plan_for: Any) -> None:
    stack = Stack("shop")
    key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    stack.table("orders", options={"aws": {"server_side_encryption": {"kms_key_arn": key}}})
    table = plan_for(stack).get("aws:dynamodb/table:Table", "orders").inputs
    assert table["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": key}
    assert table["pointInTimeRecovery"] == {"enabled": True}


def test_a_queue_with_its_own_kms_key_does_not_also_ask_for_sqs_managed_encryption(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.queue("jobs", options={"aws": {"kms_master_key_id": "alias/queues"}})
    inputs = plan_for(stack).get("aws:sqs/queue:Queue", "jobs").inputs
    assert inputs["kmsMasterKeyId"] == "alias/queues" and "sqsManagedSseEnabled" not in inputs


def test_an_unknown_option_names_the_function_the_option_and_a_suggestion(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, options={"aws": {"layer": ["arn"]}})
    with pytest.raises(PortableError) as caught:
        plan_for(stack)
    assert caught.value.message == "Function 'api': options['aws'] has an unknown argument 'layer' for aws.lambda_.Function"
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("Did you mean 'layers'? Allowed arguments: architectures, ")
    assert "'role'" not in caught.value.hint and " role," not in caught.value.hint


def test_an_option_portable_derives_is_refused_with_the_field_to_use(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, options={"aws": {"memory_size": 2048}})
    with pytest.raises(PortableError) as caught:
        plan_for(stack)
    assert caught.value.message == "Function 'api': options['aws'] sets 'memory_size', which portable derives for aws.lambda_.Function"
    assert caught.value.hint == "Set Function(memory=...) instead."


def test_an_unknown_bucket_option_names_the_bucket(plan_for: Any) -> None:
    stack = Stack("shop")
    stack.bucket("files", options={"aws": {"versioning": {"enabled": True}, "forcedestroy": True}})
    with pytest.raises(PortableError, match=r"^Bucket 'files': options\['aws'\] has an unknown argument 'forcedestroy' "
                       r"for aws.s3.Bucket$"):
        plan_for(stack)


def test_an_architecture_option_must_agree_with_the_code(plan_for: Any) -> None:
    stack = Stack("shop")
    function(stack, options={"aws": {"architectures": ["arm64"]}})
    with pytest.raises(PortableError) as caught:
        plan_for(stack)
    assert caught.value.message == (
        "Function 'api': options['aws']['architectures'] is ['arm64'], but the function's code is built for "
        "architecture 'x86_64'"
    )


def _add_tags(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    if not args.custom or args.type_ in _UNTAGGED:
        return None
    return pulumi.ResourceTransformResult({**args.props, "tags": {"team": "payments"}}, args.opts)


_UNTAGGED = {
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:lambda/permission:Permission", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:cloudwatch/dashboard:Dashboard", "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "aws:sqs/queuePolicy:QueuePolicy", "aws:s3/bucketPolicy:BucketPolicy", "aws:sns/topicPolicy:TopicPolicy",
}


MONITORING_TAGGED = {
    "monitoring-alarms", "monitoring-alarms-key", "monitoring-api-errors", "monitoring-api-duration", "monitoring-api-throttles",
    "monitoring-jobs-dead-letters", "monitoring-jobs-oldest-message",
}
"""The monitoring component's taggable children: its topic, the topic's key and the alarms."""


def _tagged_stack() -> Stack:
    stack = Stack("shop")
    jobs = stack.queue("jobs")
    function(stack, triggers=[jobs.trigger()])
    return stack


def test_a_stack_wide_transform_adds_tags_to_every_resource(project: Path) -> None:
    stack = _tagged_stack()

    def program() -> None:
        pulumi.runtime.register_resource_transform(_add_tags)
        deploy_stack(stack, project, provider="aws")

    plan = to_plan(run_program(program, AwsCloud(), config={"portable:provider": "aws"}), provider="aws", stack="shop")
    tagged = [r for r in plan.resources if r.custom and r.type not in _UNTAGGED]
    assert {r.name for r in tagged} == {"api-role", "api-logs", "api", "api-jobs-events", "jobs", "jobs-dead-letter",
                                        *MONITORING_TAGGED}
    assert all(r.inputs["tags"] == {"team": "payments"} for r in tagged)


def test_transforms_given_to_deploy_reach_every_child_of_every_component(project: Path) -> None:
    stack = _tagged_stack()

    def program() -> None:
        deploy_stack(stack, project, provider="aws", opts=pulumi.ResourceOptions(transforms=[_add_tags]))

    plan = to_plan(run_program(program, AwsCloud(), config={"portable:provider": "aws"}), provider="aws", stack="shop")
    assert {r.name for r in plan.resources if "tags" in r.inputs and r.type not in _UNTAGGED} == {
        "api-role", "api-logs", "api", "api-jobs-events", "jobs", "jobs-dead-letter", *MONITORING_TAGGED,
    }


def test_without_transforms_nothing_is_tagged(project: Path) -> None:
    plan = plan_stack(_tagged_stack(), "aws", project)
    assert not any("tags" in r.inputs for r in plan.resources)
