"""``portable:azure:Foundation``: what a stack's functions and resources share.

- a resource group;
- a *data* storage account for the user's buckets, queues and tables: Entra ID only (shared keys
  off), no public blob access, TLS 1.2, HTTPS only, soft delete;
- a *host* storage account for the Functions runtime (``AzureWebJobsStorage``: timer leases, host
  locks, keys, in the containers ``azure-webjobs-hosts`` and ``azure-webjobs-secrets``) and the code
  packages (one container per function). Each app's identity owns those two containers and its own
  code container, not the account, so a function cannot replace another's code. Its shared keys stay
  on because azure-native's ``storage.Blob`` uploads with the account key
  (pulumi/pulumi-azure-native#2015); the apps themselves use their managed identity;
- a Log Analytics workspace and one Application Insights component (local auth off: the apps
  publish with their identity), so a trace crosses functions in one application map;
- only when needed: a Service Bus namespace (topics), a Key Vault in RBAC mode (secrets), and the
  data account's Event Grid system topic (object triggers).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import (
    applicationinsights,
    authorization,
    eventgrid,
    keyvault,
    operationalinsights,
    resources,
    servicebus,
    storage,
)

from portable.model import Stack
from providers.azure.deploy.component import AzureComponent
from providers.azure.deploy.names import Names

HOST_CONTAINERS = ("azure-webjobs-hosts", "azure-webjobs-secrets")
"""Where the Functions host keeps its locks, timer schedules and keys."""


def _account(name: str, account_name: str, group: resources.ResourceGroup, *, shared_key: bool,
             parent: pulumi.Resource) -> storage.StorageAccount:
    return storage.StorageAccount(
        name,
        account_name=account_name,
        resource_group_name=group.name,
        kind="StorageV2",
        sku={"name": "Standard_LRS"},
        allow_blob_public_access=False,
        allow_shared_key_access=shared_key,
        allow_cross_tenant_replication=False,
        default_to_o_auth_authentication=True,
        minimum_tls_version="TLS1_2",
        enable_https_traffic_only=True,
        public_network_access="Enabled",
        opts=pulumi.ResourceOptions(parent=parent),
    )


class Foundation(AzureComponent):
    """``portable:azure:Foundation``: the shared resources of one portable stack on Azure."""

    concept = "Foundation"

    def __init__(self, name: str, stack: Stack, *, names: Names, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        child = self.child()
        self.client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        self.subscription_id: pulumi.Output[str] = self.client.subscription_id
        self.resource_group = resources.ResourceGroup(
            f"{name}-rg", resource_group_name=names.resource_group(), opts=child
        )
        group = self.resource_group.name
        self.data_account = _account(f"{name}-data", names.storage_account("data"), self.resource_group,
                                     shared_key=False, parent=self)
        self.data_blob_service = storage.BlobServiceProperties(
            f"{name}-data-blobs",
            resource_group_name=group,
            account_name=self.data_account.name,
            blob_services_name="default",
            delete_retention_policy={"enabled": True, "days": 7},
            container_delete_retention_policy={"enabled": True, "days": 7},
            # Versioning is an account setting on Azure: on when any bucket keeps versions.
            is_versioning_enabled=any(stack.keeps_versions(b.name) for b in stack.buckets),
            opts=child,
        )
        self.data_lock: authorization.ManagementLockByScope | None = None
        if any(table.deletion_protection for table in stack.tables):
            # Tables have no deletion protection of their own on Azure: the lock makes ARM refuse to
            # delete the data account and what is in it (tables, containers) until it is removed.
            self.data_lock = authorization.ManagementLockByScope(
                f"{name}-data-lock", lock_name="portable-protect-data", level="CanNotDelete",
                notes="portable: Table.deletion_protection; set it to False to allow pulumi destroy",
                scope=self.data_account.id, opts=child,
            )
        self.host_account = _account(f"{name}-host", names.storage_account("host"), self.resource_group,
                                     shared_key=True, parent=self)
        # The containers the Functions host uses, created here so each app's identity can be granted
        # them alone (not the account, which also holds every function's code package).
        self.host_containers = [
            storage.BlobContainer(f"{name}-host-{container}", resource_group_name=group,
                                  account_name=self.host_account.name, container_name=container,
                                  public_access="None", opts=child)
            for container in HOST_CONTAINERS
        ]
        self.workspace = operationalinsights.Workspace(
            f"{name}-logs", resource_group_name=group, workspace_name=f"{stack.name}-logs",
            retention_in_days=30, sku={"name": "PerGB2018"}, opts=child,
        )
        self.insights = applicationinsights.Component(
            f"{name}-insights", resource_group_name=group, resource_name_=f"{stack.name}-insights",
            kind="web", application_type="web", workspace_resource_id=self.workspace.id,
            ingestion_mode="LogAnalytics", disable_local_auth=True, opts=child,
        )
        self.service_bus: servicebus.Namespace | None = None
        if stack.topics:
            self.service_bus = servicebus.Namespace(
                f"{name}-bus", resource_group_name=group, namespace_name=names.service_bus_namespace(),
                sku={"name": "Standard", "tier": "Standard"}, disable_local_auth=True,
                minimum_tls_version="1.2", opts=child,
            )
        self.key_vault: keyvault.Vault | None = None
        if stack.secrets:
            self.key_vault = keyvault.Vault(
                f"{name}-vault", resource_group_name=group, vault_name=names.key_vault(),
                properties={
                    "tenant_id": self.client.tenant_id,
                    "sku": {"family": "A", "name": "standard"},
                    "enable_rbac_authorization": True,
                    "enable_soft_delete": True,
                    "soft_delete_retention_in_days": 7,
                    "enable_purge_protection": True,
                    "public_network_access": "Enabled",
                },
                opts=child,
            )
        self.blob_events: eventgrid.SystemTopic | None = None
        if any(t.kind == "object" for f in stack.functions for t in f.triggers):
            self.blob_events = eventgrid.SystemTopic(
                f"{name}-blob-events", resource_group_name=group, system_topic_name=f"{stack.name}-blob-events",
                source=self.data_account.id, topic_type="Microsoft.Storage.StorageAccounts",
                identity={"type": "SystemAssigned"}, opts=child,
            )
        self.finish({
            "resource_group": group,
            "data_account": self.data_account.name,
            "host_account": self.host_account.name,
        })

    def endpoint(self, service: str) -> pulumi.Output[str]:
        """The data account's ``blob``, ``queue`` or ``table`` endpoint (``https://<acct>.<service>...``)."""
        return self.data_account.primary_endpoints.apply(lambda e: str(getattr(e, service)))

    @property
    def bus_host(self) -> pulumi.Output[str]:
        """``<namespace>.servicebus.windows.net`` (the Service Bus fully qualified namespace)."""
        if self.service_bus is None:
            raise ValueError("the stack declares no topics")
        return self.service_bus.service_bus_endpoint.apply(
            lambda e: e.split("://", 1)[-1].split(":", 1)[0].rstrip("/")
        )
