"""The Azure deploy program under Pulumi mocks: resources, secure defaults, least privilege, Flex."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from synth import Synth, synth

from portable.bundle import Bundle
from portable.errors import PortableError
from portable.model import Http, Schedule, Stack
from providers.azure.deploy import permissions
from providers.azure.mocks import SUBSCRIPTION

ROOT = Path(__file__).resolve().parents[3]
RA = "azure-native:authorization:RoleAssignment"


def orders_stack(**api_settings: Any) -> Stack:
    """The orders example's shape (with its nightly schedule in UTC: Azure timers run in UTC)."""
    stack = Stack("orders")
    orders = stack.table("orders", key="order_id")
    receipts = stack.bucket("receipts")
    jobs = stack.queue("receipt-jobs", dead_letter_after=5)
    audit = stack.topic("order-events")
    key = stack.secret("receipt-signing-key")
    stack.function("api", handler="orders.api:handle", source="src",
                   triggers=[Http("POST", "/orders", public=True), Http("GET", "/orders/{order_id}")],
                   links=[orders.read_write(), jobs.send()], **api_settings)
    stack.function("receipt-worker", handler="orders.worker:handle", source="src", timeout=60,
                   triggers=[jobs.trigger(batch_size=10)], links=[orders.read_write(), receipts.write(), key.read()])
    stack.function("receipt-indexer", handler="orders.indexer:handle", source="src",
                   triggers=[receipts.on_created(prefix="receipts/", suffix=".json")], links=[audit.publish()])
    stack.function("audit-log", handler="orders.audit:handle", source="src", triggers=[audit.trigger()])
    stack.function("nightly-report", handler="orders.report:run", source="src",
                   triggers=[Schedule.cron("0 3 * * *", name="nightly-report")],
                   links=[orders.read(), receipts.read_write()])
    return stack


@pytest.fixture(scope="module")
def plan() -> Synth:
    return synth(orders_stack(), ROOT / "examples/orders")


def _grants(plan: Synth, function: str) -> set[tuple[str, str]]:
    """(role GUID, scope without the subscription and resource group) of a function's assignments."""
    found = set()
    for name, inputs in plan.of_type(RA).items():
        if name.startswith(f"orders-function-{function}-"):
            found.add((inputs["roleDefinitionId"].rsplit("/", 1)[1], inputs["scope"].split("/providers/", 1)[1]))
    return found


DATA = "Microsoft.Storage/storageAccounts/ordersde7f43b1a"
HOST = "Microsoft.Storage/storageAccounts/ordershe7f43b1a"
HOST_CONTAINERS = {(permissions.STORAGE_BLOB_DATA_OWNER, f"{HOST}/blobServices/default/containers/{c}")
                   for c in ("azure-webjobs-hosts", "azure-webjobs-secrets")}
INSIGHTS = (permissions.MONITORING_METRICS_PUBLISHER, "Microsoft.Insights/components/orders-insights")


def runtime(function: str) -> set[tuple[str, str]]:
    """What every app's identity gets: the host's containers, its own code container, App Insights."""
    code = (permissions.STORAGE_BLOB_DATA_OWNER, f"{HOST}/blobServices/default/containers/code-{function}")
    return HOST_CONTAINERS | {code, INSIGHTS}


def test_one_component_per_concept_with_children_parented(plan: Synth) -> None:
    components = [u.split("::")[-2] for u in plan.urns if "portable:azure:" in u.split("::")[-2].split("$")[-1]]
    assert sorted(c.split("$")[-1] for c in components) == sorted(
        ["portable:azure:Foundation", "portable:azure:Bucket", "portable:azure:Queue", "portable:azure:Table",
         "portable:azure:Topic", "portable:azure:Secret"] + ["portable:azure:Function"] * 5
        + ["portable:azure:ObjectEvents", "portable:azure:Monitoring"])
    native = [u for u in plan.urns if "azure-native:" in u]
    assert native and all("$" in u.split("::")[2] for u in native), "every native resource has a component parent"
    assert set(plan.components) == {
        "foundation", "buckets", "queues", "tables", "topics", "secrets", "functions", "monitoring",
    }
    api = plan.components["functions"]["api"]
    assert api.app is not None and api.plan is not None  # native children reachable as attributes


def test_secure_defaults(plan: Synth) -> None:
    data = plan.one("azure-native:storage:StorageAccount", "orders-data")
    assert data["allowSharedKeyAccess"] is False
    assert data["allowBlobPublicAccess"] is False
    assert data["minimumTlsVersion"] == "TLS1_2"
    assert data["enableHttpsTrafficOnly"] is True
    host = plan.one("azure-native:storage:StorageAccount", "orders-host")
    assert host["allowBlobPublicAccess"] is False and host["minimumTlsVersion"] == "TLS1_2"
    assert all(c["publicAccess"] == "None" for c in plan.of_type("azure-native:storage:BlobContainer").values())
    assert plan.one("azure-native:servicebus:Namespace", "orders-bus")["disableLocalAuth"] is True
    vault = plan.one("azure-native:keyvault:Vault", "orders-vault")["properties"]
    assert vault["enableRbacAuthorization"] is True and vault["enablePurgeProtection"] is True
    assert plan.one("azure-native:applicationinsights:Component", "orders-insights")["disableLocalAuth"] is True
    for app in plan.of_type("azure-native:web:WebApp").values():
        assert app["httpsOnly"] is True
        assert app["siteConfig"]["minTlsVersion"] == "1.2" and app["siteConfig"]["ftpsState"] == "Disabled"
        settings = {s["name"]: s["value"] for s in app["siteConfig"]["appSettings"]}
        assert not any("AccountKey" in str(v) or "SharedAccessKey" in str(v) for v in settings.values())
    for kind in ("WebAppScmAllowed", "WebAppFtpAllowed"):
        assert all(r["allow"] is False for r in plan.of_type(f"azure-native:web:{kind}").values())


def test_least_privilege_scopes_and_roles(plan: Synth) -> None:
    table = f"{DATA}/tableServices/default/tables/ordersorders"
    queue = f"{DATA}/queueServices/default/queues/orders-receipt-jobs"
    container = f"{DATA}/blobServices/default/containers/orders-receipts"
    topic = "Microsoft.ServiceBus/namespaces/orders-bus-e7f43b1a/topics/orders-order-events"
    events = f"{DATA}/queueServices/default/queues/orders-receipt-indexer-events-0"
    assert _grants(plan, "api") == runtime("api") | {
        (permissions.STORAGE_TABLE_DATA_CONTRIBUTOR, table), (permissions.STORAGE_QUEUE_DATA_MESSAGE_SENDER, queue)}
    assert _grants(plan, "receipt-worker") == runtime("receipt-worker") | {
        (permissions.STORAGE_TABLE_DATA_CONTRIBUTOR, table),
        (permissions.STORAGE_BLOB_DATA_CONTRIBUTOR, container),
        (permissions.KEY_VAULT_SECRETS_USER, "Microsoft.KeyVault/vaults/orderskve7f43b1a/secrets/receipt-signing-key"),
        (permissions.STORAGE_QUEUE_DATA_CONTRIBUTOR, queue),
        (permissions.STORAGE_QUEUE_DATA_CONTRIBUTOR, queue + "-poison")}
    assert _grants(plan, "receipt-indexer") == runtime("receipt-indexer") | {
        (permissions.SERVICE_BUS_DATA_SENDER, topic),
        (permissions.STORAGE_QUEUE_DATA_CONTRIBUTOR, events),
        (permissions.STORAGE_QUEUE_DATA_CONTRIBUTOR, events + "-poison"),
        (permissions.STORAGE_QUEUE_DATA_MESSAGE_SENDER, events),  # Event Grid's identity, on its queue only
        (permissions.STORAGE_BLOB_DATA_CONTRIBUTOR,  # and on its dead-letter container only
         f"{DATA}/blobServices/default/containers/orders-receipt-indexer-events-0-dead-letters")}
    assert _grants(plan, "audit-log") == runtime("audit-log") | {
        (permissions.SERVICE_BUS_DATA_RECEIVER, f"{topic}/subscriptions/audit-log")}
    assert _grants(plan, "nightly-report") == runtime("nightly-report") | {
        (permissions.STORAGE_TABLE_DATA_READER, table), (permissions.STORAGE_BLOB_DATA_CONTRIBUTOR, container)}
    for inputs in plan.of_type(RA).values():
        assert inputs["principalType"] == "ServicePrincipal"
        assert inputs["roleDefinitionId"].startswith(
            "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/")
    names = [i["roleAssignmentName"] for i in plan.of_type(RA).values()]
    assert len(set(names)) == len(names)


def test_role_assignments_go_to_the_right_principal(plan: Synth) -> None:
    indexer = plan.one(RA, "orders-function-receipt-indexer-events-0-sender")
    topic_principal = plan.components["foundation"]["orders"].blob_events
    assert topic_principal is not None
    api = plan.one(RA, "orders-function-api-queue-receipt-jobs-send")
    assert indexer["principalId"] != api["principalId"]
    other = plan.one(RA, "orders-function-receipt-worker-queue-receipt-jobs-trigger-0")
    assert other["principalId"] != api["principalId"]


def test_flex_consumption_app(plan: Synth) -> None:
    plan_inputs = plan.one("azure-native:web:AppServicePlan", "orders-function-api-plan")
    assert plan_inputs["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    assert plan_inputs["reserved"] is True and plan_inputs["kind"] == "functionapp"
    app = plan.one("azure-native:web:WebApp", "orders-function-api-app")
    assert app["kind"] == "functionapp,linux" and app["identity"] == {"type": "SystemAssigned"}
    config = app["functionAppConfig"]
    assert config["runtime"] == {"name": "python", "version": "3.12"}
    assert config["scaleAndConcurrency"] == {"instanceMemoryMB": 512, "maximumInstanceCount": 100}
    assert config["deployment"]["storage"] == {
        "type": "blobContainer", "value": "https://ordershe7f43b1a.blob.core.windows.net/code-api",
        "authentication": {"type": "SystemAssignedIdentity"}}
    settings = {s["name"]: s["value"] for s in app["siteConfig"]["appSettings"]}
    assert settings["AzureWebJobsStorage__accountName"] == "ordershe7f43b1a"
    assert settings["PORTABLE_PROVIDER"] == "azure" and settings["PORTABLE_HANDLER"] == "orders.api:handle"
    assert json.loads(settings["PORTABLE_ROUTES"]) == [["POST", "/orders"], ["GET", "/orders/{order_id}"]]
    links = json.loads(settings["PORTABLE_LINKS"])
    assert links["receipt-jobs"] == {"kind": "queue", "access": "send", "id": "orders-receipt-jobs", "ttl": 345600,
                                     "url": "https://ordersde7f43b1a.queue.core.windows.net/"}
    assert links["orders"]["key"] == "order_id" and links["orders"]["id"] == "ordersorders"
    for forbidden in ("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE"):
        assert forbidden not in settings  # Flex Consumption rejects them


def test_trigger_settings_and_secret_reference(plan: Synth) -> None:
    def settings(function: str) -> dict[str, str]:
        app = plan.one("azure-native:web:WebApp", f"orders-function-{function}-app")
        return {s["name"]: s["value"] for s in app["siteConfig"]["appSettings"]}

    worker = settings("receipt-worker")
    assert worker["PORTABLE_STORAGE__queueServiceUri"] == "https://ordersde7f43b1a.queue.core.windows.net/"
    assert worker["PORTABLE_SECRET_RECEIPT_SIGNING_KEY"] == (
        "@Microsoft.KeyVault(SecretUri=https://orderskve7f43b1a.vault.azure.net/secrets/receipt-signing-key)")
    assert json.loads(worker["PORTABLE_LINKS"])["receipt-jobs"]["access"] == "trigger"
    audit = settings("audit-log")
    assert audit["PORTABLE_SERVICEBUS__fullyQualifiedNamespace"] == "orders-bus-e7f43b1a.servicebus.windows.net"
    assert json.loads(audit["PORTABLE_LINKS"])["order-events"]["access"] == "trigger"


def test_topic_subscription_per_function_with_dead_letter(plan: Synth) -> None:
    subscription = plan.one("azure-native:servicebus:Subscription", "orders-topic-order-events-audit-log")
    assert subscription["subscriptionName"] == "audit-log" and subscription["topicName"] == "orders-order-events"
    assert subscription["maxDeliveryCount"] == 10 and subscription["deadLetteringOnMessageExpiration"] is True


def test_object_events_reach_a_queue_through_event_grid(plan: Synth) -> None:
    topic = plan.one("azure-native:eventgrid:SystemTopic", "orders-blob-events")
    assert topic["topicType"] == "Microsoft.Storage.StorageAccounts" and topic["source"].endswith(DATA)
    sub = plan.one("azure-native:eventgrid:SystemTopicEventSubscription",
                   "orders-function-receipt-indexer-events-0-subscription")
    assert sub["filter"] == {"includedEventTypes": ["Microsoft.Storage.BlobCreated"],
                             "subjectBeginsWith": "/blobServices/default/containers/orders-receipts/blobs/receipts/",
                             "subjectEndsWith": ".json"}
    delivery = sub["deliveryWithResourceIdentity"]
    assert delivery["identity"] == {"type": "SystemAssigned"}
    assert delivery["destination"]["endpointType"] == "StorageQueue"
    assert delivery["destination"]["queueName"] == "orders-receipt-indexer-events-0"


def test_object_events_event_grid_cannot_deliver_end_in_a_dead_letter_container(plan: Synth) -> None:
    sub = plan.one("azure-native:eventgrid:SystemTopicEventSubscription",
                   "orders-function-receipt-indexer-events-0-subscription")
    assert sub["retryPolicy"] == {"maxDeliveryAttempts": 30, "eventTimeToLiveInMinutes": 1440}
    assert sub["deadLetterWithResourceIdentity"] == {
        "identity": {"type": "SystemAssigned"},
        "deadLetterDestination": {"endpointType": "StorageBlob",
                                  "resourceId": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/orders-rg-e7f43b/providers/{DATA}",
                                  "blobContainerName": "orders-receipt-indexer-events-0-dead-letters"}}
    container = plan.one("azure-native:storage:BlobContainer", "orders-function-receipt-indexer-events-0-dead-letters")
    assert container["accountName"] == "ordersde7f43b1a" and container["publicAccess"] == "None"
    writer = plan.one(RA, "orders-function-receipt-indexer-events-0-dead-letter-writer")
    assert writer["roleDefinitionId"].endswith(permissions.STORAGE_BLOB_DATA_CONTRIBUTOR)
    sender = plan.one(RA, "orders-function-receipt-indexer-events-0-sender")
    assert writer["principalId"] == sender["principalId"], "Event Grid's identity, which also sends to the queue"
    assert writer["scope"].endswith(f"{DATA}/blobServices/default/containers/orders-receipt-indexer-events-0-dead-letters")
    subscription = plan.registration("azure-native:eventgrid:SystemTopicEventSubscription",
                                     "orders-function-receipt-indexer-events-0-subscription")
    assert any(urn.endswith("::orders-function-receipt-indexer-events-0-dead-letter-writer")
               for urn in subscription.dependencies)


def test_queue_and_poison_queue(plan: Synth) -> None:
    queues = {i["queueName"] for i in plan.of_type("azure-native:storage:Queue").values()}
    assert queues == {"orders-receipt-jobs", "orders-receipt-jobs-poison",
                      "orders-receipt-indexer-events-0", "orders-receipt-indexer-events-0-poison"}


def test_memory_scaling_and_always_ready() -> None:
    plan = synth(orders_stack(memory=2048, min_instances=2, max_instances=40), ROOT / "examples/orders")
    config = plan.one("azure-native:web:WebApp", "orders-function-api-app")["functionAppConfig"]
    assert config["scaleAndConcurrency"] == {"instanceMemoryMB": 2048, "maximumInstanceCount": 40,
                                             "alwaysReady": [{"name": "http", "instanceCount": 2}]}


@pytest.mark.parametrize("memory", [1024, 5000])
def test_memory_other_than_a_flex_size_is_refused_before_anything_is_built(memory: int) -> None:
    from portable.errors import StackInvalid
    from portable.plan import plan_stack

    with pytest.raises(StackInvalid, match=f"Function 'api': Azure Flex Consumption allows memory 512, 2048 or 4096 MB; got {memory}"):
        plan_stack(orders_stack(memory=memory), "azure", ROOT / "examples/orders")


def test_options_are_deep_merged_and_checked() -> None:
    plan = synth(orders_stack(options={"azure": {"site_config": {"http20_enabled": False}, "tags": {"team": "a"}}}),
                 ROOT / "examples/orders")
    app = plan.one("azure-native:web:WebApp", "orders-function-api-app")
    assert app["siteConfig"]["http20Enabled"] is False and app["siteConfig"]["ftpsState"] == "Disabled"
    assert app["tags"] == {"team": "a"}
    with pytest.raises(PortableError) as caught:
        synth(orders_stack(options={"azure": {"site_confg": {}}}), ROOT / "examples/orders")
    assert caught.value.message == ("Function 'api': options['azure'] has an unknown argument 'site_confg' for "
                                    "azure_native.web.WebApp")
    assert caught.value.hint is not None and caught.value.hint.startswith("Did you mean 'site_config'? Allowed arguments: ")


def test_secret_value_from_config_is_stored_as_a_secret() -> None:
    plan = synth(orders_stack(), ROOT / "examples/orders",
                 config={"portable:secret:receipt-signing-key": "hunter2"})
    secret = plan.one("azure-native:keyvault:Secret", "orders-secret-receipt-signing-key-secret")
    assert secret["secretName"] == "receipt-signing-key" and secret["vaultName"] == "orderskve7f43b1a"
    assert "hunter2" in json.dumps(secret)  # mocks see the plain value; Pulumi stores it encrypted
    grant = plan.one(RA, "orders-function-receipt-worker-secret-receipt-signing-key-read")
    assert grant["scope"].endswith("/Microsoft.KeyVault/vaults/orderskve7f43b1a/secrets/receipt-signing-key")


def test_the_package_is_published_through_onedeploy_after_the_app_and_its_grants(tmp_path: Path) -> None:
    package = tmp_path / "api.zip"
    package.write_bytes(b"PK")

    stack = orders_stack()
    bundles = {f.name: Bundle(package, f"sha-{f.name}", 2, 0, False) for f in stack.functions}
    plan = synth(stack, ROOT / "examples/orders", bundles=bundles)
    assert plan.of_type("azure-native:storage:Blob") == {}, "no package blob placed by hand"
    publish = plan.registration("pulumi-python:dynamic:Resource", "orders-function-api-publish")
    assert {k: v for k, v in publish.inputs.items() if k != "__provider"} == {
        "app": "orders-api-e7f43b", "package_path": str(package), "package_sha256": "sha-api"}
    app = plan.registration("azure-native:web:WebApp", "orders-function-api-app")
    assert publish.parent.endswith("portable:azure:Function::orders-function-api")
    grants = {r.urn for r in plan.registrations if r.type == RA and r.name.startswith("orders-function-api-")}
    assert app.urn in publish.dependencies and grants and grants <= set(publish.dependencies)
    settings = {s["name"] for s in plan.one("azure-native:web:WebApp", "orders-function-api-app")["siteConfig"]["appSettings"]}
    assert "PORTABLE_PACKAGE_SHA256" not in settings, "the publish, not an app setting, follows the package"


def test_protected_tables_lock_the_data_account_against_deletion(plan: Synth) -> None:
    lock = plan.one("azure-native:authorization:ManagementLockByScope", "orders-data-lock")
    assert lock == {"lockName": "portable-protect-data", "level": "CanNotDelete",
                    "notes": "portable: Table.deletion_protection; set it to False to allow pulumi destroy",
                    "scope": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/orders-rg-e7f43b/providers/{DATA}"}
    stack = Stack("scratch")
    stack.table("items", deletion_protection=False)
    assert synth(stack, ROOT / "examples/orders").of_type("azure-native:authorization:ManagementLockByScope") == {}


def test_a_write_links_remaining_over_grant_is_listed_in_the_plan_notes(plan: Synth) -> None:
    assert ("Function 'receipt-worker': its write link to bucket 'receipts' is granted Storage Blob Data Contributor, "
            "which also reads and lists blobs (no narrower built-in role)") in plan.notes
    assert not any("'nightly-report'" in note and "link" in note for note in plan.notes), "read_write is all it asks"
