"""Least privilege on Azure: what a function's app is granted and told.

:data:`ACCESS` is the one table of which built-in data role each portable access level gets, always
scoped to the single container, queue, table, topic, subscription or secret (never the account, the
namespace or the vault); :func:`wire` derives every grant of a function from its links and triggers,
with the identity-based connection settings (``<connection>__queueServiceUri`` and friends) and Key
Vault references its triggers and secrets need: no key, connection string or secret value is ever
written into an app setting. Role assignment names are deterministic (uuid5 of the project, stack and
logical name), so a redeploy does not create duplicates, as Bicep's ``guid()`` would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_azure_native import authorization

from portable.model import Function, ObjectTrigger, QueueTrigger, TopicTrigger
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.function_app import SERVICE_BUS_CONNECTION, STORAGE_CONNECTION
from providers.azure.deploy.queue import Queue
from providers.azure.deploy.topic import Topic

STORAGE_BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
STORAGE_QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"
STORAGE_QUEUE_DATA_MESSAGE_SENDER = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a"
STORAGE_QUEUE_DATA_MESSAGE_PROCESSOR = "8a0f0c08-91a1-4084-bc3d-661d67233fed"
STORAGE_TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"
STORAGE_TABLE_DATA_READER = "76199698-9eea-4c19-bc75-cec21354c6b6"
SERVICE_BUS_DATA_SENDER = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"
SERVICE_BUS_DATA_RECEIVER = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"

ACCESS: dict[tuple[str, str], str] = {
    ("bucket", "read"): STORAGE_BLOB_DATA_READER,
    ("bucket", "write"): STORAGE_BLOB_DATA_CONTRIBUTOR,
    ("bucket", "read_write"): STORAGE_BLOB_DATA_CONTRIBUTOR,
    ("queue", "send"): STORAGE_QUEUE_DATA_MESSAGE_SENDER,
    ("queue", "consume"): STORAGE_QUEUE_DATA_MESSAGE_PROCESSOR,
    ("table", "read"): STORAGE_TABLE_DATA_READER,
    ("table", "write"): STORAGE_TABLE_DATA_CONTRIBUTOR,
    ("table", "read_write"): STORAGE_TABLE_DATA_CONTRIBUTOR,
    ("topic", "publish"): SERVICE_BUS_DATA_SENDER,
    ("secret", "read"): KEY_VAULT_SECRETS_USER,
}
"""(resource kind, link access) -> the built-in role granted on that one resource."""

OVER_GRANTS: dict[tuple[str, str], str] = {
    ("bucket", "write"): "Storage Blob Data Contributor, which also reads and lists blobs",
    ("table", "write"): "Storage Table Data Contributor, which also reads entities",
}
"""Links whose narrowest built-in role allows more than the link's access (a plan note says so)."""

TRIGGER_ROLES: dict[str, str] = {
    "queue": STORAGE_QUEUE_DATA_CONTRIBUTOR,  # read + delete, and move failures to the poison queue
    "topic": SERVICE_BUS_DATA_RECEIVER,  # on the function's own subscription
}
"""Trigger source kind -> the role its consumer needs on it."""

_NAMESPACE = uuid.UUID("5d0c3f8e-8d6b-4a59-9c38-2f2f6f1f7a10")


def role_definition_id(subscription_id: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    return pulumi.Output.concat(
        "/subscriptions/", subscription_id, "/providers/Microsoft.Authorization/roleDefinitions/", role
    )


def assignment_name(logical_name: str) -> str:
    """A stable GUID for a role assignment, unique per Pulumi project and stack."""
    return str(uuid.uuid5(_NAMESPACE, f"{pulumi.get_project()}/{pulumi.get_stack()}/{logical_name}"))


def grant(
    name: str,
    *,
    principal_id: pulumi.Input[str],
    role: str,
    scope: pulumi.Input[str],
    subscription_id: pulumi.Input[str],
    parent: pulumi.Resource,
    principal_type: str = "ServicePrincipal",
) -> authorization.RoleAssignment:
    """Grant the built-in ``role`` to ``principal_id`` on exactly ``scope``."""
    args: dict[str, Any] = {
        "principal_id": principal_id,
        "principal_type": principal_type,
        "role_definition_id": role_definition_id(subscription_id, role),
        "scope": scope,
        "role_assignment_name": assignment_name(name),
    }
    return authorization.RoleAssignment(name, **args, opts=pulumi.ResourceOptions(parent=parent))


Resources = dict[tuple[str, str], LinkedResource]
"""The stack's linked resources by (kind, portable name)."""


@dataclass(frozen=True)
class Grant:
    """One role assignment: ``role`` on exactly ``scope``; ``what`` ends its logical name."""

    what: str
    role: str
    scope: pulumi.Input[str]


@dataclass
class Wiring:
    """A function's connection settings and grants (object-trigger grants are added by the function)."""

    settings: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)


def wire(function: Function, *, resources: Resources, foundation: Foundation) -> Wiring:
    wiring = Wiring()
    for link in function.links:
        resource = resources[(link.kind, link.name)]
        wiring.grants.append(Grant(f"{link.kind}-{link.name}-{link.access}",
                                   ACCESS[(link.kind, link.access)], resource.scope))
        if (link.kind, link.access) in OVER_GRANTS:
            pulumi.log.warn(f"Function {function.name!r}: its {link.access} link to {link.kind} {link.name!r} is granted "
                            f"{OVER_GRANTS[(link.kind, link.access)]} (no narrower built-in role)")
        if link.kind == "secret":
            wiring.settings[str(resource.link["setting"])] = pulumi.Output.concat(
                "@Microsoft.KeyVault(SecretUri=", resource.link["id"], ")")
    for trigger in function.triggers:
        if isinstance(trigger, QueueTrigger):
            queue = resources[("queue", trigger.queue)]
            if not isinstance(queue, Queue):
                raise TypeError(f"queue {trigger.queue!r} is not an Azure Queue")
            for index, scope in enumerate(queue.trigger_scopes):
                wiring.grants.append(Grant(f"queue-{trigger.queue}-trigger-{index}",
                                           TRIGGER_ROLES["queue"], scope))
        elif isinstance(trigger, TopicTrigger):
            topic = resources[("topic", trigger.topic)]
            if not isinstance(topic, Topic):
                raise TypeError(f"topic {trigger.topic!r} is not an Azure Topic")
            wiring.grants.append(Grant(f"topic-{trigger.topic}-trigger", TRIGGER_ROLES["topic"],
                                       topic.subscriptions[function.name].id))
            wiring.settings[f"{SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace"] = foundation.bus_host
    if any(isinstance(t, QueueTrigger | ObjectTrigger) for t in function.triggers):
        wiring.settings[f"{STORAGE_CONNECTION}__queueServiceUri"] = foundation.endpoint("queue")
    return wiring
