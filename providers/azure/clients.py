"""Runtime clients backed by Azure: Blob containers, Storage queues, Service Bus topics, Key Vault.

Each factory takes the portable name and that resource's entry of ``PORTABLE_LINKS``. The keys an
Azure link carries (written by the deploy side, see ``providers.azure.deploy.links``):

- ``id``: the physical name (container, queue, table, topic) or, for a secret, its versionless URI;
- ``url``: the storage service endpoint (``https://<account>.blob.core.windows.net``) or, for a
  topic, the Service Bus namespace (``<ns>.servicebus.windows.net``);
- ``connection`` (optional): the name of a configuration variable holding a connection string. When
  it is set and the variable is present (Azurite, a developer machine), the client uses it; otherwise
  the function's managed identity is used through ``DefaultAzureCredential``;
- ``ttl`` (queues): message time-to-live in seconds; ``setting`` (secrets): the app setting that a
  Key Vault reference resolves to the secret's value.

The Azure SDKs are imported when a client first talks to its service, never at import time.
"""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from typing import TYPE_CHECKING, Any

from portable.runtime import env
from portable.runtime.errors import ConfigError
from providers.azure.contract import ENVELOPE as ENVELOPE
from providers.azure.contract import decode_queue_message as decode_queue_message

if TYPE_CHECKING:
    from collections.abc import Mapping

    Link = Mapping[str, Any]

_credential: Any = None


def credential() -> Any:
    """The process-wide ``DefaultAzureCredential`` (the managed identity inside Azure)."""
    global _credential
    if _credential is None:
        from azure.identity import DefaultAzureCredential

        _credential = DefaultAzureCredential(exclude_interactive_browser_credential=True)
    return _credential


def connection_string(link: Link) -> str | None:
    """The connection string the link points to, if it names one and it is configured."""
    variable = link.get("connection")
    return env.get(variable) if variable else None


def endpoint(name: str, link: Link, key: str = "url") -> str:
    value = link.get(key)
    if not value:
        raise ConfigError(
            f"PORTABLE_LINKS entry {name!r} has no {key!r} (and no usable 'connection'); "
            "redeploy the function so its links are written by the Azure provider"
        )
    return str(value)


def physical_id(name: str, link: Link) -> str:
    return endpoint(name, link, "id")


def as_bytes(body: bytes | str | Any) -> bytes:
    """A message or object body as bytes: bytes as they are, text as UTF-8, anything else as JSON."""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":")).encode()


def encode_queue_message(body: bytes | str | Any, attributes: Mapping[str, str] | None) -> str:
    """The text of a Storage queue message: the body itself, or an envelope carrying attributes."""
    data = as_bytes(body)
    if not attributes:
        try:
            return data.decode()
        except UnicodeDecodeError:
            return json.dumps({ENVELOPE: 1, "base64": base64.b64encode(data).decode()})
    envelope: dict[str, Any] = {ENVELOPE: 1, "attributes": dict(attributes)}
    try:
        envelope["text"] = data.decode()
    except UnicodeDecodeError:
        envelope["base64"] = base64.b64encode(data).decode()
    return json.dumps(envelope, separators=(",", ":"))


class AzureBucket:
    """A Blob container (``bucket()`` front-end)."""

    __slots__ = ("_container", "link", "name")

    def __init__(self, name: str, link: Link) -> None:
        self.name = name
        self.link = link
        self._container: Any = None

    @property
    def container(self) -> Any:
        """The ``azure.storage.blob.ContainerClient`` (escape hatch)."""
        if self._container is None:
            from azure.storage.blob import ContainerClient

            container = physical_id(self.name, self.link)
            conn = connection_string(self.link)
            if conn:
                self._container = ContainerClient.from_connection_string(conn, container)
            else:
                self._container = ContainerClient(endpoint(self.name, self.link), container, credential())
        return self._container

    def put(self, key: str, data: bytes | str | Any, content_type: str | None = None) -> None:
        from azure.storage.blob import ContentSettings

        settings = ContentSettings(content_type=content_type) if content_type else None
        self.container.upload_blob(key, as_bytes(data), overwrite=True, content_settings=settings)

    def get(self, key: str) -> bytes:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            data: bytes = self.container.download_blob(key).readall()
        except ResourceNotFoundError:
            raise KeyError(f"bucket {self.name!r} has no object {key!r}") from None
        return data

    def delete(self, key: str) -> None:
        from azure.core.exceptions import ResourceNotFoundError

        with contextlib.suppress(ResourceNotFoundError):
            self.container.delete_blob(key)

    def list(self, prefix: str = "") -> list[str]:
        return sorted(self.container.list_blob_names(name_starts_with=prefix or None))

    def exists(self, key: str) -> bool:
        return bool(self.container.get_blob_client(key).exists())


class AzureQueue:
    """A Storage queue (``queue()`` front-end). Bodies are base64-encoded, as the Functions host expects."""

    __slots__ = ("_client", "link", "name")

    def __init__(self, name: str, link: Link) -> None:
        self.name = name
        self.link = link
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The ``azure.storage.queue.QueueClient`` (escape hatch)."""
        if self._client is None:
            from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

            encode, decode = TextBase64EncodePolicy(), TextBase64DecodePolicy()
            queue = physical_id(self.name, self.link)
            conn = connection_string(self.link)
            if conn:
                self._client = QueueClient.from_connection_string(
                    conn, queue, message_encode_policy=encode, message_decode_policy=decode)
            else:
                self._client = QueueClient(endpoint(self.name, self.link), queue, credential(),
                                           message_encode_policy=encode, message_decode_policy=decode)
        return self._client

    def send(self, body: bytes | str | Any, attributes: Mapping[str, str] | None = None) -> str:
        ttl = self.link.get("ttl")
        sent = self.client.send_message(encode_queue_message(body, attributes),
                                        time_to_live=int(ttl) if ttl else None)
        return str(sent.id)


class AzureTopic:
    """A Service Bus topic (``topic()`` front-end); the AMQP sender is opened once and reused."""

    __slots__ = ("_client", "_sender", "link", "name")

    def __init__(self, name: str, link: Link) -> None:
        self.name = name
        self.link = link
        self._client: Any = None
        self._sender: Any = None

    @property
    def sender(self) -> Any:
        """The ``azure.servicebus.ServiceBusSender`` (escape hatch)."""
        if self._sender is None:
            from azure.servicebus import ServiceBusClient

            conn = connection_string(self.link)
            if conn:
                self._client = ServiceBusClient.from_connection_string(conn)
            else:
                self._client = ServiceBusClient(endpoint(self.name, self.link), credential())
            self._sender = self._client.get_topic_sender(topic_name=physical_id(self.name, self.link))
        return self._sender

    def publish(self, body: bytes | str | Any, attributes: Mapping[str, str] | None = None) -> str:
        from azure.servicebus import ServiceBusMessage

        message_id = uuid.uuid4().hex
        content_type = None if isinstance(body, bytes | str) else "application/json"
        properties: dict[str | bytes, Any] = {key: value for key, value in (attributes or {}).items()}
        message = ServiceBusMessage(as_bytes(body), message_id=message_id, content_type=content_type,
                                    application_properties=properties)
        self.sender.send_messages(message)
        return message_id

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = self._sender = None


class AzureSecret:
    """A Key Vault secret (``secret()`` front-end).

    Deployed functions read the app setting a Key Vault reference resolved (no network call); without
    it the secret is read once from Key Vault with the managed identity and cached.
    """

    __slots__ = ("_value", "link", "name")

    def __init__(self, name: str, link: Link) -> None:
        self.name = name
        self.link = link
        self._value: str | None = None

    def value(self) -> str:
        if self._value is not None:
            return self._value
        setting = self.link.get("setting")
        resolved = env.get(setting) if setting else None
        if resolved is not None and not resolved.startswith("@Microsoft.KeyVault("):
            self._value = resolved
            return resolved
        self._value = self._fetch()
        return self._value

    def _fetch(self) -> str:
        from azure.keyvault.secrets import SecretClient

        uri = physical_id(self.name, self.link)
        scheme, _, rest = uri.partition("://")
        host, _, path = rest.partition("/")
        parts = path.split("/")
        if len(parts) < 2 or parts[0] != "secrets":
            raise ConfigError(f"secret {self.name!r}: {uri!r} is not a Key Vault secret URI")
        client = SecretClient(f"{scheme}://{host}", credential())
        return str(client.get_secret(parts[1], parts[2] if len(parts) > 2 else None).value)


def _table(name: str, link: Link) -> Any:
    from providers.azure.table_client import AzureTable  # loaded on first use

    def connect() -> Any:
        from azure.data.tables import TableClient

        table = physical_id(name, link)
        conn = connection_string(link)
        if conn:
            return TableClient.from_connection_string(conn, table)
        return TableClient(endpoint(name, link), table, credential=credential())

    return AzureTable(name, link, connect)


BACKENDS = {"bucket": AzureBucket, "table": _table, "queue": AzureQueue, "topic": AzureTopic, "secret": AzureSecret}
"""The backend class of each kind; portable.runtime.clients builds one with (portable name, PORTABLE_LINKS entry)."""
