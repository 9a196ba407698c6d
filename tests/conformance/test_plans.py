"""Plan-level conformance: the properties every cloud plan must have, asserted once over the three cloud
plans of examples/orders and of a stack with maximum-length names.

Each property is one small function ``(cloud, stack, plan) -> list of violations``; where it looks on
each cloud is data, in the ``FACTS`` table below. A property that fails today on a cloud is marked
``xfail(strict=True)`` naming the deploy-hardening issue (17): when the fix lands the case passes, the
strict mark turns it red, and the mark must be removed.

    PYTHONPATH=$PWD python -m pytest tests/conformance/test_plans.py -q
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from portable.model import Stack
from portable.plan import Plan, PlannedResource
from tests.conformance.plans import CLOUDS, STACKS, model, planned

SECRET = "[secret]"
"""How a plan shows a value Pulumi keeps encrypted."""


@dataclass(frozen=True)
class Expect:
    """Every resource of ``type`` has ``ok(value at path)`` (a dotted path into its inputs), or, with the
    path ``WHOLE``, ``ok(plan, resource)``."""

    type: str
    path: str
    ok: Callable[..., bool]
    allowed: str


WHOLE = "<resource>"


@dataclass(frozen=True)
class Name:
    """A physical name: the input ``field`` of ``type`` (``None``: Pulumi's auto-name, the logical
    name plus an 8-character suffix) is at most ``max`` long, matches ``pattern`` and, when ``unique``,
    differs from every other one in the plan."""

    type: str
    field: str | None
    max: int
    pattern: str = r"."
    unique: bool = True
    identifier: Callable[[Any, str], str] | None = None
    """The identifier the cloud derives from a resource and its name, which must differ too."""


@dataclass(frozen=True)
class CloudFacts:
    """Where each property looks on one cloud."""

    grants: Callable[[Plan], Iterator[str]]
    """Yields each grant that is a wildcard (action, resource or principal)."""
    failure_destination: dict[str, Callable[[Plan, str, str], str | None]]
    """Per trigger kind (queue, topic, object, schedule): ``(plan, function, source)`` -> where the failed
    events go, or ``None``."""
    private_storage: tuple[Expect, ...]
    encrypted: tuple[Expect, ...]
    tls: tuple[Expect, ...]
    tables_protected: Callable[[Plan, str], str | None]
    """``(plan, table)`` -> why the table can be deleted by accident, or ``None``."""
    environments: Callable[[Plan], Iterator[tuple[str, str, Any]]]
    """Yields (function resource, variable, value) for every function's environment variable."""
    secret_values: tuple[tuple[str, str], ...]
    """(type, path) of the resources holding a secret's value."""
    secret_reference: str
    """A regex matching an environment value that refers to a secret store instead of holding the value."""
    names: tuple[Name, ...]


# -- helpers over a plan ----------------------------------------------------------------------------------


def at(inputs: Any, path: str) -> Any:
    """The value at a dotted path (``siteConfig.minTlsVersion``, ``rules.0.x``), or ``None``."""
    value = inputs
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def named(plan: Plan, type_: str, name: str) -> PlannedResource | None:
    """The resource of ``type_`` with that logical name, or ``None``."""
    return next((r for r in plan.of_type(type_) if r.name == name), None)


def with_parts(plan: Plan, type_: str, *parts: str) -> list[PlannedResource]:
    """The resources of ``type_`` whose logical name contains every one of ``parts``."""
    return [r for r in plan.of_type(type_) if all(part in r.name for part in parts)]


# -- AWS ------------------------------------------------------------------------------------------------

AWS_MANAGED_POLICIES = {"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}
"""Managed policies a function may carry: X-Ray's actions take no resource, so its policy says ``*``."""


def aws_grants(plan: Plan) -> Iterator[str]:
    for resource in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(resource.inputs["policy"])["Statement"]:
            actions = statement.get("Action", [])
            resources = statement.get("Resource", [])
            for action in [actions] if isinstance(actions, str) else actions:
                if action == "*" or action.endswith(":*"):
                    yield f"role policy {resource.name!r} allows action {action!r}"
            for target in [resources] if isinstance(resources, str) else resources:
                if target == "*":
                    yield f"role policy {resource.name!r} applies to resource '*'"
    for attachment in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        if attachment.inputs["policyArn"] not in AWS_MANAGED_POLICIES:
            yield f"role {attachment.inputs['role']!r} carries managed policy {attachment.inputs['policyArn']!r}"


def aws_async_failures(plan: Plan, function: str, source: str) -> str | None:
    config = named(plan, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", f"{function}-async")
    destination = at(config.inputs, "destinationConfig.onFailure.destination") if config else None
    return f"on-failure destination {destination}" if destination else None


def aws_queue_failures(plan: Plan, function: str, queue: str) -> str | None:
    resource = named(plan, "aws:sqs/queue:Queue", queue)
    redrive = at(resource.inputs, "redrivePolicy") if resource else None
    if not redrive:
        return None
    policy = json.loads(redrive) if isinstance(redrive, str) else redrive
    return f"redrive to {policy['deadLetterTargetArn']} after {policy['maxReceiveCount']} receives"


def aws_schedule_failures(plan: Plan, function: str, schedule: str) -> str | None:
    resource = named(plan, "aws:scheduler/schedule:Schedule", schedule)
    arn = at(resource.inputs, "target.deadLetterConfig.arn") if resource else None
    return f"dead-letter queue {arn}" if arn else None


def aws_tables_protected(plan: Plan, table: str) -> str | None:
    resource = named(plan, "aws:dynamodb/table:Table", table)
    if resource is None:
        return "no DynamoDB table planned"
    if resource.inputs.get("deletionProtectionEnabled") is not True:
        return "deletionProtectionEnabled is not true"
    return None


def aws_environments(plan: Plan) -> Iterator[tuple[str, str, Any]]:
    for function in plan.of_type("aws:lambda/function:Function"):
        for name, value in (at(function.inputs, "environment.variables") or {}).items():
            yield function.name, name, value


def _aws_buckets_have(suffix: str, type_: str, ok: Callable[[dict[str, Any]], bool], allowed: str) -> Expect:
    """Every S3 bucket has a companion resource ``<bucket>-<suffix>`` of ``type_`` whose inputs pass ``ok``:
    expressed over the bucket, so a bucket without the companion fails."""

    def check(plan: Plan, bucket: PlannedResource) -> bool:
        companion = named(plan, type_, f"{bucket.name}-{suffix}")
        return companion is not None and ok(companion.inputs)

    return Expect("aws:s3/bucket:Bucket", WHOLE, check, allowed)


def _all_true(*keys: str) -> Callable[[dict[str, Any]], bool]:
    return lambda inputs: all(inputs.get(key) is True for key in keys)


def _secure_transport_denied(policy_type: str) -> Callable[[Plan, PlannedResource], bool]:
    """A resource policy of ``policy_type`` that names the resource denies requests without TLS."""

    def denied(plan: Plan, resource: PlannedResource) -> bool:
        for policy in plan.of_type(policy_type):
            text = json.dumps(policy.inputs)
            if resource.name in policy.name and "aws:SecureTransport" in text and "Deny" in text:
                return True
        return False

    return denied


AWS = CloudFacts(
    grants=aws_grants,
    failure_destination={
        "queue": aws_queue_failures, "topic": aws_async_failures,
        "object": aws_async_failures, "schedule": aws_schedule_failures,
    },
    private_storage=(
        _aws_buckets_have("public-access", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                          _all_true("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"),
                          "a public access block with all four settings true"),
    ),
    encrypted=(
        _aws_buckets_have("encryption",
                          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                          lambda inputs: bool(at(inputs, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm")),
                          "a default server-side encryption rule"),
        Expect("aws:sqs/queue:Queue", "sqsManagedSseEnabled", lambda v: v is True, "true"),
        Expect("aws:sns/topic:Topic", "kmsMasterKeyId", bool, "a KMS key"),
        Expect("aws:dynamodb/table:Table", "serverSideEncryption.enabled", lambda v: v is True, "true"),
    ),
    tls=(
        Expect("aws:s3/bucket:Bucket", WHOLE, _secure_transport_denied("aws:s3/bucketPolicy:BucketPolicy"),
               "a bucket policy denying requests without TLS (aws:SecureTransport)"),
        Expect("aws:sqs/queue:Queue", WHOLE, _secure_transport_denied("aws:sqs/queuePolicy:QueuePolicy"),
               "a queue policy denying requests without TLS (aws:SecureTransport)"),
        Expect("aws:sns/topic:Topic", WHOLE, _secure_transport_denied("aws:sns/topicPolicy:TopicPolicy"),
               "a topic policy denying requests without TLS (aws:SecureTransport)"),
    ),
    tables_protected=aws_tables_protected,
    environments=aws_environments,
    secret_values=(("aws:secretsmanager/secretVersion:SecretVersion", "secretString"),),
    secret_reference=r"^arn:aws:secretsmanager:",
    names=(
        Name("aws:lambda/function:Function", "name", 64, r"^[A-Za-z0-9_-]+$"),
        Name("aws:iam/role:Role", None, 64, r"^[\w+=,.@-]+$"),
        Name("aws:sqs/queue:Queue", "name", 80, r"^[A-Za-z0-9_-]+$"),
        Name("aws:sns/topic:Topic", "name", 256, r"^[A-Za-z0-9_-]+$"),
        Name("aws:dynamodb/table:Table", "name", 255, r"^[A-Za-z0-9_.-]{3,}$"),
        Name("aws:secretsmanager/secret:Secret", "name", 512, r"^[A-Za-z0-9/_+=.@-]+$"),
        Name("aws:scheduler/schedule:Schedule", "name", 64, r"^[0-9A-Za-z_.-]+$"),
        Name("aws:cloudwatch/logGroup:LogGroup", "name", 512, r"^[\w#/.-]+$"),
        Name("aws:s3/bucket:Bucket", "bucketPrefix", 37, r"^[a-z0-9][a-z0-9.-]*$"),
        Name("aws:apigatewayv2/api:Api", "name", 128),
    ),
)


# -- Azure ----------------------------------------------------------------------------------------------

AZURE_BROAD_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
}
_AZURE_WIDE_SCOPE = re.compile(r"^/subscriptions/[^/]+(/resourceGroups/[^/]+)?/?$", re.IGNORECASE)


def azure_grants(plan: Plan) -> Iterator[str]:
    for assignment in plan.of_type("azure-native:authorization:RoleAssignment"):
        scope = str(assignment.inputs.get("scope", ""))
        role = str(assignment.inputs.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
        if _AZURE_WIDE_SCOPE.match(scope):
            yield f"role assignment {assignment.name!r} is scoped to a whole subscription or resource group: {scope}"
        if role in AZURE_BROAD_ROLES:
            yield f"role assignment {assignment.name!r} grants {AZURE_BROAD_ROLES[role]}"


def azure_queue_failures(plan: Plan, function: str, queue: str) -> str | None:
    poison = with_parts(plan, "azure-native:storage:Queue", f"-queue-{queue}-poison")
    return f"poison queue {poison[0].inputs['queueName']}" if poison else None


def azure_topic_failures(plan: Plan, function: str, topic: str) -> str | None:
    subscription = with_parts(plan, "azure-native:servicebus:Subscription", f"-topic-{topic}-{function}")
    count = at(subscription[0].inputs, "maxDeliveryCount") if subscription else None
    return f"Service Bus dead-letter subqueue after {count} deliveries" if count else None


def azure_object_failures(plan: Plan, function: str, bucket: str) -> str | None:
    for subscription in with_parts(plan, "azure-native:eventgrid:SystemTopicEventSubscription", f"-function-{function}-"):
        destination = subscription.inputs.get("deadLetterDestination") or subscription.inputs.get(
            "deadLetterWithResourceIdentity")
        if destination and azure_queue_poison(plan, function):
            return f"Event Grid dead letter {destination} and the poison queue"
    return None


def azure_queue_poison(plan: Plan, function: str) -> bool:
    return bool(with_parts(plan, "azure-native:storage:Queue", f"-function-{function}-", "-poison"))


def azure_schedule_failures(plan: Plan, function: str, schedule: str) -> str | None:
    return None  # a timer trigger has no failure destination on Azure Functions today (issue 17 section 1)


def azure_tables_protected(plan: Plan, table: str) -> str | None:
    for lock_type in ("azure-native:authorization:ManagementLockAtResourceLevel",
                      "azure-native:authorization:ManagementLockByScope"):
        for lock in plan.of_type(lock_type):
            if lock.inputs.get("level") == "CanNotDelete":
                return None
    return "no CanNotDelete lock on the storage account that holds the table"


def azure_environments(plan: Plan) -> Iterator[tuple[str, str, Any]]:
    for app in plan.of_type("azure-native:web:WebApp"):
        for setting in at(app.inputs, "siteConfig.appSettings") or []:
            yield app.name, setting["name"], setting.get("value")


def _not_disabled(value: Any) -> bool:
    """Encryption at rest is always on in Azure Storage and Google Cloud: only an input turning it off fails."""
    return value is None or "'enabled': False" not in str(value)


AZURE = CloudFacts(
    grants=azure_grants,
    failure_destination={
        "queue": azure_queue_failures, "topic": azure_topic_failures,
        "object": azure_object_failures, "schedule": azure_schedule_failures,
    },
    private_storage=(
        Expect("azure-native:storage:StorageAccount", "allowBlobPublicAccess", lambda v: v is False, "false"),
        Expect("azure-native:storage:BlobContainer", "publicAccess", lambda v: v == "None", "'None'"),
    ),
    encrypted=(
        Expect("azure-native:storage:StorageAccount", "encryption", _not_disabled, "absent or enabled"),
        Expect("azure-native:servicebus:Namespace", "encryption", _not_disabled, "absent or enabled"),
    ),
    tls=(
        Expect("azure-native:storage:StorageAccount", "minimumTlsVersion", lambda v: v == "TLS1_2", "'TLS1_2'"),
        Expect("azure-native:storage:StorageAccount", "enableHttpsTrafficOnly", lambda v: v is True, "true"),
        Expect("azure-native:servicebus:Namespace", "minimumTlsVersion", lambda v: v == "1.2", "'1.2'"),
        Expect("azure-native:web:WebApp", "httpsOnly", lambda v: v is True, "true"),
        Expect("azure-native:web:WebApp", "siteConfig.minTlsVersion", lambda v: v == "1.2", "'1.2'"),
        Expect("azure-native:web:WebApp", "siteConfig.scmMinTlsVersion", lambda v: v == "1.2", "'1.2'"),
    ),
    tables_protected=azure_tables_protected,
    environments=azure_environments,
    secret_values=(("azure-native:keyvault:Secret", "properties.value"),),
    secret_reference=r"^@Microsoft\.KeyVault\(SecretUri=https://[^)]+\)$",
    names=(
        Name("azure-native:resources:ResourceGroup", "resourceGroupName", 90, r"^[\w.()-]*[\w()-]$"),
        Name("azure-native:storage:StorageAccount", "accountName", 24, r"^[a-z0-9]{3,24}$"),
        Name("azure-native:keyvault:Vault", "vaultName", 24, r"^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$"),
        Name("azure-native:servicebus:Namespace", "namespaceName", 50, r"^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$"),
        Name("azure-native:servicebus:Topic", "topicName", 260),
        Name("azure-native:servicebus:Subscription", "subscriptionName", 50, unique=False),
        Name("azure-native:storage:BlobContainer", "containerName", 63, r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"),
        Name("azure-native:storage:Queue", "queueName", 63, r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"),
        Name("azure-native:storage:Table", "tableName", 63, r"^[A-Za-z][A-Za-z0-9]{2,62}$"),
        Name("azure-native:web:WebApp", "name", 60, r"^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$",
             identifier=lambda app, name: _azure_host_id(app, name)),
        Name("azure-native:web:AppServicePlan", "name", 60, r"^[A-Za-z0-9-]+$"),
        Name("azure-native:eventgrid:SystemTopic", "systemTopicName", 128, r"^[A-Za-z0-9-]{3,}$"),
        Name("azure-native:eventgrid:SystemTopicEventSubscription", "eventSubscriptionName", 64, r"^[A-Za-z0-9-]{3,}$"),
        Name("azure-native:operationalinsights:Workspace", "workspaceName", 63, r"^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$"),
        Name("azure-native:applicationinsights:Component", "resourceName", 260),
    ),
)


def _azure_host_id(app: Any, name: str) -> str:
    """The Functions host ID (AZFD0004): the app setting ``AzureFunctionsWebHost__hostid``, else the
    first 32 characters of the app's name."""
    settings = {s["name"]: s["value"] for s in app.inputs.get("siteConfig", {}).get("appSettings", [])}
    return str(settings.get("AzureFunctionsWebHost__hostid", name[:32]))


# -- Google Cloud ---------------------------------------------------------------------------------------

GCP_PRIMITIVE_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
GCP_PROJECT_ONLY_ROLES = {"roles/eventarc.eventReceiver"}
"""Roles that can only be granted on the project (Eventarc checks its receiver there)."""
GCP_IAM_TYPES = (
    "gcp:projects/iAMMember:IAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
)


def gcp_grants(plan: Plan) -> Iterator[str]:
    for type_ in GCP_IAM_TYPES:
        for member in plan.of_type(type_):
            role, who = member.inputs.get("role"), member.inputs.get("member")
            if role in GCP_PRIMITIVE_ROLES:
                yield f"IAM member {member.name!r} grants the primitive role {role!r}"
            if who in ("allUsers", "allAuthenticatedUsers") and role != "roles/run.invoker":
                yield f"IAM member {member.name!r} grants {role!r} to {who}"
            if type_ == "gcp:projects/iAMMember:IAMMember" and not member.inputs.get("condition") \
                    and role not in GCP_PROJECT_ONLY_ROLES:
                yield f"IAM member {member.name!r} grants {role!r} on the whole project, with no condition"


def gcp_push_failures(plan: Plan, function: str, source: str) -> str | None:
    subscriptions = [s for s in with_parts(plan, "gcp:pubsub/subscription:Subscription", function, source)
                     if s.inputs.get("pushConfig")]
    topic = at(subscriptions[0].inputs, "deadLetterPolicy.deadLetterTopic") if subscriptions else None
    return f"dead-letter topic {topic}" if topic else None


def gcp_schedule_failures(plan: Plan, function: str, schedule: str) -> str | None:
    return None  # a Cloud Scheduler job retries, then drops the run: it has no failure destination


def gcp_tables_protected(plan: Plan, table: str) -> str | None:
    resource = named(plan, "gcp:firestore/database:Database", table)
    if resource is None:
        return "no Firestore database planned"
    if resource.inputs.get("deleteProtectionState") != "DELETE_PROTECTION_ENABLED":
        return f"deleteProtectionState is {resource.inputs.get('deleteProtectionState')!r}"
    return None


def gcp_environments(plan: Plan) -> Iterator[tuple[str, str, Any]]:
    for service in plan.of_type("gcp:cloudrunv2/service:Service"):
        for container in at(service.inputs, "template.containers") or []:
            for env in container.get("envs") or []:
                yield service.name, env["name"], env.get("value")


def _https(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("https://")


GCP = CloudFacts(
    grants=gcp_grants,
    failure_destination={
        "queue": gcp_push_failures, "topic": gcp_push_failures,
        "object": gcp_push_failures, "schedule": gcp_schedule_failures,
    },
    private_storage=(
        Expect("gcp:storage/bucket:Bucket", "publicAccessPrevention", lambda v: v == "enforced", "'enforced'"),
        Expect("gcp:storage/bucket:Bucket", "uniformBucketLevelAccess", lambda v: v is True, "true"),
    ),
    encrypted=(
        Expect("gcp:storage/bucket:Bucket", "encryption", _not_disabled, "absent (Google-managed) or a KMS key"),
    ),
    tls=(
        Expect("gcp:pubsub/subscription:Subscription", WHOLE,
               lambda plan, r: not r.inputs.get("pushConfig") or _https(at(r.inputs, "pushConfig.pushEndpoint")),
               "an https push endpoint"),
        Expect("gcp:cloudscheduler/job:Job", "httpTarget.uri", _https, "an https URI"),
    ),
    tables_protected=gcp_tables_protected,
    environments=gcp_environments,
    secret_values=(("gcp:secretmanager/secretVersion:SecretVersion", "secretData"),),
    secret_reference=r"^projects/[^/]+/secrets/",
    names=(
        Name("gcp:cloudrunv2/service:Service", "name", 49, r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$"),
        Name("gcp:serviceaccount/account:Account", "accountId", 30, r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$"),
        Name("gcp:storage/bucket:Bucket", "name", 63, r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$"),
        Name("gcp:pubsub/topic:Topic", "name", 255, r"^[A-Za-z][\w.~+%-]{2,}$"),
        Name("gcp:pubsub/subscription:Subscription", "name", 255, r"^[A-Za-z][\w.~+%-]{2,}$"),
        Name("gcp:eventarc/trigger:Trigger", "name", 63, r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$"),
        Name("gcp:cloudscheduler/job:Job", "name", 500, r"^[A-Za-z0-9_-]+$"),
        Name("gcp:firestore/database:Database", "name", 63, r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$"),
        Name("gcp:secretmanager/secret:Secret", "secretId", 255, r"^[A-Za-z0-9_-]+$"),
    ),
)

FACTS = {"aws": AWS, "azure": AZURE, "gcp": GCP}


# -- the properties -------------------------------------------------------------------------------------


def expectations_hold(plan: Plan, expectations: tuple[Expect, ...]) -> list[str]:
    """Every resource each expectation covers passes it; a type with no resource at all is a violation too,
    so a renamed type cannot make the check pass by matching nothing."""
    found = []
    for expect in expectations:
        resources = plan.of_type(expect.type)
        if not resources:
            found.append(f"no {expect.type} in the plan to check {expect.path}")
        for resource in resources:
            value = at(resource.inputs, expect.path)
            if not (expect.ok(plan, resource) if expect.path == WHOLE else expect.ok(value)):
                shown = "" if expect.path == WHOLE else f" {expect.path}={value!r};"
                found.append(f"{expect.type} {resource.name!r}:{shown} expected {expect.allowed}")
    return found


def no_wildcard_grants(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    return list(FACTS[cloud].grants(plan))


def every_trigger_has_a_failure_destination(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    found = []
    for function in stack.functions:
        for trigger in function.triggers:
            source = {"queue": "queue", "topic": "topic", "object": "bucket"}.get(trigger.kind)
            if trigger.kind == "schedule":
                name = trigger.name or function.name
            elif source:
                name = getattr(trigger, source)
            else:
                continue
            if FACTS[cloud].failure_destination[trigger.kind](plan, function.name, name) is None:
                found.append(f"function {function.name!r}: the {trigger.kind} trigger on {name!r} has no dead letter "
                             "or failure destination")
    return found


def storage_is_never_public(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    return expectations_hold(plan, FACTS[cloud].private_storage)


def encryption_is_on(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    return expectations_hold(plan, FACTS[cloud].encrypted)


def tls_1_2_is_the_minimum(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    return expectations_hold(plan, FACTS[cloud].tls)


def tables_are_protected_against_deletion(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    found = []
    for table in stack.tables:
        why = FACTS[cloud].tables_protected(plan, table.name)
        if why:
            found.append(f"table {table.name!r}: {why}")
    return found


_SECRET_LIKE = re.compile(r"SECRET|PASSWORD|TOKEN|ACCESS_KEY|ACCOUNT_KEY", re.IGNORECASE)


def secrets_are_never_in_plain_text(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    found = []
    for type_, path in FACTS[cloud].secret_values:
        for resource in plan.of_type(type_):
            if at(resource.inputs, path) not in (None, SECRET):
                found.append(f"{type_} {resource.name!r} holds its value in plain text")
    seen = 0
    for function, variable, value in FACTS[cloud].environments(plan):
        seen += 1
        plain = value not in (None, SECRET) and not re.match(FACTS[cloud].secret_reference, str(value))
        if _SECRET_LIKE.search(variable) and plain:
            found.append(f"function {function!r}: variable {variable} holds a plain value")
        if variable == "PORTABLE_LINKS":
            for name, link in json.loads(value).items():
                if link.get("kind") == "secret" and set(link) & {"value", "secret", "password"}:
                    found.append(f"function {function!r}: the link to secret {name!r} carries its value")
    if not seen:
        found.append("no function environment found in the plan")
    return found


def names_fit_their_cloud(cloud: str, stack: Stack, plan: Plan) -> list[str]:
    found = []
    for rule in FACTS[cloud].names:
        resources = plan.of_type(rule.type)
        names = [(r.name + "-1234567") if rule.field is None else r.inputs.get(rule.field) for r in resources]
        if not resources:
            found.append(f"no {rule.type} in the plan")
        for resource, name in zip(resources, names, strict=True):
            if not isinstance(name, str):
                found.append(f"{rule.type} {resource.name!r} has no {rule.field}")
            elif len(name) > rule.max or not re.search(rule.pattern, name):
                found.append(f"{rule.type} {rule.field or 'auto-name'} {name!r} ({len(name)} characters): "
                             f"at most {rule.max} matching {rule.pattern}")
        if rule.unique:
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                found.append(f"{rule.type} {rule.field}: names used twice: {duplicates}")
        if rule.identifier:
            derived = [rule.identifier(r, n) for r, n in zip(resources, names, strict=True) if isinstance(n, str)]
            shared = sorted({d for d in derived if derived.count(d) > 1})
            if shared:
                found.append(f"{rule.type} {rule.field}: derived identifiers shared: {shared}")
    return found


PROPERTIES: dict[str, Callable[[str, Stack, Plan], list[str]]] = {
    "no wildcard action or resource": no_wildcard_grants,
    "every queue, subscription, object trigger and schedule has a dead letter": every_trigger_has_a_failure_destination,
    "storage is never public": storage_is_never_public,
    "encryption is on": encryption_is_on,
    "TLS 1.2 is the minimum": tls_1_2_is_the_minimum,
    "tables are protected against deletion": tables_are_protected_against_deletion,
    "secrets are never in plain text": secrets_are_never_in_plain_text,
    "every physical name fits its cloud": names_fit_their_cloud,
}

ISSUE_17 = "issue 17 (deploy hardening): "
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {
    ("no wildcard action or resource", "gcp", "*"):
        "section 3: the Cloud Storage service agent is granted roles/pubsub.publisher on the whole project "
        "(for Eventarc object triggers), not on one topic",
    ("every queue, subscription, object trigger and schedule has a dead letter", "azure", "*"):
        "section 1: timers have no failure destination",
    ("every queue, subscription, object trigger and schedule has a dead letter", "gcp", "*"):
        "section 1: Eventarc object events cannot have a dead letter, and Cloud Scheduler jobs have no failure "
        "destination",
}
"""(property, cloud, stack or "*") -> why it fails today; each is a strict xfail until issue 17 lands."""


def _cases() -> Iterator[Any]:
    for prop in PROPERTIES:
        for cloud in CLOUDS:
            for stack in STACKS:
                reason = KNOWN_FAILURES.get((prop, cloud, stack)) or KNOWN_FAILURES.get((prop, cloud, "*"))
                marks = [pytest.mark.xfail(strict=True, reason=ISSUE_17 + reason)] if reason else []
                yield pytest.param(prop, cloud, stack, marks=marks, id=f"{cloud}-{stack}-{prop.replace(' ', '_')}")


@pytest.mark.parametrize(("prop", "cloud", "stack"), list(_cases()))
def test_plan_property(prop: str, cloud: str, stack: str) -> None:
    violations = PROPERTIES[prop](cloud, model(stack), planned(stack, cloud))
    assert not violations, f"{cloud}, stack {stack!r}: {prop} fails:\n  " + "\n  ".join(violations)


# -- each property that passes everywhere today can fail -------------------------------------------------


def _altered(plan: Plan, type_: str, change: Callable[[dict[str, Any]], None]) -> Plan:
    """A copy of ``plan`` whose first resource of ``type_`` has its inputs changed by ``change``."""
    resources = list(plan.resources)
    index = next(i for i, r in enumerate(resources) if r.type == type_)
    inputs = json.loads(json.dumps(resources[index].inputs))
    change(inputs)
    resources[index] = replace(resources[index], inputs=inputs)
    return replace(plan, resources=tuple(resources))


def test_the_properties_name_what_breaks_them() -> None:
    stack, plan = model("orders"), planned("orders", "aws")
    public = _altered(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                      lambda inputs: inputs.update(blockPublicAcls=False))
    assert storage_is_never_public("aws", stack, public) == [
        "aws:s3/bucket:Bucket 'receipts': expected a public access block with all four settings true"]
    clear = _altered(plan, "aws:sns/topic:Topic", lambda inputs: inputs.pop("kmsMasterKeyId"))
    assert encryption_is_on("aws", stack, clear) == [
        "aws:sns/topic:Topic 'monitoring-alarms': kmsMasterKeyId=None; expected a KMS key"]
    leaked = _altered(plan, "aws:lambda/function:Function",
                      lambda inputs: inputs["environment"]["variables"].update(API_TOKEN="hunter2"))
    assert secrets_are_never_in_plain_text("aws", stack, leaked) == [
        "function 'api': variable API_TOKEN holds a plain value"]
    wild = _altered(plan, "aws:iam/rolePolicy:RolePolicy", lambda inputs: inputs.update(policy=json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})))
    assert no_wildcard_grants("aws", stack, wild) == [
        "role policy 'api-logs-write' allows action 's3:*'", "role policy 'api-logs-write' applies to resource '*'"]
