"""The Google Cloud deploy side under Pulumi mocks: the resources, their wiring and their grants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portable import Http, Schedule, Stack
from portable.errors import PortableError
from portable.loader import load_target

ROOT = Path(__file__).resolve().parents[3]
RUN = "gcp:cloudrunv2/service:Service"
SUBSCRIPTION = "gcp:pubsub/subscription:Subscription"
INVOKER = "serviceAccount:orders--invoker@acme-orders.iam.gserviceaccount.com"
PUBSUB_AGENT = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"


def sa(name: str) -> str:
    return f"serviceAccount:orders-{name}@acme-orders.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def orders_stack() -> Stack:
    return load_target(str(ROOT / "examples" / "orders" / "stack.py")).stack


@pytest.fixture(scope="module")
def orders(orders_stack: Stack, synth: Any) -> Any:
    return synth(orders_stack, ROOT / "examples" / "orders")


def envs(service: Any) -> dict[str, Any]:
    container = service.inputs["template"]["containers"][0]
    return {e["name"]: e.get("value", e.get("valueSource")) for e in container["envs"]}


def test_one_component_per_concept(orders: Any) -> None:
    components = sorted((r.type.rpartition(":")[2], r.name) for r in orders.resources if not r.custom)
    assert components == [
        ("Bucket", "receipts"), ("Function", "api"), ("Function", "audit-log"), ("Function", "nightly-report"),
        ("Function", "receipt-indexer"), ("Function", "receipt-worker"), ("Monitoring", "monitoring"),
        ("ObjectTrigger", "receipt-indexer-receipts"),
        ("Project", "orders"), ("Queue", "receipt-jobs"), ("QueueTrigger", "receipt-worker-receipt-jobs"),
        ("Schedule", "nightly-report"), ("Secret", "receipt-signing-key"), ("Table", "orders"),
        ("Topic", "order-events"), ("TopicTrigger", "audit-log-order-events")]
    assert all(r.type.startswith("portable:gcp:") for r in orders.resources if not r.custom)
    assert all(r.parent is not None and r.parent[0].startswith("portable:gcp:") for r in orders.resources if r.custom)
    assert orders.one(RUN, "api").parent == ("portable:gcp:Function", "api")
    assert orders.one(SUBSCRIPTION, "receipt-worker-receipt-jobs").parent == (
        "portable:gcp:QueueTrigger", "receipt-worker-receipt-jobs")


def test_components_expose_their_native_resources(orders_stack: Stack) -> None:
    from portable.deploy import placeholder_bundle
    from portable.plan import run_program
    from providers.gcp.deploy.program import deploy_stack
    from providers.gcp.mocks import GcpCloud

    found: dict[str, Any] = {}
    run_program(lambda: found.update(deploy_stack(orders_stack, {f.name: placeholder_bundle(f) for f in orders_stack.functions})),
                GcpCloud(project="acme-orders"), config={"gcp:project": "acme-orders", "gcp:region": "europe-west1"})
    assert sorted(found) == ["buckets", "functions", "monitoring", "project", "queues", "schedules", "secrets",
                             "tables", "topics", "triggers"]
    api = found["functions"]["api"]
    assert type(api.service).__name__ == "Service" and type(api.account).__name__ == "Account"
    assert set(api.exports) == {"url", "service", "service_account"}
    assert found["queues"]["receipt-jobs"].dead_letter_topic is not None
    assert found["tables"]["orders"].database is not None


def test_required_apis_are_enabled_and_never_disabled(orders: Any) -> None:
    apis = orders.all("gcp:projects/service:Service")
    assert sorted(a.inputs["service"] for a in apis) == [
        "cloudscheduler.googleapis.com", "eventarc.googleapis.com", "firestore.googleapis.com",
        "iam.googleapis.com", "monitoring.googleapis.com", "pubsub.googleapis.com", "run.googleapis.com",
        "secretmanager.googleapis.com",
        "storage.googleapis.com"]
    assert all(a.inputs["disableOnDestroy"] is False for a in apis)


def test_each_function_is_a_source_deployed_cloud_run_service(orders: Any) -> None:
    assert orders.names(RUN) == ["api", "audit-log", "nightly-report", "receipt-indexer", "receipt-worker"]
    worker = orders.one(RUN, "receipt-worker").inputs
    assert worker["name"] == "orders-receipt-worker"
    assert worker["location"] == "europe-west1"
    assert worker["deletionProtection"] is False
    assert worker["launchStage"] == "BETA", "containers[].source_code is pre-GA: the API refuses it on a GA service"
    assert worker["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    template = worker["template"]
    assert template["serviceAccount"] == "orders-receipt-worker@acme-orders.iam.gserviceaccount.com"
    assert template["timeout"] == "60s"
    container = template["containers"][0]
    assert container["image"] == "scratch"
    assert container["baseImageUri"] == (
        "europe-west1-docker.pkg.dev/serverless-runtimes/google-22-full/runtimes/python312")
    assert container["commands"] == ["python"]
    assert container["args"][-1] == "providers.gcp.runtime:app"
    source = container["sourceCode"]["cloudStorageSource"]
    assert source["bucket"] == orders.one("gcp:storage/bucket:Bucket", "orders-code").inputs["name"]
    assert source["bucket"].startswith("orders--code-")
    assert source["object"].startswith("receipt-worker/") and source["object"].endswith(".tar.gz")
    assert source["generation"] == "1700000000000000"
    assert container["resources"] == {"limits": {"cpu": "1", "memory": "512Mi"}, "cpuIdle": True,
                                      "startupCpuBoost": True}
    assert orders.one(RUN, "api").inputs["ingress"] == "INGRESS_TRAFFIC_ALL"


def test_a_dedicated_service_account_per_function(orders: Any) -> None:
    accounts = orders.all("gcp:serviceaccount/account:Account")
    assert sorted(a.inputs["accountId"] for a in accounts) == [
        "orders--invoker", "orders-api", "orders-audit-log", "orders-nightly-report", "orders-receipt-indexer",
        "orders-receipt-worker"]


def test_runtime_contract_variables(orders: Any) -> None:
    variables = envs(orders.one(RUN, "receipt-worker"))
    assert variables["PORTABLE_PROVIDER"] == "gcp"
    assert variables["PORTABLE_FUNCTION"] == "receipt-worker"
    assert variables["PORTABLE_HANDLER"] == "orders.worker:handle"
    assert variables["PORTABLE_TIMEOUT"] == "60"
    links = json.loads(variables["PORTABLE_LINKS"])
    assert links["orders"] == {
        "kind": "table", "access": "read_write", "project": "acme-orders", "database": "orders-orders",
        "collection": "orders", "id": "projects/acme-orders/databases/orders-orders/documents/orders",
        "key": "order_id", "sort_key": None, "ttl_attribute": None}
    assert links["receipts"] == {"kind": "bucket", "access": "write", "id": "orders-receipts-129704",
                                 "project": "acme-orders"}
    assert links["receipt-jobs"]["access"] == "trigger"
    assert links["receipt-signing-key"] == {
        "kind": "secret", "access": "read", "id": "projects/acme-orders/secrets/orders-receipt-signing-key",
        "env": "PORTABLE_SECRET_RECEIPT_SIGNING_KEY"}
    assert variables["PORTABLE_SECRET_RECEIPT_SIGNING_KEY"] == {"secretKeyRef": {
        "secret": "projects/acme-orders/secrets/orders-receipt-signing-key", "version": "latest"}}
    indexer = json.loads(envs(orders.one(RUN, "receipt-indexer"))["PORTABLE_LINKS"])
    assert indexer["receipts"]["triggers"] == [{"events": ["created"], "prefix": "receipts/", "suffix": ".json"}]
    assert json.loads(envs(orders.one(RUN, "api"))["PORTABLE_ROUTES"]) == [["POST", "/orders"],
                                                                         ["GET", "/orders/{order_id}"]]


def test_only_declared_public_routes_are_public(orders: Any) -> None:
    invokers = orders.all("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
    assert sorted((i.name, i.inputs["member"], i.inputs["role"]) for i in invokers) == [
        ("api-public", "allUsers", "roles/run.invoker"),
        ("audit-log-trigger-invoker", INVOKER, "roles/run.invoker"),
        ("nightly-report-trigger-invoker", INVOKER, "roles/run.invoker"),
        ("receipt-indexer-trigger-invoker", INVOKER, "roles/run.invoker"),
        ("receipt-worker-trigger-invoker", INVOKER, "roles/run.invoker"),
    ]


def test_private_http_function_has_no_public_binding(synth: Any) -> None:
    stack = Stack("orders")
    stack.function("admin", handler="app.admin:handle", triggers=[Http("GET", "/admin")])
    result = synth(stack)
    assert result.all("gcp:cloudrunv2/serviceIamMember:ServiceIamMember") == []
    assert result.one(RUN, "admin").inputs["ingress"] == "INGRESS_TRAFFIC_ALL"


def test_mixing_public_and_private_routes_is_refused(synth: Any) -> None:
    stack = Stack("orders")
    stack.function("api", handler="app.api:handle",
                   triggers=[Http("GET", "/a", public=True), Http("GET", "/b")])
    with pytest.raises(PortableError, match=r"Function 'api' mixes public and private Http routes: "
                                            r"'GET /a' \(public\), 'GET /b' \(private\)"):
        synth(stack)


def test_queue_push_subscription_with_oidc_and_dead_letter(orders: Any) -> None:
    topics = {t.name: t.inputs["name"] for t in orders.all("gcp:pubsub/topic:Topic")}
    assert topics == {"receipt-jobs": "orders-receipt-jobs", "receipt-jobs-dead-letter": "orders-receipt-jobs-dead-letter",
                      "order-events": "orders-order-events", "order-events-dead-letter": "orders-order-events-dead-letter"}
    push = orders.one(SUBSCRIPTION, "receipt-worker-receipt-jobs").inputs
    url = "https://orders-receipt-worker-123456789012.europe-west1.run.app"
    assert push["name"] == "orders-receipt-jobs"
    assert push["topic"] == "projects/acme-orders/topics/orders-receipt-jobs"
    assert push["pushConfig"] == {
        "pushEndpoint": f"{url}/_portable/queue/receipt-jobs",
        "oidcToken": {"serviceAccountEmail": "orders--invoker@acme-orders.iam.gserviceaccount.com", "audience": url}}
    assert push["deadLetterPolicy"] == {
        "deadLetterTopic": "projects/acme-orders/topics/orders-receipt-jobs-dead-letter", "maxDeliveryAttempts": 5}
    assert push["ackDeadlineSeconds"] == 60  # the worker's timeout: never redelivered while it runs
    assert push["expirationPolicy"] == {"ttl": ""}
    assert push["retryPolicy"] == {"minimumBackoff": "10s", "maximumBackoff": "600s"}
    kept = orders.one(SUBSCRIPTION, "receipt-jobs-dead-letter").inputs
    assert kept["topic"] == "projects/acme-orders/topics/orders-receipt-jobs-dead-letter"
    assert kept["messageRetentionDuration"] == "604800s"


def test_topic_fans_out_one_push_subscription_per_subscriber(synth: Any) -> None:
    stack = Stack("orders")
    events = stack.topic("events")
    for name in ("audit", "mailer"):
        stack.function(name, handler=f"app.{name}:handle", triggers=[events.trigger()])
    result = synth(stack)
    subscriptions = {s.name: s.inputs for s in result.all(SUBSCRIPTION)}
    assert sorted(subscriptions) == ["audit-events", "events-dead-letter", "mailer-events"]
    assert subscriptions["mailer-events"]["name"] == "orders-events-mailer"
    assert subscriptions["mailer-events"]["pushConfig"]["pushEndpoint"] == (
        "https://orders-mailer-123456789012.europe-west1.run.app/_portable/topic/events")
    for subscriber in ("audit", "mailer"):  # a failing subscriber's messages end in the topic's dead letter
        assert subscriptions[f"{subscriber}-events"]["deadLetterPolicy"] == {
            "deadLetterTopic": "projects/acme-orders/topics/orders-events-dead-letter", "maxDeliveryAttempts": 5}
        forward = result.one("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", f"{subscriber}-events-agent")
        assert forward.inputs == {"project": "acme-orders", "subscription": f"orders-events-{subscriber}",
                                  "role": "roles/pubsub.subscriber", "member": PUBSUB_AGENT}
    assert subscriptions["events-dead-letter"]["topic"] == "projects/acme-orders/topics/orders-events-dead-letter"
    assert subscriptions["events-dead-letter"]["messageRetentionDuration"] == "604800s"
    publisher = result.one("gcp:pubsub/topicIAMMember:TopicIAMMember", "events-dead-letter-agent").inputs
    assert publisher == {"project": "acme-orders", "topic": "orders-events-dead-letter", "role": "roles/pubsub.publisher",
                         "member": PUBSUB_AGENT}


def test_unconsumed_queue_keeps_messages_in_a_pull_subscription(synth: Any) -> None:
    stack = Stack("orders")
    jobs = stack.queue("jobs", dead_letter_after=None)
    stack.function("producer", handler="app.p:handle", links=[jobs.send()], triggers=[Http("POST", "/")])
    stack.function("poller", handler="app.q:handle", links=[jobs.consume()], triggers=[Schedule.every(5, "minutes")])
    result = synth(stack)
    pull = result.one(SUBSCRIPTION, "jobs").inputs
    assert "pushConfig" not in pull and "deadLetterPolicy" not in pull
    grant = result.one("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "poller-queue-jobs").inputs
    assert grant == {"project": "acme-orders", "subscription": "orders-jobs", "role": "roles/pubsub.subscriber",
                     "member": sa("poller")}
    assert result.one("gcp:cloudscheduler/job:Job", "poller").inputs["schedule"] == "*/5 * * * *"


def test_bucket_is_private_and_object_events_go_through_eventarc(orders: Any) -> None:
    bucket = orders.one("gcp:storage/bucket:Bucket", "receipts").inputs
    assert bucket["name"] == "orders-receipts-129704"
    assert bucket["uniformBucketLevelAccess"] is True
    assert bucket["publicAccessPrevention"] == "enforced"
    assert bucket["forceDestroy"] is False
    assert bucket["location"] == "europe-west1"
    trigger = orders.one("gcp:eventarc/trigger:Trigger", "receipt-indexer-receipts-created").inputs
    assert trigger["location"] == "europe-west1"
    assert trigger["serviceAccount"] == "orders--invoker@acme-orders.iam.gserviceaccount.com"
    assert trigger["matchingCriterias"] == [
        {"attribute": "type", "value": "google.cloud.storage.object.v1.finalized"},
        {"attribute": "bucket", "value": "orders-receipts-129704"}]
    assert trigger["destination"] == {"cloudRunService": {
        "service": "orders-receipt-indexer", "region": "europe-west1", "path": "/_portable/bucket/receipts"}}


def test_table_is_a_firestore_database_with_a_deliberate_deletion_policy(orders: Any) -> None:
    database = orders.one("gcp:firestore/database:Database", "orders").inputs
    assert database == {
        "name": "orders-orders", "project": "acme-orders", "locationId": "europe-west1", "type": "FIRESTORE_NATIVE",
        "pointInTimeRecoveryEnablement": "POINT_IN_TIME_RECOVERY_ENABLED",
        "deleteProtectionState": "DELETE_PROTECTION_ENABLED", "deletionPolicy": "DELETE"}


def test_a_throwaway_table_opts_out_of_delete_protection(synth: Any) -> None:
    stack = Stack("orders")
    stack.table("scratch", deletion_protection=False)
    database = synth(stack).one("gcp:firestore/database:Database", "scratch").inputs
    assert (database["deleteProtectionState"], database["deletionPolicy"]) == ("DELETE_PROTECTION_DISABLED", "DELETE")


def test_sort_key_gets_a_composite_index_and_ttl_a_policy(synth: Any) -> None:
    stack = Stack("orders")
    stack.table("history", key="customer", sort_key="placed", ttl_attribute="expires")
    result = synth(stack)
    index = result.one("gcp:firestore/index:Index", "history-key-sort").inputs
    assert index["collection"] == "history" and index["database"] == "orders-history"
    assert index["fields"] == [{"fieldPath": "customer", "order": "ASCENDING"},
                               {"fieldPath": "placed", "order": "ASCENDING"}]
    assert result.one("gcp:firestore/field:Field", "history-ttl").inputs["field"] == "portable_expires_at"


def test_schedule_is_a_cloud_scheduler_job_with_oidc(synth: Any) -> None:
    stack = Stack("orders")
    stack.function("report", handler="app.report:run", timeout=120,
                   triggers=[Schedule.cron("0 3 * * 1-5", timezone="Europe/Paris", name="weekday-report")])
    result = synth(stack)
    job = result.one("gcp:cloudscheduler/job:Job", "weekday-report").inputs
    url = "https://orders-report-123456789012.europe-west1.run.app"
    assert job["name"] == "orders-weekday-report"
    assert job["region"] == "europe-west1"
    assert job["schedule"] == "0 3 * * 1-5"
    assert job["timeZone"] == "Europe/Paris"
    assert job["attemptDeadline"] == "120s"
    assert job["httpTarget"] == {
        "uri": f"{url}/_portable/schedule/weekday-report", "httpMethod": "POST",
        "oidcToken": {"serviceAccountEmail": "orders--invoker@acme-orders.iam.gserviceaccount.com", "audience": url}}
    assert job["retryConfig"] == {"retryCount": 3, "minBackoffDuration": "10s", "maxBackoffDuration": "300s"}


def test_every_grant_is_scoped_to_the_linked_resource(orders: Any) -> None:
    grants = set()
    for kind, scope in (("storage/bucketIAMMember:BucketIAMMember", "bucket"),
                        ("pubsub/topicIAMMember:TopicIAMMember", "topic"),
                        ("pubsub/subscriptionIAMMember:SubscriptionIAMMember", "subscription"),
                        ("secretmanager/secretIamMember:SecretIamMember", "secretId"),
                        ("serviceaccount/iAMMember:IAMMember", "serviceAccountId"),
                        ("projects/iAMMember:IAMMember", "project")):
        for r in orders.all(f"gcp:{kind}"):
            condition = r.inputs.get("condition", {}).get("expression")
            grants.add((r.inputs["member"], r.inputs["role"], r.inputs[scope], condition))
    db = 'resource.name == "projects/acme-orders/databases/orders-orders"'
    gcs_agent = "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com"
    assert grants == {
        (sa("api"), "roles/datastore.user", "acme-orders", db),
        (sa("api"), "roles/pubsub.publisher", "orders-receipt-jobs", None),
        (sa("receipt-worker"), "roles/datastore.user", "acme-orders", db),
        (sa("receipt-worker"), "roles/storage.objectUser", "orders-receipts-129704", None),
        (sa("receipt-worker"), "roles/secretmanager.secretAccessor", "orders-receipt-signing-key", None),
        (sa("receipt-indexer"), "roles/pubsub.publisher", "orders-order-events", None),
        (sa("nightly-report"), "roles/datastore.viewer", "acme-orders", db),
        (sa("nightly-report"), "roles/storage.objectUser", "orders-receipts-129704", None),
        (PUBSUB_AGENT, "roles/pubsub.publisher", "orders-receipt-jobs-dead-letter", None),
        (PUBSUB_AGENT, "roles/pubsub.subscriber", "orders-receipt-jobs", None),
        (PUBSUB_AGENT, "roles/pubsub.publisher", "orders-order-events-dead-letter", None),
        (PUBSUB_AGENT, "roles/pubsub.subscriber", "orders-order-events-audit-log", None),
        (PUBSUB_AGENT, "roles/iam.serviceAccountTokenCreator",
         "projects/acme-orders/serviceAccounts/orders--invoker@acme-orders.iam.gserviceaccount.com", None),
        (gcs_agent, "roles/pubsub.publisher", "acme-orders", None),
        (INVOKER, "roles/eventarc.eventReceiver", "acme-orders", None),
    }


def test_project_level_grants_are_reported(orders: Any) -> None:
    assert "Table 'orders': Firestore roles exist only at project level; each linked function's grant " \
           "(roles/datastore.user or .viewer) carries an IAM condition limiting it to the table's database." \
           in orders.warnings
    assert any("object triggers need two project-level grants" in w for w in orders.warnings)
    assert any("Secret 'receipt-signing-key' has no value" in w for w in orders.warnings)


def test_secret_value_from_config_becomes_the_first_version(synth: Any) -> None:
    stack = Stack("orders")
    stack.secret("api-key")
    result = synth(stack, config={"portable:secret:api-key": "s3cret"})
    version = result.one("gcp:secretmanager/secretVersion:SecretVersion", "api-key-value").inputs
    assert version["secret"] == "projects/acme-orders/secrets/orders-api-key"
    assert not any("has no value" in w for w in result.warnings)


def test_options_are_merged_into_the_native_arguments(synth: Any) -> None:
    stack = Stack("orders")
    stack.bucket("media", options={"gcp": {"location": "EU", "versioning": {"enabled": True},
                                           "labels": {"team": "web"}}})
    stack.function("api", handler="app.api:handle", min_instances=1, max_instances=4, memory=8192,
                   triggers=[Http("GET", "/")], options={"gcp": {"template": {"timeout": "90s"}}})
    result = synth(stack)
    bucket = result.one("gcp:storage/bucket:Bucket", "media").inputs
    assert (bucket["location"], bucket["versioning"], bucket["labels"]) == ("EU", {"enabled": True}, {"team": "web"})
    template = result.one(RUN, "api").inputs["template"]
    assert template["timeout"] == "90s"
    assert template["scaling"] == {"minInstanceCount": 1, "maxInstanceCount": 4}
    assert template["containers"][0]["resources"]["limits"] == {"cpu": "2", "memory": "8192Mi"}


def test_an_unknown_option_names_the_object_the_option_and_a_suggestion(synth: Any) -> None:
    stack = Stack("orders")
    stack.bucket("media", options={"gcp": {"lables": {"team": "web"}}})
    with pytest.raises(PortableError) as caught:
        synth(stack)
    assert caught.value.message == "Bucket 'media': options['gcp'] has an unknown argument 'lables' for gcp.storage.Bucket"
    assert caught.value.hint is not None and caught.value.hint.startswith("Did you mean 'labels'? Allowed arguments: ")


def test_eventarc_trigger_follows_a_multi_region_bucket(synth: Any) -> None:
    stack = Stack("orders")
    media = stack.bucket("media", options={"gcp": {"location": "EU"}})
    stack.function("thumbs", handler="app.t:handle", triggers=[media.on("created", "deleted")])
    result = synth(stack)
    triggers = {t.name: t.inputs for t in result.all("gcp:eventarc/trigger:Trigger")}
    assert sorted(triggers) == ["thumbs-media-created", "thumbs-media-deleted"]
    assert {t["location"] for t in triggers.values()} == {"eu"}
    assert triggers["thumbs-media-deleted"]["matchingCriterias"][0]["value"] == (
        "google.cloud.storage.object.v1.deleted")


def test_missing_project_config_is_explained() -> None:
    import pulumi

    from providers.gcp.deploy.project import GcpSettings

    pulumi.runtime.set_all_config({"gcp:region": "europe-west1"})
    with pytest.raises(PortableError, match="The Pulumi stack config has no 'gcp:project'"):
        GcpSettings.from_config()


def test_public_service_with_event_triggers_checks_an_event_token(synth: Any) -> None:
    stack = Stack("orders")
    jobs = stack.queue("jobs")
    stack.function("api", handler="app.api:handle", triggers=[Http("POST", "/", public=True), jobs.trigger()])
    result = synth(stack)
    token = result.one("random:index/randomPassword:RandomPassword", "api-event-token").inputs
    assert token["length"] == 32 and token["special"] is False
    assert envs(result.one(RUN, "api"))["PORTABLE_EVENT_TOKEN"] == "t" * 32
    endpoint = result.one(SUBSCRIPTION, "api-jobs").inputs["pushConfig"]["pushEndpoint"]
    assert endpoint == f"https://orders-api-123456789012.europe-west1.run.app/_portable/queue/jobs?token={'t' * 32}"


def test_everything_waits_for_the_apis_and_services_for_their_grants(orders: Any) -> None:
    apis = {f"gcp:projects/service:Service::orders-{a}" for a in (
        "run", "iam", "storage", "pubsub", "eventarc", "cloudscheduler", "firestore", "secretmanager")}
    for resource in orders.resources:
        if resource.custom and resource.type != "gcp:projects/service:Service":
            assert apis <= set(resource.depends_on), resource.name
    worker = set(orders.one(RUN, "receipt-worker").depends_on)
    assert {
        "gcp:secretmanager/secretIamMember:SecretIamMember::receipt-worker-secret-receipt-signing-key",
        "gcp:storage/bucketIAMMember:BucketIAMMember::receipt-worker-bucket-receipts",
        "gcp:projects/iAMMember:IAMMember::receipt-worker-table-orders",
    } <= worker
    trigger = set(orders.one("gcp:eventarc/trigger:Trigger", "receipt-indexer-receipts-created").depends_on)
    assert {"gcp:projects/iAMMember:IAMMember::orders-gcs-agent-publisher",
            "gcp:projects/iAMMember:IAMMember::orders-invoker-event-receiver",
            "gcp:cloudrunv2/serviceIamMember:ServiceIamMember::receipt-indexer-trigger-invoker"} <= trigger


def test_two_object_triggers_on_one_bucket_get_distinct_names(synth: Any) -> None:
    stack = Stack("orders")
    media = stack.bucket("media")
    stack.function("thumbs", handler="app.t:handle",
                   triggers=[media.on_created(prefix="in/"), media.on_deleted(prefix="out/")])
    result = synth(stack)
    assert result.names("gcp:eventarc/trigger:Trigger") == ["thumbs-media-2-deleted", "thumbs-media-created"]


def test_service_waits_for_the_secret_value(synth: Any) -> None:
    stack = Stack("orders")
    key = stack.secret("api-key")
    stack.function("api", handler="app.api:handle", links=[key.read()], triggers=[Http("GET", "/")])
    result = synth(stack, config={"portable:secret:api-key": "s3cret"})
    assert "gcp:secretmanager/secretVersion:SecretVersion::api-key-value" in result.one(RUN, "api").depends_on
    assert result.one("gcp:secretmanager/secretVersion:SecretVersion", "api-key-value").inputs["secretData"] == (
        "[secret]")


def test_queue_max_concurrency_is_reported_not_ignored_silently(synth: Any) -> None:
    stack = Stack("orders")
    jobs = stack.queue("jobs")
    stack.function("worker", handler="app.w:handle", triggers=[jobs.trigger(max_concurrency=4)])
    result = synth(stack)
    assert ("Function 'worker': Pub/Sub push has no concurrency limit per subscription, so max_concurrency=4 of "
            "its queue trigger is not applied; limit max_instances (each instance handles up to 8 messages at "
            "once).") in result.warnings


def test_a_write_links_remaining_over_grant_is_listed_in_the_plan_notes(synth: Any) -> None:
    stack = Stack("orders")
    receipts = stack.bucket("receipts")
    stack.function("worker", handler="app.w:handle", links=[receipts.write()], triggers=[Http("POST", "/")])
    stack.function("reader", handler="app.r:handle", links=[receipts.read()], triggers=[Http("GET", "/")])
    notes = synth(stack).warnings
    assert ("Function 'worker': its write link to bucket 'receipts' is granted roles/storage.objectUser, which also "
            "reads and lists objects (no narrower predefined role)") in notes
    assert not any(note.startswith("Function 'reader'") for note in notes), "a read link gets exactly objectViewer"


def test_log_retention_and_tracing_are_documented_in_the_plan_notes(orders: Any) -> None:
    assert ("Stack 'orders': logs and traces follow the platform defaults, which portable leaves as they are: "
            "Cloud Run writes each function's logs to the project's _Default log bucket (kept 30 days) and sends a "
            "sample of request traces to Cloud Trace; set the _Default bucket's retention or a log sink to keep "
            "them longer") in orders.warnings
