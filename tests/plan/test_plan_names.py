"""Every physical name a plan records fits its cloud's rule, for random valid stacks with long names.

The rules below are the clouds' documented naming rules (../shared/notes/pulumi-mapping.md §4.2 and
each service's documentation), written out independently of the providers' own code: the test plans
a stack under Pulumi mocks through the plan runner and checks the recorded inputs against them. A
resource type the table does not know fails the test, so a new resource cannot slip by unchecked.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portable.model import Http, Schedule, Stack
from portable.plan.model import Plan
from portable.plan.runner import plan_stack
from portable.registry import check_stack

GCP_CONFIG = {"gcp:project": "acme-production-123456", "gcp:region": "europe-west1"}

AZURE_STORAGE_CHILD = r"^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"
PUBSUB = r"^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$"
HOST_ID = r"^(?!.*--)[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$"

RULES: dict[str, dict[str, dict[str, str]]] = {
    "aws": {
        "aws:apigatewayv2/api:Api": {"name": r"^.{1,128}$"},
        "aws:apigatewayv2/stage:Stage": {"name": r"^(\$default|[A-Za-z0-9_-]{1,128})$"},
        "aws:cloudwatch/logGroup:LogGroup": {"name": r"^[.\-_/#A-Za-z0-9]{1,512}$"},
        "aws:dynamodb/table:Table": {"name": r"^[A-Za-z0-9_.-]{3,255}$"},
        "aws:lambda/function:Function": {"name": r"^[A-Za-z0-9_-]{1,64}$"},
        "aws:s3/bucket:Bucket": {"bucketPrefix": r"^[a-z0-9][a-z0-9.-]{0,36}$"},  # AWS appends 26 characters
        "aws:scheduler/schedule:Schedule": {"name": r"^[0-9A-Za-z_.-]{1,64}$"},
        "aws:secretsmanager/secret:Secret": {"name": r"^[A-Za-z0-9/_+=.@-]{1,512}$"},
        "aws:sns/topic:Topic": {"name": r"^[A-Za-z0-9_-]{1,256}$"},
        "aws:sqs/queue:Queue": {"name": r"^[A-Za-z0-9_-]{1,80}$"},
        "aws:cloudwatch/metricAlarm:MetricAlarm": {"name": r"^[\x20-\x7e]{1,255}$"},
        "aws:cloudwatch/dashboard:Dashboard": {"dashboardName": r"^[A-Za-z0-9_-]{1,255}$"},
        **{token: {} for token in (  # named by Pulumi or AWS, or only referring to other resources
            "aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/route:Route", "aws:iam/role:Role",
            "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:lambda/permission:Permission",
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "aws:lambda/functionUrl:FunctionUrl",
            "aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:sns/topicSubscription:TopicSubscription",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketVersioning:BucketVersioning", "aws:sqs/queuePolicy:QueuePolicy",
            "aws:sqs/redrivePolicy:RedrivePolicy", "aws:sns/topicPolicy:TopicPolicy", "aws:s3/bucketPolicy:BucketPolicy",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter", "aws:kms/key:Key",
        )},
    },
    "azure": {
        "azure-native:resources:ResourceGroup": {"resourceGroupName": r"^[-\w.()]{0,89}[-\w()]$"},
        "azure-native:storage:StorageAccount": {"accountName": r"^[a-z0-9]{3,24}$"},
        "azure-native:storage:BlobContainer": {"containerName": AZURE_STORAGE_CHILD},
        "azure-native:storage:Queue": {"queueName": AZURE_STORAGE_CHILD},
        "azure-native:storage:Table": {"tableName": r"^[A-Za-z][A-Za-z0-9]{2,62}$"},
        "azure-native:storage:Blob": {"blobName": r"^.{1,1024}$"},
        "azure-native:keyvault:Vault": {"vaultName": r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$"},
        "azure-native:keyvault:Secret": {"secretName": r"^[0-9A-Za-z-]{1,127}$"},
        "azure-native:servicebus:Namespace": {"namespaceName": r"^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9](?<!-sb)(?<!-mgmt)$"},
        "azure-native:servicebus:Topic": {"topicName": r"^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$"},
        "azure-native:servicebus:Subscription": {"subscriptionName": r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$"},
        "azure-native:web:AppServicePlan": {"name": r"^[A-Za-z0-9-]{1,60}$"},
        "azure-native:web:WebApp": {"name": r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])$"},
        "azure-native:operationalinsights:Workspace": {"workspaceName": r"^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$"},
        "azure-native:applicationinsights:Component": {"resourceName": r"^[^%&\\?/]{1,260}$"},
        "azure-native:eventgrid:SystemTopic": {"systemTopicName": r"^[A-Za-z0-9-]{3,128}$"},
        "azure-native:eventgrid:SystemTopicEventSubscription": {"eventSubscriptionName": r"^[A-Za-z0-9-]{3,64}$"},
        "azure-native:authorization:RoleAssignment": {"roleAssignmentName": r"^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$"},
        "azure-native:monitor:ActionGroup": {"actionGroupName": r"^[^<>*%{}&:\\?+/#|]{1,260}$",
                                             "groupShortName": r"^.{1,12}$"},
        "azure-native:monitor:ScheduledQueryRule": {"ruleName": r"^[^<>*%{}&:\\?+/#|]{1,260}$"},
        "azure-native:monitor:MetricAlert": {"ruleName": r"^[^<>*%{}&:\\?+/#|]{1,260}$"},
        "azure-native:applicationinsights:Workbook": {"resourceName": r"^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$"},
        **{token: {} for token in (
            "azure-native:storage:BlobServiceProperties", "azure-native:web:WebAppFtpAllowed",
            "azure-native:web:WebAppScmAllowed", "azure-native:authorization:ManagementLockByScope",
            "pulumi-python:dynamic:Resource",  # the OneDeploy publish: names the app it publishes to
        )},
    },
    "gcp": {
        "gcp:cloudrunv2/service:Service": {"name": r"^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$"},
        "gcp:cloudscheduler/job:Job": {"name": r"^[A-Za-z0-9_-]{1,500}$"},
        "gcp:eventarc/trigger:Trigger": {"name": r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$"},
        "gcp:firestore/database:Database": {"name": r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$"},
        "gcp:pubsub/topic:Topic": {"name": PUBSUB},
        "gcp:pubsub/subscription:Subscription": {"name": PUBSUB},
        "gcp:secretmanager/secret:Secret": {"secretId": r"^[A-Za-z0-9_-]{1,255}$"},
        "gcp:serviceaccount/account:Account": {"accountId": r"^[a-z](?:[a-z0-9-]{4,28}[a-z0-9])$"},
        "gcp:storage/bucket:Bucket": {"name": r"^(?!goog)(?!.*google)[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$"},
        "gcp:storage/bucketObject:BucketObject": {"name": r"^.{1,1024}$"},
        **{token: {} for token in (
            "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "gcp:projects/iAMMember:IAMMember",
            "gcp:projects/service:Service", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
            "gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:secretmanager/secretIamMember:SecretIamMember",
            "gcp:serviceaccount/iAMMember:IAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember",
            "gcp:storage/notification:Notification",
            # Cloud Monitoring names these itself (projects/<p>/alertPolicies/<id>); display names are free text
            "gcp:monitoring/alertPolicy:AlertPolicy", "gcp:monitoring/notificationChannel:NotificationChannel",
            "gcp:monitoring/dashboard:Dashboard",
        )},
    },
}
"""Per cloud: type token -> {input holding a physical name the resource creates: its rule}."""


def name_problems(plan: Plan) -> list[str]:
    """Every recorded physical name that breaks its rule, is missing a rule, or is used twice."""
    rules = RULES[plan.provider]
    problems: list[str] = []
    seen: Counter[tuple[str, str, str]] = Counter()
    for resource in plan.resources:
        if not resource.custom:
            continue
        if resource.type not in rules:
            problems.append(f"{resource.type} ({resource.name}) has no naming rule in this test")
            continue
        for key, rule in rules[resource.type].items():
            value = resource.inputs.get(key)
            if not isinstance(value, str):
                problems.append(f"{resource.type} {resource.name}: no {key} recorded")
            elif not re.match(rule, value):
                problems.append(f"{resource.type} {resource.name}: {key} {value!r} ({len(value)} chars) breaks {rule}")
            else:
                seen[(resource.type, key, value)] += 1
    problems.extend(f"{t} {k} {v!r} is given to {n} resources" for (t, k, v), n in seen.items()
                    if n > 1 and t != "azure-native:storage:Blob")
    if plan.provider == "azure":
        problems.extend(_host_id_problems(plan))
    return problems


def _host_id_problems(plan: Plan) -> list[str]:
    """AZFD0004: each app's host ID (the setting, else the first 32 characters of its name) is unique."""
    host_ids = {}
    for app in plan.of_type("azure-native:web:WebApp"):
        settings_ = {s["name"]: s["value"] for s in app.inputs["siteConfig"]["appSettings"]}
        host_ids[app.name] = settings_.get("AzureFunctionsWebHost__hostid", app.inputs["name"][:32])
    problems = [f"{app}: host ID {value!r} breaks {HOST_ID}" for app, value in host_ids.items()
                if not re.match(HOST_ID, value)]
    duplicates = {v for v in host_ids.values() if list(host_ids.values()).count(v) > 1}
    return problems + [f"host ID {v!r} is shared by {sorted(a for a, h in host_ids.items() if h == v)}"
                       for v in sorted(duplicates)]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("def handle(event, ctx=None):\n    return 'ok'\n")
    return folder


def plan(stack: Stack, provider: str, root: Path) -> Plan:
    check_stack(stack, provider)  # only stacks `portable validate --provider` accepts
    return plan_stack(stack, provider, root, config=GCP_CONFIG if provider == "gcp" else None)


# -- the issue's own example -------------------------------------------------------------------------


def billing() -> Stack:
    stack = Stack("northwind-billing-production")
    invoices = stack.queue("invoices")
    stack.function("invoice-api", handler="app:handle", source="src", triggers=[Http("POST", "/invoices")],
                   links=[invoices.send()])
    stack.function("invoice-worker", handler="app:handle", source="src", triggers=[invoices.trigger()])
    return stack


def test_two_azure_apps_sharing_their_first_32_characters_get_distinct_host_ids(root: Path) -> None:
    planned = plan(billing(), "azure", root)
    apps = {app.name.rsplit("-function-", 1)[1]: app.inputs for app in planned.of_type("azure-native:web:WebApp")}
    assert apps["invoice-api-app"]["name"][:32] == apps["invoice-worker-app"]["name"][:32], "the AZFD0004 case"
    host_ids = {name: {s["name"]: s["value"] for s in inputs["siteConfig"]["appSettings"]}["AzureFunctionsWebHost__hostid"]
                for name, inputs in apps.items()}
    assert host_ids == {"invoice-api-app": "northwind-billing-produ-ffbf07ed",
                        "invoice-worker-app": "northwind-billing-produ-ad94f1e5"}
    assert name_problems(planned) == []


def test_an_app_service_plan_name_of_the_longest_names_fits_60_characters(root: Path) -> None:
    stack = Stack("a" * 30)
    stack.function("b" * 30, handler="app:handle", source="src", triggers=[Http("GET", "/")])
    [plan_] = plan(stack, "azure", root).of_type("azure-native:web:AppServicePlan")
    assert len(plan_.inputs["name"]) == 60 and plan_.inputs["name"].endswith("-plan")


def test_the_rules_catch_a_name_that_does_not_fit(root: Path) -> None:
    planned = plan(billing(), "aws", root)
    lambdas = RULES["aws"]["aws:lambda/function:Function"]
    RULES["aws"]["aws:lambda/function:Function"] = {"name": r"^.{1,10}$"}
    try:
        problems = name_problems(planned)
    finally:
        RULES["aws"]["aws:lambda/function:Function"] = lambdas
    assert problems == [
        "aws:lambda/function:Function invoice-api: name 'northwind-billing-production-invoice-api' (40 chars) "
        "breaks ^.{1,10}$",
        "aws:lambda/function:Function invoice-worker: name 'northwind-billing-production-invoice-worker' (43 chars) "
        "breaks ^.{1,10}$",
    ]


# -- random stacks with long names -------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def long_names(draw: st.DrawFn, prefix: str = "") -> str:
    """A valid portable name (2-30 characters, no ``--``) of 24 to 30 characters, starting ``prefix``."""
    length = draw(st.integers(24, 30))
    body = draw(st.text(LETTERS + "0123456789-", min_size=length, max_size=length))
    name = (prefix + body)[:length]
    name = re.sub(r"-{2,}", "-", name)
    name = LETTERS[0] + name[1:] if not name[0].isalpha() else name
    return name.rstrip("-").ljust(length, "x")


TRIGGERS = ("http", "queue", "topic", "object", "schedule")


@st.composite
def stacks(draw: st.DrawFn) -> Stack:
    """A stack with every kind of resource and one function per trigger kind drawn, all named long;
    the functions share a long common beginning (the Azure host ID case)."""
    stack = Stack(draw(long_names()))
    kinds = draw(st.lists(st.sampled_from(TRIGGERS), min_size=1, max_size=3, unique=True))
    common = draw(long_names())[:20].rstrip("-") + "-"
    resource_names = draw(st.lists(long_names(), min_size=5, max_size=5, unique=True))
    table = stack.table(resource_names[0], key="id")
    bucket = stack.bucket(resource_names[1])
    queue = stack.queue(resource_names[2], dead_letter_after=5)
    topic = stack.topic(resource_names[3])
    secret = stack.secret(resource_names[4])
    function_names = draw(st.lists(long_names(common), min_size=len(kinds), max_size=len(kinds), unique=True))
    for kind, name in zip(kinds, function_names, strict=True):
        trigger: Any = {
            "http": lambda: Http("POST", "/items"),
            "queue": lambda: queue.trigger(),
            "topic": lambda: topic.trigger(),
            "object": lambda: bucket.on_created(prefix="in/"),
            "schedule": lambda: Schedule.cron("0 3 * * *", name=draw(long_names())),
        }[kind]()
        stack.function(name, handler="app:handle", source="src", triggers=[trigger],
                       links=[table.read_write(), bucket.write(), secret.read()] if kind == "http" else [])
    return stack


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_random_stacks_with_long_names_plan_names_within_every_rule(provider: str, root: Path) -> None:
    @settings(max_examples=5, deadline=None, derandomize=True, database=None,
              phases=(Phase.explicit, Phase.generate),  # no shrinking: each plan takes a while; the stack is printed
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(stacks())
    def check(stack: Stack) -> None:
        assert name_problems(plan(stack, provider, root)) == []

    check()
