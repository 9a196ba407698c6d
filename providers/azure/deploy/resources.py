"""Components for the linked resources: Bucket, Queue, Table, Topic and Secret.

Each creates its native resource with secure defaults, merges ``options["azure"]`` into the native
arguments, and exposes ``scope`` (the one resource id a role assignment for a link to it names) and
``link`` (its PORTABLE_LINKS entry, read by :mod:`providers.azure.clients`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import keyvault, servicebus, storage

from portable.deploy import missing_secret, secret_value
from portable.errors import PortableError
from portable.model import Bucket, Function, Queue, Secret, Table, Topic
from portable.native import native_args
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names


class AzureBucket(LinkedResource):
    """A private Blob container in the data account."""

    concept = "Bucket"

    def __init__(self, name: str, bucket: Bucket, *, base: Foundation, names: Names,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        args = native_args("azure", f"Bucket {bucket.name!r}", storage.BlobContainer, {
            "resource_group_name": base.resource_group.name,
            "account_name": base.data_account.name,
            "container_name": names.container(bucket.name),
            "public_access": "None",
        }, bucket.options)
        self.container = storage.BlobContainer(f"{name}-container", **args, opts=self.child())
        self.scope = self.container.id
        self.link = {"id": self.container.name, "url": base.endpoint("blob")}
        self.exports = {"container": self.container.name}
        self.finish()


class AzureQueue(LinkedResource):
    """A Storage queue, and its poison queue when the model asks for a dead letter."""

    concept = "Queue"

    def __init__(self, name: str, queue: Queue, *, base: Foundation, names: Names,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        physical = names.queue(queue.name)
        args = native_args("azure", f"Queue {queue.name!r}", storage.Queue, {
            "resource_group_name": base.resource_group.name,
            "account_name": base.data_account.name,
            "queue_name": physical,
        }, queue.options)
        self.queue = storage.Queue(f"{name}-queue", **args, opts=self.child())
        self.poison_queue: storage.Queue | None = None
        if queue.dead_letter_after is not None:
            self.poison_queue = storage.Queue(
                f"{name}-poison", resource_group_name=base.resource_group.name,
                account_name=base.data_account.name, queue_name=names.poison_queue(physical), opts=self.child(),
            )
        self.scope = self.queue.id
        self.link = {"id": self.queue.name, "url": base.endpoint("queue"), "ttl": queue.retention}
        self.exports = {"queue": self.queue.name}
        self.finish()

    @property
    def trigger_scopes(self) -> list[pulumi.Output[str]]:
        """What a consumer's identity needs: the queue and its poison queue."""
        return [self.queue.id] + ([self.poison_queue.id] if self.poison_queue is not None else [])


class AzureTable(LinkedResource):
    """A Table storage table (see :mod:`providers.azure.table_client` for why not Cosmos DB)."""

    concept = "Table"

    def __init__(self, name: str, table: Table, *, base: Foundation, names: Names,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        args = native_args("azure", f"Table {table.name!r}", storage.Table, {
            "resource_group_name": base.resource_group.name,
            "account_name": base.data_account.name,
            "table_name": names.table(table.name),
        }, table.options)
        self.table = storage.Table(f"{name}-table", **args, opts=self.child())
        self.scope = self.table.id
        self.link = {"id": self.table.name, "url": base.endpoint("table"), "key": table.key,
                     "sort_key": table.sort_key, "ttl_attribute": table.ttl_attribute}
        self.exports = {"table": self.table.name}
        self.finish()


class AzureTopic(LinkedResource):
    """A Service Bus topic with one subscription per consuming function (each dead-letters alone)."""

    concept = "Topic"

    def __init__(self, name: str, topic: Topic, *, consumers: Sequence[Function], base: Foundation,
                 names: Names, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        if base.service_bus is None:
            raise PortableError("the Azure foundation has no Service Bus namespace although the stack has topics")
        group = base.resource_group.name
        args = native_args("azure", f"Topic {topic.name!r}", servicebus.Topic, {
            "resource_group_name": group,
            "namespace_name": base.service_bus.name,
            "topic_name": names.topic(topic.name),
            "default_message_time_to_live": "P14D",
        }, topic.options)
        self.topic = servicebus.Topic(f"{name}-topic", **args, opts=self.child())
        self.subscriptions: dict[str, servicebus.Subscription] = {}
        for function in consumers:
            self.subscriptions[function.name] = servicebus.Subscription(
                f"{name}-{function.name}", resource_group_name=group, namespace_name=base.service_bus.name,
                topic_name=self.topic.name, subscription_name=names.subscription(function.name),
                max_delivery_count=10, dead_lettering_on_message_expiration=True,
                lock_duration=_lock_duration(function.timeout), opts=self.child(),
            )
        self.scope = self.topic.id
        self.link = {"id": self.topic.name, "url": base.bus_host}
        self.exports = {"topic": self.topic.name}
        self.finish()


def _lock_duration(timeout: int) -> str:
    """A subscription's lock: the function's timeout, within Service Bus's 5 minutes (the Functions
    host renews the lock while the function runs)."""
    seconds = max(min(timeout, 300), 30)
    return f"PT{seconds // 60}M{seconds % 60}S" if seconds % 60 else f"PT{seconds // 60}M"


class AzureSecret(LinkedResource):
    """A Key Vault secret. Its value comes from the Pulumi config secret ``portable:secret:<name>``;
    without one, no secret version is created: set it with ``az keyvault secret set``."""

    concept = "Secret"

    def __init__(self, name: str, secret: Secret, *, base: Foundation, names: Names,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        if base.key_vault is None:
            raise PortableError("the Azure foundation has no Key Vault although the stack has secrets")
        value = secret_value(secret.name)
        physical = names.secret(secret.name)
        self.secret: keyvault.Secret | None = None
        self.uri = pulumi.Output.concat(base.key_vault.properties.vault_uri, "secrets/", physical)
        self.scope = pulumi.Output.concat(base.key_vault.id, "/secrets/", physical)
        if value is not None:
            args = native_args("azure", f"Secret {secret.name!r}", keyvault.Secret, {
                "resource_group_name": base.resource_group.name,
                "vault_name": base.key_vault.name,
                "secret_name": physical,
                "properties": {"value": value, "content_type": secret.description or None},
            }, secret.options)
            self.secret = keyvault.Secret(f"{name}-secret", **args, opts=self.child())
            self.uri = self.secret.properties.secret_uri
            self.scope = self.secret.id
        else:
            pulumi.log.warn(missing_secret(secret.name, f"set it in the vault with 'az keyvault secret set --name "
                                                        f"{physical}'"), resource=self)
        self.link = {"id": self.uri, "setting": names.secret_setting(secret.name)}
        self.exports = {"uri": self.uri}
        self.finish()
