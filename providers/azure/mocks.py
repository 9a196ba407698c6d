"""A fake Azure for ``portable plan --provider azure`` (and the tests): the deploy program runs
against it under Pulumi mocks instead of Azure.

Each resource gets the outputs the program chains on, in wire (camelCase) form: the physical
``name``, an ARM-shaped ``id`` (so role assignment scopes read like the real ones), storage
endpoints, the app's and the Event Grid topic's managed identity, Key Vault URIs, the Service Bus
endpoint and the Application Insights connection string. Invokes: ``getClientConfig``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "11111111-1111-1111-1111-111111111111"

_PHYSICAL_NAME = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:storage:BlobContainer": "containerName",
    "azure-native:storage:Queue": "queueName",
    "azure-native:storage:Table": "tableName",
    "azure-native:storage:Blob": "blobName",
    "azure-native:storage:BlobServiceProperties": "blobServicesName",
    "azure-native:servicebus:Namespace": "namespaceName",
    "azure-native:servicebus:Topic": "topicName",
    "azure-native:servicebus:Subscription": "subscriptionName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Secret": "secretName",
    "azure-native:web:WebApp": "name",
    "azure-native:web:AppServicePlan": "name",
    "azure-native:operationalinsights:Workspace": "workspaceName",
    "azure-native:applicationinsights:Component": "resourceName",
    "azure-native:eventgrid:SystemTopic": "systemTopicName",
    "azure-native:eventgrid:SystemTopicEventSubscription": "eventSubscriptionName",
    "azure-native:authorization:RoleAssignment": "roleAssignmentName",
}

_ARM_PATH = {
    "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts/{name}",
    "azure-native:storage:BlobContainer": "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{name}",
    "azure-native:storage:Queue": "Microsoft.Storage/storageAccounts/{accountName}/queueServices/default/queues/{name}",
    "azure-native:storage:Table": "Microsoft.Storage/storageAccounts/{accountName}/tableServices/default/tables/{name}",
    "azure-native:storage:Blob": "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}/blobs/{name}",
    "azure-native:storage:BlobServiceProperties": "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default",
    "azure-native:servicebus:Namespace": "Microsoft.ServiceBus/namespaces/{name}",
    "azure-native:servicebus:Topic": "Microsoft.ServiceBus/namespaces/{namespaceName}/topics/{name}",
    "azure-native:servicebus:Subscription": "Microsoft.ServiceBus/namespaces/{namespaceName}/topics/{topicName}/subscriptions/{name}",
    "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults/{name}",
    "azure-native:keyvault:Secret": "Microsoft.KeyVault/vaults/{vaultName}/secrets/{name}",
    "azure-native:web:WebApp": "Microsoft.Web/sites/{name}",
    "azure-native:web:AppServicePlan": "Microsoft.Web/serverfarms/{name}",
    "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces/{name}",
    "azure-native:applicationinsights:Component": "Microsoft.Insights/components/{name}",
    "azure-native:eventgrid:SystemTopic": "Microsoft.EventGrid/systemTopics/{name}",
    "azure-native:eventgrid:SystemTopicEventSubscription": "Microsoft.EventGrid/systemTopics/{systemTopicName}/eventSubscriptions/{name}",
}


_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def _unwrap(value: Any) -> Any:
    """A secret input arrives as ``{<sig>: <secret sig>, "value": ...}``; the value itself."""
    return value["value"] if isinstance(value, dict) and _SECRET_SIG in value else value


def _principal(name: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"principal/{name}"))


def outputs_for(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The outputs Azure would return for resource ``name`` of type ``typ`` given ``inputs``."""
    outs = dict(inputs)
    physical = str(inputs.get(_PHYSICAL_NAME.get(typ, ""), name))
    outs["name"] = physical
    group = inputs.get("resourceGroupName", "rg")
    path = _ARM_PATH.get(typ)
    if typ == "azure-native:resources:ResourceGroup":
        outs["id"] = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{physical}"
    elif typ == "azure-native:authorization:RoleAssignment":
        outs["id"] = f"{inputs.get('scope', '')}/providers/Microsoft.Authorization/roleAssignments/{physical}"
    elif path is not None:
        fields = {k: v for k, v in inputs.items() if isinstance(v, str)}
        outs["id"] = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/" + path.format(
            **{**fields, "name": physical})
    if typ == "azure-native:storage:StorageAccount":
        outs["primaryEndpoints"] = {s: f"https://{physical}.{s}.core.windows.net/" for s in ("blob", "queue", "table")}
    elif typ in ("azure-native:web:WebApp", "azure-native:eventgrid:SystemTopic"):
        outs["identity"] = {**(inputs.get("identity") or {}), "principalId": _principal(name), "tenantId": TENANT}
        if typ == "azure-native:web:WebApp":
            outs["defaultHostName"] = f"{physical}.azurewebsites.net"
    elif typ == "azure-native:servicebus:Namespace":
        outs["serviceBusEndpoint"] = f"https://{physical}.servicebus.windows.net:443/"
    elif typ == "azure-native:keyvault:Vault":
        outs["properties"] = {**(inputs.get("properties") or {}), "vaultUri": f"https://{physical}.vault.azure.net/"}
    elif typ == "azure-native:keyvault:Secret":
        vault = inputs.get("vaultName", "vault")
        properties = {k: v for k, v in _unwrap(inputs.get("properties") or {}).items() if k != "value"}
        outs["properties"] = {**properties, "secretUri": f"https://{vault}.vault.azure.net/secrets/{physical}"}
    elif typ == "azure-native:applicationinsights:Component":
        outs["connectionString"] = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://example.in.applicationinsights.azure.com/"
    return outs


@dataclass(frozen=True)
class AzureCloud:
    """The fake Azure of ``portable plan`` (a :class:`portable.plan.mocks.FakeCloud`)."""

    location: str = "westeurope"

    def outputs(self, type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        computed = outputs_for(type_, name, dict(inputs))
        return str(computed.get("id", name)), computed

    def call(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        if token == "azure-native:authorization:getClientConfig":
            return {"subscriptionId": SUBSCRIPTION, "tenantId": TENANT,
                    "objectId": "22222222-2222-2222-2222-222222222222",
                    "clientId": "33333333-3333-3333-3333-333333333333"}
        return {}

    def summary(self, type_: str, inputs: Mapping[str, Any]) -> str:
        """One line per resource: its physical name, and the role and scope of a role assignment."""
        if type_ == "azure-native:authorization:RoleAssignment":
            role = str(inputs.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
            scope = str(inputs.get("scope", "")).split("/providers/", 1)[-1]
            return f"{ROLE_NAMES.get(role, role)} on {scope}"
        if type_ == "azure-native:web:WebApp":
            scale = (inputs.get("functionAppConfig") or {}).get("scaleAndConcurrency") or {}
            return f"{inputs.get('name')} (Flex, {scale.get('instanceMemoryMB')} MB)"
        if type_ == "pulumi-python:dynamic:Resource":  # providers.azure.deploy.publish_resource.OneDeploy
            return f"OneDeploy publish to {inputs.get('app')}"
        key = _PHYSICAL_NAME.get(type_)
        return str(inputs.get(key, "")) if key else ""


ROLE_NAMES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a": "Storage Queue Data Message Sender",
    "8a0f0c08-91a1-4084-bc3d-661d67233fed": "Storage Queue Data Message Processor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "76199698-9eea-4c19-bc75-cec21354c6b6": "Storage Table Data Reader",
    "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39": "Azure Service Bus Data Sender",
    "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0": "Azure Service Bus Data Receiver",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
}
