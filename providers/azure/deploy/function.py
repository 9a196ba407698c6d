"""``portable:azure:Function``: one Function App on Flex Consumption per portable function.

Why one app per function rather than one app for the stack: on Azure the managed identity, memory,
instance limits, host.json (queue retry settings) and timeout belong to the *app*. One app per
function keeps least privilege per function (each identity holds only its own links' roles) and
honours each function's memory, scaling and queue settings. Flex plans cost nothing idle, so the
extra apps are free; the price is one plan, app and code container per function.

Children: the FC1 plan; the app (system-assigned identity, HTTPS only, TLS 1.2, FTP and basic-auth
publishing off, Application Insights with Entra auth); the app's deployment container in the host
account; one role assignment per link, trigger and runtime need; the OneDeploy publish of the
package; and for object triggers the Event Grid subscription and the queue it delivers to.

Deploying the code: every official tool publishes to Flex Consumption through OneDeploy (a package
blob placed in the deployment container by hand leaves an app with no functions), so the package is
POSTed to the app's SCM site by ``portable:azure:OneDeploy`` (:mod:`.publish_resource`), after the
app and its role assignments exist, and again whenever the package's hash changes.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import eventgrid, storage, web

from portable.bundle import Bundle
from portable.deploy import runtime_environment
from portable.errors import PortableError
from portable.model import Function as FunctionModel
from portable.model import ObjectTrigger, Stack
from portable.native import native_args
from providers.azure.deploy import permissions
from providers.azure.deploy.component import AzureComponent
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.function_app import always_ready_groups, sources
from providers.azure.deploy.names import Names
from providers.azure.deploy.permissions import Grant, Resources, wire
from providers.azure.deploy.publish_resource import OneDeploy

DEFAULT_MAX_INSTANCES = 100
_EVENT_TYPES = {"created": "Microsoft.Storage.BlobCreated", "deleted": "Microsoft.Storage.BlobDeleted"}


class Function(AzureComponent):
    """``portable:azure:Function``: ``plan``, ``code`` (the deployment container), ``package`` (the
    OneDeploy publish, or ``None`` when no bundle is given), ``app``, ``events`` (one per object trigger) and ``role_assignments``."""

    concept = "Function"

    def __init__(
        self,
        name: str,
        function: FunctionModel,
        *,
        names: Names,
        foundation: Foundation,
        stack: Stack,
        code: Bundle | None,
        resources: Resources,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        self.function = function
        self.sources = sources(function, names)
        """The physical names behind the function's triggers, as its generated function_app.py names them."""
        group = foundation.resource_group.name
        wiring = wire(function, resources=resources, foundation=foundation)
        self.plan = web.AppServicePlan(
            f"{name}-plan", resource_group_name=group, name=names.app_service_plan(function.name),
            kind="functionapp", reserved=True, sku={"name": "FC1", "tier": "FlexConsumption"}, opts=self.child(),
        )
        self.code = storage.BlobContainer(
            f"{name}-code", resource_group_name=group, account_name=foundation.host_account.name,
            container_name=names.package_container(function.name), public_access="None", opts=self.child(),
        )
        self.events = [
            _ObjectEvents(f"{name}-events-{index}", function, index, trigger, foundation=foundation, names=names, parent=self)
            for index, trigger in enumerate(function.triggers) if isinstance(trigger, ObjectTrigger)
        ]
        settings = {
            "AzureWebJobsStorage__accountName": foundation.host_account.name,
            "AzureFunctionsWebHost__hostid": names.host_id(function.name),  # AZFD0004: see names.host_id
            "APPLICATIONINSIGHTS_CONNECTION_STRING": foundation.insights.connection_string,
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Authorization=AAD",
            **wiring.settings,
            **runtime_environment(stack, function, "azure", lambda kind, name: resources[(kind, name)].link),
        }
        scale: dict[str, Any] = {
            "instance_memory_mb": function.memory,  # one of the Flex sizes: check_stack(stack, "azure") holds to them
            "maximum_instance_count": function.max_instances or DEFAULT_MAX_INSTANCES,
        }
        if function.min_instances:
            scale["always_ready"] = [{"name": group_name, "instance_count": function.min_instances}
                                     for group_name in always_ready_groups(function, self.sources)]
        derived = {
            "resource_group_name": group,
            "name": names.function_app(function.name),
            "kind": "functionapp,linux",
            "server_farm_id": self.plan.id,
            "https_only": True,
            "identity": {"type": "SystemAssigned"},
            "function_app_config": {
                "deployment": {"storage": {
                    "type": "blobContainer",
                    "value": pulumi.Output.concat(foundation.host_account.primary_endpoints.blob, self.code.name),
                    "authentication": {"type": "SystemAssignedIdentity"},
                }},
                "runtime": {"name": "python", "version": function.runtime},
                "scale_and_concurrency": scale,
            },
            "site_config": {
                "app_settings": [{"name": k, "value": v} for k, v in sorted(settings.items())],
                "min_tls_version": "1.2",
                "scm_min_tls_version": "1.2",
                "ftps_state": "Disabled",
                "http20_enabled": True,
            },
        }
        args = native_args("azure", f"Function {function.name!r}", web.WebApp, derived, function.options)
        self.app = web.WebApp(f"{name}-app", **args, opts=self.child())
        for policy, resource in (("scm", web.WebAppScmAllowed), ("ftp", web.WebAppFtpAllowed)):
            resource(f"{name}-{policy}-basic-auth", resource_group_name=group, name=self.app.name, allow=False,
                     opts=self.child())
        principal = self.app.identity.apply(lambda identity: identity.principal_id if identity else None)
        self.principal_id: pulumi.Output[str] = principal
        grants = [
            *wiring.grants,
            *(Grant(f"host-{index}", permissions.STORAGE_BLOB_DATA_OWNER, container.id)
              for index, container in enumerate([*foundation.host_containers, self.code])),
            Grant("insights", permissions.MONITORING_METRICS_PUBLISHER, foundation.insights.id),
            *(grant for events in self.events for grant in events.consumer_grants),
        ]
        self.role_assignments = {
            grant.what: permissions.grant(f"{name}-{grant.what}", principal_id=principal, role=grant.role,
                                    scope=grant.scope, subscription_id=foundation.subscription_id, parent=self)
            for grant in grants
        }
        self.package: OneDeploy | None = None
        if code is not None:
            self.package = OneDeploy(f"{name}-publish", app=self.app.name, package_path=str(code.path),
                                     package_sha256=code.sha256,
                                     opts=self.child(self.app, *self.role_assignments.values()))
        self.exports = {"app": self.app.name,
                        "url": pulumi.Output.concat("https://", self.app.default_host_name)}
        self.finish()


class _ObjectEvents(pulumi.ComponentResource):
    """An object trigger's plumbing: the bucket's events, filtered, delivered to a storage queue by
    Event Grid (with its own identity, allowed to send to that queue only). Event Grid retries a
    delivery for up to a day (30 attempts), then writes the event as a blob to the ``dead_letters``
    container (its identity may write there only); the function's own failures end in the poison queue."""

    def __init__(self, name: str, function: FunctionModel, index: int, trigger: ObjectTrigger, *, foundation: Foundation,
                 names: Names, parent: pulumi.Resource) -> None:
        super().__init__("portable:azure:ObjectEvents", name, None, pulumi.ResourceOptions(parent=parent))
        if foundation.blob_events is None:
            raise PortableError("the Azure foundation has no Event Grid system topic although a function has "
                                "an object trigger")
        child = pulumi.ResourceOptions(parent=self)
        group = foundation.resource_group.name
        physical = names.events_queue(function.name, index)
        self.queue = storage.Queue(f"{name}-queue", resource_group_name=group, account_name=foundation.data_account.name,
                                   queue_name=physical, opts=child)
        self.poison_queue = storage.Queue(f"{name}-poison", resource_group_name=group,
                                          account_name=foundation.data_account.name,
                                          queue_name=names.poison_queue(physical), opts=child)
        topic_identity = foundation.blob_events.identity.apply(lambda identity: identity.principal_id if identity else None)
        sender = permissions.grant(f"{name}-sender", principal_id=topic_identity, role=permissions.STORAGE_QUEUE_DATA_MESSAGE_SENDER,
                             scope=self.queue.id, subscription_id=foundation.subscription_id, parent=self)
        self.dead_letters = storage.BlobContainer(
            f"{name}-dead-letters", resource_group_name=group, account_name=foundation.data_account.name,
            container_name=names.events_dead_letters(function.name, index), public_access="None", opts=child)
        dead_letter_writer = permissions.grant(
            f"{name}-dead-letter-writer", principal_id=topic_identity, role=permissions.STORAGE_BLOB_DATA_CONTRIBUTOR,
            scope=self.dead_letters.id, subscription_id=foundation.subscription_id, parent=self)
        subject = f"/blobServices/default/containers/{names.container(trigger.bucket)}/blobs/{trigger.prefix}"
        self.subscription = eventgrid.SystemTopicEventSubscription(
            f"{name}-subscription", resource_group_name=group, system_topic_name=foundation.blob_events.name,
            event_subscription_name=physical,
            delivery_with_resource_identity={
                "identity": {"type": "SystemAssigned"},
                "destination": {"endpoint_type": "StorageQueue", "resource_id": foundation.data_account.id,
                                "queue_name": self.queue.name, "queue_message_time_to_live_in_seconds": 604800},
            },
            filter={"included_event_types": [_EVENT_TYPES[e] for e in trigger.events],
                    "subject_begins_with": subject, "subject_ends_with": trigger.suffix or None},
            retry_policy={"max_delivery_attempts": 30, "event_time_to_live_in_minutes": 1440},
            dead_letter_with_resource_identity={
                "identity": {"type": "SystemAssigned"},
                "dead_letter_destination": {"endpoint_type": "StorageBlob", "resource_id": foundation.data_account.id,
                                            "blob_container_name": self.dead_letters.name},
            },
            event_delivery_schema="EventGridSchema",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[sender, dead_letter_writer]),
        )
        self.consumer_grants = [
            Grant(f"events-{index}-queue", permissions.STORAGE_QUEUE_DATA_CONTRIBUTOR, self.queue.id),
            Grant(f"events-{index}-poison", permissions.STORAGE_QUEUE_DATA_CONTRIBUTOR, self.poison_queue.id),
        ]
        self.register_outputs({"queue": self.queue.name})
