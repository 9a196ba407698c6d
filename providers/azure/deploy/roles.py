"""Least privilege on Azure: built-in roles, and one role assignment per (identity, role, scope).

:data:`ACCESS` is the one table of which built-in data role each portable access level gets, always
scoped to the single container, queue, table, topic, subscription or secret (never the account, the
namespace or the vault). Role assignment names are deterministic (uuid5 of the project, stack and
logical name), so a redeploy does not create duplicates, as Bicep's ``guid()`` would.
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi_azure_native import authorization

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
