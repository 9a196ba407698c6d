"""The Google Cloud data plane: Cloud Storage objects, Firestore documents and Secret Manager values.

Physical names come from the stack outputs (``buckets.<name>.name``, ``tables.<name>.database``,
``secrets.<name>.secret_id``) or :mod:`providers.gcp.deploy.names` with the project of the stack's
``gcp:project``. The SDKs follow their own chains and emulator variables (``STORAGE_EMULATOR_HOST``,
``FIRESTORE_EMULATOR_HOST``).

Items are documents laid out as :mod:`providers.gcp.documents` says (the GCP runtime client's own
layout). Firestore keeps integers in 64 bits and other numbers as doubles, and has no sets: an item
with a bigger integer, a decimal that is not exactly a double, or a set goes to the bad-items file.
Numbers compare by value, so a double holding an integral value is read back as that integer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from portable.dataplane import (
    CHUNK,
    DataPlane,
    DataPlaneError,
    ObjectInfo,
    ObjectStream,
    Side,
    TableInfo,
    canonical,
    number,
    number_text,
    walk,
)
from providers.gcp.deploy.names import Names
from providers.gcp.documents import EXPIRES_FIELD, document_id

if TYPE_CHECKING:
    from portable.model import Stack

INT64 = 2**63
DOCUMENT_BYTES = 1024 * 1024 - 1024
NESTING = 20
BATCH = 400
PART = 8 * 1024 * 1024


class GcpDataPlane(DataPlane):
    provider = "gcp"

    def __init__(self, stack: Stack, side: Side) -> None:
        super().__init__(stack, side)
        self.project = side.config.get("gcp:project") or ""
        self._clients: dict[tuple[str, str], Any] = {}

    def _need_project(self, what: str) -> str:
        if not self.project:
            raise DataPlaneError(f"{what} on gcp: the stack's config has no gcp:project",
                                 hint="Set it in Pulumi.<stack>.yaml (pulumi config set gcp:project <id>).")
        return self.project

    def managed_transfer(self, source: DataPlane, credential: str | None, start: date) -> Callable[[], None]:
        from providers.gcp.transfer import transfer_program

        return transfer_program(self, source, credential, start, self._need_project("The Storage Transfer Service job"))

    output_fields = {"bucket": "name", "table": "database", "secret": "secret_id", "queue": "topic"}

    def derived_name(self, kind: str, name: str) -> str:
        if kind == "bucket":
            return Names(self.stack.name, self._need_project(f"Bucket {name!r}")).bucket(name)
        names = Names(self.stack.name, self.project or "")
        return names.database(name) if kind == "table" else names.of(name)

    def runtime_link(self, kind: str, name: str) -> dict[str, Any]:
        physical = self.physical(kind, name)
        link: dict[str, Any] = {"kind": kind, "access": "read", "id": physical, "project": self.project}
        if kind == "table":
            table = self.table(name)
            link.update(database=physical, collection=name, key=table.key, sort_key=table.sort_key,
                        ttl_attribute=table.ttl_attribute,
                        id=f"projects/{self.project}/databases/{physical}/documents/{name}")
        if kind == "secret":
            link["id"] = f"projects/{self.project}/secrets/{physical}"
        return link

    def _storage(self) -> Any:
        client = self._clients.get(("storage", ""))
        if client is None:
            from google.cloud import storage  # type: ignore[attr-defined]

            client = self._clients[("storage", "")] = storage.Client(project=self.project or None)
        return client

    def _collection(self, table: TableInfo) -> Any:
        client = self._clients.get(("firestore", table.physical))
        if client is None:
            from google.cloud import firestore

            client = firestore.Client(project=self._need_project(f"Table {table.name!r}"), database=table.physical)
            self._clients[("firestore", table.physical)] = client
        return client.collection(table.name)

    def _bucket(self, bucket: str) -> Any:
        return self._storage().bucket(self.physical("bucket", bucket))

    # -- Cloud Storage --

    def list_objects(self, bucket: str) -> Iterator[ObjectInfo]:
        for blob in self._storage().list_blobs(self.physical("bucket", bucket)):
            yield ObjectInfo(blob.name, int(blob.size or 0), blob.content_type, dict(blob.metadata or {}),
                             f"{blob.generation}/{blob.md5_hash}")

    def read_object(self, bucket: str, key: str) -> ObjectStream:
        from google.api_core.exceptions import NotFound

        blob = self._bucket(bucket).blob(key)
        try:
            blob.reload()
        except NotFound:
            raise KeyError(f"bucket {bucket!r} has no object {key!r}") from None
        info = ObjectInfo(key, int(blob.size or 0), blob.content_type, dict(blob.metadata or {}))
        if not info.size:
            return ObjectStream(info, iter(()))
        reader = blob.open("rb", chunk_size=PART)
        return ObjectStream(info, iter(lambda: reader.read(CHUNK), b""), reader.close)

    def write_object(self, bucket: str, info: ObjectInfo, chunks: Iterable[bytes]) -> None:
        blob = self._bucket(bucket).blob(info.key)
        blob.metadata = dict(info.metadata or {}) or None
        content_type = info.content_type or "application/octet-stream"
        if info.size <= PART:
            blob.upload_from_string(b"".join(chunks), content_type=content_type)
            return
        with blob.open("wb", content_type=content_type, chunk_size=PART) as writer:
            for chunk in chunks:
                writer.write(chunk)

    def delete_object(self, bucket: str, key: str) -> None:
        self._bucket(bucket).blob(key).delete()

    # -- Firestore --

    def scan_items(self, table: TableInfo) -> Iterator[dict[str, Any]]:
        for snapshot in self._collection(table).stream():
            data = snapshot.to_dict() or {}
            data.pop(EXPIRES_FIELD, None)
            yield {k: _neutral(table, snapshot.id, v) for k, v in data.items()}

    def unstorable(self, table: TableInfo, item: Mapping[str, Any]) -> str | None:
        for name in table.key_names:
            value = item.get(name)
            if not isinstance(value, str | int) or isinstance(value, bool):
                return f"Firestore document ids are made from string or integer keys; {name}={value!r}"
        for value in walk(item):
            if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
                return f"Firestore keeps integers in 64 bits; {value} does not fit"
            if isinstance(value, Decimal) and Decimal(repr(float(value))) != value:
                return (f"Firestore keeps non-integral numbers as doubles; {number_text(value)} is not exactly "
                        f"a double (it would become {float(value)!r})")
            if isinstance(value, set | frozenset):
                return f"Firestore has no sets (a set of {len(value)} members)"
        if _depth(item) > NESTING:
            return f"Firestore nests maps and arrays at most {NESTING} deep"
        size = len(canonical(item).encode())
        if size > DOCUMENT_BYTES:
            return f"Firestore documents are at most 1 MiB; this item is about {size} bytes"
        return None

    def write_items(self, table: TableInfo, items: list[dict[str, Any]]) -> None:
        collection = self._collection(table)
        for start in range(0, len(items), BATCH):
            batch = collection._client.batch()
            for item in items[start:start + BATCH]:
                document = collection.document(document_id(tuple(item[n] for n in table.key_names)))
                data = {k: _native(v) for k, v in item.items()}
                expires = item.get(table.ttl_attribute) if table.ttl_attribute else None
                if isinstance(expires, int | Decimal) and not isinstance(expires, bool):
                    data[EXPIRES_FIELD] = datetime.fromtimestamp(float(expires), UTC)
                batch.set(document, data)
            batch.commit()

    # -- Secret Manager --

    def _secrets(self) -> Any:
        client = self._clients.get(("secretmanager", ""))
        if client is None:
            from google.cloud import secretmanager

            client = self._clients[("secretmanager", "")] = secretmanager.SecretManagerServiceClient()
        return client

    def _secret_path(self, name: str) -> str:
        return f"projects/{self._need_project(f'Secret {name!r}')}/secrets/{self.physical('secret', name)}"

    def read_secret(self, name: str) -> str | None:
        from google.api_core.exceptions import NotFound

        try:
            response = self._secrets().access_secret_version(name=f"{self._secret_path(name)}/versions/latest")
        except NotFound:
            return None
        data: bytes = response.payload.data
        return data.decode("utf-8")

    def write_secret(self, name: str, value: str) -> None:
        self._secrets().add_secret_version(parent=self._secret_path(name), payload={"data": value.encode()})


def _neutral(table: TableInfo, document: str, value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | int | bytes):
        return value
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dict):
        return {k: _neutral(table, document, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_neutral(table, document, v) for v in value]
    raise DataPlaneError(
        f"Table {table.name!r}, document {document!r}: a {type(value).__name__} value has no neutral form",
        hint="Only strings, numbers, booleans, nulls, bytes, maps and arrays migrate; convert the field first.",
    )


def _native(value: Any) -> Any:
    """A neutral value (checked by ``unstorable``) as the Firestore SDK takes it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


def _depth(value: Any) -> int:
    if isinstance(value, Mapping):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


DATA_PLANE = GcpDataPlane
