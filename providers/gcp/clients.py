"""Runtime clients backed by Google Cloud: Cloud Storage, Firestore, Pub/Sub and Secret Manager.

Each client is configured from its entry in ``PORTABLE_LINKS`` (written by ``providers.gcp.deploy``):

=========  =====================================================================================
kind       link keys besides ``kind``/``access``
=========  =====================================================================================
bucket     ``id``: the bucket name; ``project``
table      ``id``: ``projects/P/databases/D/documents/C``; ``project``, ``database``,
           ``collection``, ``key``, ``sort_key`` (or null), ``ttl_attribute`` (or null)
queue      ``id``: the Pub/Sub topic path ``projects/P/topics/T`` the queue's messages go to
topic      ``id``: the Pub/Sub topic path
secret     ``id``: ``projects/P/secrets/S``; ``env``: the variable Cloud Run fills from the secret
=========  =====================================================================================

Each SDK is imported the first time a client needs it, never at import time, and a function's
bundle only carries the SDKs its links need (see ``providers.gcp.deploy.code``). SDK clients are
created once per process and shared. The usual emulator variables (``STORAGE_EMULATOR_HOST``,
``FIRESTORE_EMULATOR_HOST``, ``PUBSUB_EMULATOR_HOST``) are honoured by the SDKs themselves.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from typing import Any

from portable.runtime.errors import ConfigError
from portable.runtime.keys import STRING_OR_INTEGER, item_exists, key_names, key_value, key_values
from portable.runtime.links import link_field
from providers.gcp.documents import EXPIRES_FIELD, PREFIX_END, document_id

PUBLISH_TIMEOUT = 60.0
"""Seconds ``publish``/``send`` waits for Pub/Sub to acknowledge a message."""

_shared: dict[tuple[str, ...], Any] = {}


def _shared_client(key: tuple[str, ...], create: Callable[[], Any]) -> Any:
    """One SDK client per service and configuration, for the life of the process."""
    client = _shared.get(key)
    if client is None:
        client = _shared[key] = create()
    return client


def reset() -> None:
    """Forget the shared SDK clients (tests that switch emulators call this)."""
    _shared.clear()


# -- Cloud Storage ----------------------------------------------------------------------------------


class GcsBucket:
    """A bucket in Cloud Storage. ``get`` of a missing object raises ``KeyError``."""

    __slots__ = ("_bucket", "_project", "bucket_name", "name")

    def __init__(self, name: str, link: Mapping[str, Any], *, client: Any = None) -> None:
        self.name = name
        self.bucket_name: str = link_field(name, link, "id")
        self._project: str | None = link.get("project")
        self._bucket = client.bucket(self.bucket_name) if client is not None else None

    def _handle(self) -> Any:
        bucket = self._bucket
        if bucket is None:
            project = self._project or ""

            def create() -> Any:
                from google.cloud import storage  # type: ignore[attr-defined]

                return storage.Client(project=project or None)

            bucket = self._bucket = _shared_client(("storage", project), create).bucket(self.bucket_name)
        return bucket

    def put(self, key: str, data: bytes | str, content_type: str | None = None) -> None:
        if isinstance(data, str):
            data, content_type = data.encode(), content_type or "text/plain; charset=utf-8"
        self._handle().blob(key).upload_from_string(data, content_type=content_type or "application/octet-stream")

    def get(self, key: str) -> bytes:
        from google.api_core.exceptions import NotFound

        try:
            data: bytes = self._handle().blob(key).download_as_bytes()
        except NotFound:
            raise KeyError(f"bucket {self.name!r} has no object {key!r}") from None
        return data

    def delete(self, key: str) -> None:
        """Delete ``key``; deleting a missing object is not an error."""
        from google.api_core.exceptions import NotFound

        with contextlib.suppress(NotFound):
            self._handle().blob(key).delete()

    def list(self, prefix: str = "") -> list[str]:
        bucket = self._handle()
        return [blob.name for blob in bucket.client.list_blobs(bucket, prefix=prefix or None)]

    def exists(self, key: str) -> bool:
        return bool(self._handle().blob(key).exists())


# -- Firestore --------------------------------------------------------------------------------------


class FirestoreTable:
    """A table as one Firestore collection (see ``providers.gcp.documents`` for the item layout)."""

    __slots__ = ("_client", "_collection", "collection", "database", "key", "name", "project", "sort_key", "ttl")

    def __init__(self, name: str, link: Mapping[str, Any], *, client: Any = None) -> None:
        self.name = name
        self.project: str = link_field(name, link, "project")
        self.database: str = link.get("database") or "(default)"
        self.collection: str = link_field(name, link, "collection")
        self.key: str = link_field(name, link, "key")
        self.sort_key: str | None = link.get("sort_key") or None
        self.ttl: str | None = link.get("ttl_attribute") or None
        self._client = client
        self._collection: Any = None

    def _handle(self) -> Any:
        collection = self._collection
        if collection is None:
            client = self._client
            if client is None:
                project, database = self.project, self.database

                def create() -> Any:
                    from google.cloud import firestore

                    return firestore.Client(project=project, database=database)

                client = _shared_client(("firestore", project, database), create)
            collection = self._collection = client.collection(self.collection)
        return collection

    def _names(self) -> tuple[str, ...]:
        return key_names(self.key, self.sort_key)

    def _document(self, key: Mapping[str, Any], what: str) -> Any:
        values = key_values(self.name, self._names(), key, what, STRING_OR_INTEGER)
        return self._handle().document(document_id(values))

    def put(self, item: Mapping[str, Any], *, if_not_exists: bool = False) -> None:
        document = self._document(item, "the item")
        data = dict(item)
        if self.ttl is not None and isinstance(data.get(self.ttl), int | float):
            from datetime import UTC, datetime

            data[EXPIRES_FIELD] = datetime.fromtimestamp(data[self.ttl], UTC)
        if not if_not_exists:
            document.set(data)
            return
        from google.api_core.exceptions import AlreadyExists

        try:
            document.create(data)
        except AlreadyExists:
            raise item_exists(self.name, self._names(), item) from None

    def get(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        snapshot = self._document(key, "the key").get()
        return self._item(snapshot.to_dict()) if snapshot.exists else None

    def delete(self, key: Mapping[str, Any]) -> None:
        self._document(key, "the key").delete()

    def query(self, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]:
        """Items with ``key == partition_value``, sorted by the sort key, optionally by its prefix.

        Equality on the key plus a range on the sort key needs the composite index the deploy
        side creates for tables that have a sort key.
        """
        from google.cloud.firestore_v1.base_query import FieldFilter

        partition_value = key_value(self.name, self.key, partition_value, STRING_OR_INTEGER)
        query = self._handle().where(filter=FieldFilter(self.key, "==", partition_value))
        if self.sort_key is not None:
            if sort_prefix:
                query = query.where(filter=FieldFilter(self.sort_key, ">=", sort_prefix))
                query = query.where(filter=FieldFilter(self.sort_key, "<", sort_prefix + PREFIX_END))
            query = query.order_by(self.sort_key)
        elif sort_prefix:
            raise ValueError(f"table {self.name!r} has no sort key, so sort_prefix cannot be used")
        return [self._item(snapshot.to_dict()) for snapshot in query.stream()]

    @staticmethod
    def _item(data: dict[str, Any]) -> dict[str, Any]:
        data.pop(EXPIRES_FIELD, None)
        return data


# -- Pub/Sub ----------------------------------------------------------------------------------------


class PubSubTopic:
    """A Pub/Sub topic: a portable topic, or the topic behind a portable queue."""

    __slots__ = ("_publisher", "name", "path")

    def __init__(self, name: str, link: Mapping[str, Any], *, publisher: Any = None) -> None:
        self.name = name
        self.path: str = link_field(name, link, "id")
        self._publisher = publisher

    def _client(self) -> Any:
        publisher = self._publisher
        if publisher is None:

            def create() -> Any:
                from google.cloud import pubsub_v1  # type: ignore[attr-defined]

                return pubsub_v1.PublisherClient()

            publisher = self._publisher = _shared_client(("pubsub",), create)
        return publisher

    def publish(self, data: bytes | str, attributes: Mapping[str, str] | None = None) -> str:
        """Publish one message and wait until Pub/Sub has stored it; returns its message id."""
        if isinstance(data, str):
            data = data.encode()
        future = self._client().publish(self.path, data, **dict(attributes or {}))
        message_id: str = future.result(timeout=PUBLISH_TIMEOUT)
        return message_id

    send = publish


# -- Secret Manager ---------------------------------------------------------------------------------


class SecretManagerSecret:
    """A secret: read from the variable Cloud Run fills from Secret Manager at instance start
    (no SDK, no network), or, where that variable is absent, from the Secret Manager API."""

    __slots__ = ("_client", "env", "name", "resource")

    def __init__(self, name: str, link: Mapping[str, Any], *, client: Any = None) -> None:
        self.name = name
        self.resource: str = link_field(name, link, "id")
        self.env: str | None = link.get("env") or None
        self._client = client

    def value(self) -> str:
        if self.env is not None:
            found = os.environ.get(self.env)
            if found is not None:
                return found
        client = self._client
        if client is None:

            def create() -> Any:
                try:
                    from google.cloud import secretmanager
                except ImportError:
                    raise ConfigError(
                        f"secret {self.name!r}: the variable {self.env} is not set and google-cloud-secret-manager "
                        "is not installed; deploy the function with its link to the secret"
                    ) from None
                return secretmanager.SecretManagerServiceClient()

            client = self._client = _shared_client(("secretmanager",), create)
        response = client.access_secret_version(name=f"{self.resource}/versions/latest")
        data: bytes = response.payload.data
        return data.decode("utf-8")


# -- what the runtime front-end builds ---------------------------------------------------------------

BACKENDS: dict[str, Callable[[str, Mapping[str, Any]], object]] = {
    "bucket": GcsBucket, "table": FirestoreTable, "queue": PubSubTopic, "topic": PubSubTopic,
    "secret": SecretManagerSecret}
"""The backend class of each kind; portable.runtime.clients builds one with (portable name, PORTABLE_LINKS entry)."""

SDK_BY_KIND: dict[str, str] = {
    "bucket": "google-cloud-storage>=2.14,<4",
    "table": "google-cloud-firestore>=2.16,<3",
    "queue": "google-cloud-pubsub>=2.21,<3",
    "topic": "google-cloud-pubsub>=2.21,<3",
}
"""The requirement a function's bundle gets for each kind it links to. Secrets need no SDK: Cloud
Run puts their value in the environment."""
