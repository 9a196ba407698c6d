"""The Azure data plane: Blob containers, Table storage entities and Key Vault secrets.

Physical names come from the stack outputs (``buckets.<name>.container``, ``tables.<name>.table``,
``secrets.<name>.uri``) or :class:`providers.azure.deploy.names.Names`. The storage account is
reached through the connection string in ``AZURE_STORAGE_CONNECTION_STRING`` (Azurite, a developer
machine), else ``https://<data account>.<service>.core.windows.net`` with ``DefaultAzureCredential``.

Items are Table storage entities in the layout of :mod:`providers.azure.table_client`, which the Azure
runtime client reads back transparently: ``PartitionKey``/``RowKey`` from the key values and the whole
item as JSON text split over ``d0``, ``d1``, ... (so nested maps and lists, and more than 255
attributes, fit a flat entity). The data plane writes every number exactly (decimals beyond a
double, big integers); bytes and sets have no JSON form and go to the bad-items file.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from portable.dataplane import (
    DataPlane,
    DataPlaneError,
    ObjectInfo,
    ObjectStream,
    QueuedMessage,
    Side,
    TableInfo,
    from_json,
    json_unstorable,
    to_json,
)
from providers.azure.clients import encode_queue_message
from providers.azure.contract import decode_queue_message
from providers.azure.deploy.names import Names
from providers.azure.table_client import _CHUNK, escape_key

if TYPE_CHECKING:
    from portable.model import Stack

CONNECTION_VARIABLE = "AZURE_STORAGE_CONNECTION_STRING"
ENTITY_BYTES = 1024 * 1024 - 4096
"""Table storage's entity limit (1 MiB) less room for the keys and the system properties."""
TRANSACTION = 100
RETRIES = 8


class AzureDataPlane(DataPlane):
    provider = "azure"

    def __init__(self, stack: Stack, side: Side) -> None:
        super().__init__(stack, side)
        self.names = Names(stack.name, side.config.get("pulumi:project", "project"),
                           side.config.get("pulumi:stack", "stack"))
        self._clients: dict[tuple[str, str], Any] = {}

    output_fields = {"bucket": "container", "table": "table", "secret": "uri", "queue": "queue"}

    def derived_name(self, kind: str, name: str) -> str:
        if kind == "secret":
            return f"https://{self.names.key_vault()}.vault.azure.net/secrets/{self.names.secret(name)}"
        of = {"bucket": self.names.container, "table": self.names.table, "queue": self.names.queue}[kind]
        return of(name)

    def runtime_link(self, kind: str, name: str) -> dict[str, Any]:
        link: dict[str, Any] = {"kind": kind, "access": "read", "id": self.physical(kind, name),
                                "connection": CONNECTION_VARIABLE, "url": self._account_url(kind)}
        if kind == "table":
            table = self.table(name)
            link.update(key=table.key, sort_key=table.sort_key, ttl_attribute=table.ttl_attribute)
        return link

    def _account_url(self, kind: str) -> str:
        service = {"bucket": "blob", "table": "table", "queue": "queue"}.get(kind, "blob")
        return f"https://{self.names.storage_account('data')}.{service}.core.windows.net"

    def _client(self, kind: str, physical: str) -> Any:
        found = self._clients.get((kind, physical))
        if found is None:
            connection = os.environ.get(CONNECTION_VARIABLE)
            if kind == "bucket":
                from azure.storage.blob import ContainerClient as Client
            else:
                from azure.data.tables import TableClient as Client  # type: ignore[assignment]
            if connection:
                found = Client.from_connection_string(connection, physical)
            else:
                from azure.identity import DefaultAzureCredential

                found = Client(self._account_url(kind), physical, credential=DefaultAzureCredential())
            self._clients[(kind, physical)] = found
        return found

    def check_reachable(self) -> None:
        from azure.core.exceptions import AzureError

        for bucket in self.stack.buckets[:1]:
            try:
                self._client("bucket", self.physical("bucket", bucket.name)).exists()
            except AzureError as error:
                raise DataPlaneError(f"Azure: cannot reach the storage account of bucket {bucket.name!r}: "
                                     f"{str(error).splitlines()[0]}",
                                     hint=f"Check {CONNECTION_VARIABLE} or your Azure login (az login).") from None

    # -- Blob storage --

    def _container(self, bucket: str) -> Any:
        return self._client("bucket", self.physical("bucket", bucket))

    def list_objects(self, bucket: str) -> Iterator[ObjectInfo]:
        for blob in self._container(bucket).list_blobs(include=["metadata"]):
            yield ObjectInfo(blob.name, int(blob.size), blob.content_settings.content_type, dict(blob.metadata or {}),
                             str(blob.etag or ""))

    def read_object(self, bucket: str, key: str) -> ObjectStream:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            download = self._container(bucket).download_blob(key, max_concurrency=1)
        except ResourceNotFoundError:
            raise KeyError(f"bucket {bucket!r} has no object {key!r}") from None
        properties = download.properties
        info = ObjectInfo(key, int(properties.size), properties.content_settings.content_type,
                          dict(properties.metadata or {}))
        return ObjectStream(info, iter(download.chunks()))

    def write_object(self, bucket: str, info: ObjectInfo, chunks: Iterable[bytes]) -> None:
        from azure.storage.blob import ContentSettings

        settings = ContentSettings(content_type=info.content_type) if info.content_type else None
        self._container(bucket).upload_blob(info.key, _Reader(chunks), length=info.size, overwrite=True,
                                            metadata=dict(info.metadata or {}), content_settings=settings,
                                            max_concurrency=1)

    def delete_object(self, bucket: str, key: str) -> None:
        self._container(bucket).delete_blob(key)

    # -- Table storage --

    def scan_items(self, table: TableInfo) -> Iterator[dict[str, Any]]:
        for entity in self._client("table", table.physical).list_entities():
            parts = []
            index = 0
            while f"d{index}" in entity:
                parts.append(entity[f"d{index}"])
                index += 1
            yield from_json("".join(parts))

    def unstorable(self, table: TableInfo, item: Mapping[str, Any]) -> str | None:
        reason = json_unstorable(item, "Azure Table storage (portable's layout)")
        if reason:
            return reason
        size = len(to_json(item).encode("utf-16-le"))
        if size > ENTITY_BYTES:
            return f"Azure Table entities are at most 1 MiB; this item takes {size} bytes as UTF-16 JSON"
        return None

    def write_items(self, table: TableInfo, items: list[dict[str, Any]]) -> None:
        from azure.core.exceptions import HttpResponseError
        from azure.data.tables import UpdateMode

        client = self._client("table", table.physical)
        by_partition: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in items:
            entity = _entity(table, item)
            by_partition[entity["PartitionKey"]].append(entity)
        for entities in by_partition.values():
            for start in range(0, len(entities), TRANSACTION):
                operations = [("upsert", e, {"mode": UpdateMode.REPLACE}) for e in entities[start:start + TRANSACTION]]
                for attempt in range(RETRIES):
                    try:
                        client.submit_transaction(operations)
                        break
                    except HttpResponseError as error:
                        if error.status_code not in (429, 500, 503) or attempt == RETRIES - 1:
                            raise
                        time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.0))

    # -- Key Vault --

    def _vault(self, name: str) -> tuple[Any, str]:
        from azure.identity import DefaultAzureCredential
        from azure.keyvault.secrets import SecretClient

        uri = self.physical("secret", name)
        vault, _, path = uri.partition("/secrets/")
        return SecretClient(vault, DefaultAzureCredential()), path.split("/")[0]

    def read_secret(self, name: str) -> str | None:
        from azure.core.exceptions import ResourceNotFoundError

        client, secret = self._vault(name)
        try:
            return str(client.get_secret(secret).value)
        except ResourceNotFoundError:
            return None

    def write_secret(self, name: str, value: str) -> None:
        client, secret = self._vault(name)
        client.set_secret(secret, value)


    # -- Storage queues (dead letters: the '<queue>-poison' queue the Functions host fills) --

    def _queue(self, queue: str, dead_letters: bool) -> Any:
        physical = self.physical("queue", queue)
        name = Names.poison_queue(physical) if dead_letters else physical
        found = self._clients.get(("queue", name))
        if found is None:
            from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

            policies = {"message_encode_policy": TextBase64EncodePolicy(),
                        "message_decode_policy": TextBase64DecodePolicy()}
            connection = os.environ.get(CONNECTION_VARIABLE)
            if connection:
                found = QueueClient.from_connection_string(connection, name, **policies)  # type: ignore[arg-type]
            else:
                from azure.identity import DefaultAzureCredential

                found = QueueClient(self._account_url("queue"), name, DefaultAzureCredential(),
                                    **policies)  # type: ignore[arg-type]
            self._clients[("queue", name)] = found
        return found

    def receive_messages(self, queue: str, *, dead_letters: bool = False) -> list[QueuedMessage]:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            received = list(self._queue(queue, dead_letters).receive_messages(max_messages=32, visibility_timeout=600))
        except ResourceNotFoundError:  # no poison queue until the host has dead-lettered a message
            return []
        found = []
        for message in received:
            body, attributes = decode_queue_message(message.content)
            found.append(QueuedMessage(body, attributes, message))
        return found

    def delete_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        self._queue(queue, dead_letters).delete_message(message.receipt)

    def send_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        from azure.core.exceptions import ResourceExistsError

        client = self._queue(queue, dead_letters)
        if dead_letters:
            with contextlib.suppress(ResourceExistsError):
                client.create_queue()
        client.send_message(encode_queue_message(message.body, message.attributes))


def _entity(table: TableInfo, item: Mapping[str, Any]) -> dict[str, Any]:
    text = to_json(item)
    entity: dict[str, Any] = {
        "PartitionKey": escape_key(item[table.key]),
        "RowKey": escape_key(item[table.sort_key]) if table.sort_key else "",
    }
    for index in range(0, max(len(text), 1), _CHUNK):
        entity[f"d{index // _CHUNK}"] = text[index:index + _CHUNK]
    return entity


class _Reader:
    """A file-like view of an iterator of chunks (what ``upload_blob`` streams from)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


DATA_PLANE = AzureDataPlane
