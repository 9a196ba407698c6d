"""The local data plane (``portable migrate`` to and from a project's ``.portable/state``).

The state folder is ``<root>/.portable/state`` and the secrets file ``<root>/.portable/secrets.env``
unless the side's outputs name others (``{"state": "/path", "secrets": "/path/secrets.env"}``). Objects are files (no content type or metadata is kept); items are the
table engine's JSON text with every number written exactly (decimals beyond a double survive; bytes
and sets cannot be kept as JSON and go to the bad-items file); secrets are lines of the project's
secrets file.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portable.dataplane import (
    CHUNK,
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
from providers.local import secrets
from providers.local.buckets import TMP, check_key
from providers.local.contract import SECRETS_FILE, STATE_DIR, secret_env
from providers.local.state import State

if TYPE_CHECKING:
    from portable.model import Stack


class LocalDataPlane(DataPlane):
    provider = "local"
    keeps_content_type = False

    def __init__(self, stack: Stack, side: Side) -> None:
        super().__init__(stack, side)
        state, secrets_file = (side.outputs or {}).get("state"), (side.outputs or {}).get("secrets")
        self.folder = Path(state) if state else side.root / STATE_DIR
        self.secrets_file = Path(secrets_file) if secrets_file else side.root / SECRETS_FILE
        self._state: State | None = None

    @property
    def state(self) -> State:
        if self._state is None:
            self._state = State.open(self.folder)
        return self._state

    def derived_name(self, kind: str, name: str) -> str:
        return f"{self.folder}/{kind}s/{name}"

    def runtime_link(self, kind: str, name: str) -> dict[str, Any]:
        link: dict[str, Any] = {"kind": kind, "access": "read", "id": self.physical(kind, name),
                                "state": str(self.folder)}
        if kind == "table":
            table = self.table(name)
            link.update(key=table.key, sort_key=table.sort_key, ttl_attribute=table.ttl_attribute)
        if kind == "secret":
            link.update(env=secret_env(name), file=str(self.secrets_file))
        return link

    # -- objects --

    def _path(self, bucket: str, key: str) -> Path:
        check_key(bucket, key)
        return self.state.buckets.folder(bucket).joinpath(*key.split("/"))

    def list_objects(self, bucket: str) -> Iterator[ObjectInfo]:
        if not self.folder.exists():  # nothing was ever run here (and a plan must not create it)
            return
        store = self.state.buckets
        for key in store.list(bucket):
            stat = self._path(bucket, key).stat()
            yield ObjectInfo(key, stat.st_size, version=str(stat.st_mtime_ns))

    def read_object(self, bucket: str, key: str) -> ObjectStream:
        path = self._path(bucket, key)
        try:
            file = path.open("rb")
        except FileNotFoundError:
            raise KeyError(f"bucket {bucket!r} has no object {key!r}") from None
        size = os.fstat(file.fileno()).st_size
        return ObjectStream(ObjectInfo(key, size), iter(lambda: file.read(CHUNK), b""), file.close)

    def write_object(self, bucket: str, info: ObjectInfo, chunks: Iterable[bytes]) -> None:
        path = self._path(bucket, info.key)
        tmp_dir = self.state.buckets.root / TMP
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{os.getpid()}-{os.urandom(8).hex()}"
        try:
            with tmp.open("wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        except (NotADirectoryError, FileExistsError, IsADirectoryError):
            raise DataPlaneError(
                f"bucket {bucket!r}: key {info.key!r} cannot be a file beside another key that uses it as a folder",
                hint="A local bucket cannot hold both 'a' and 'a/b'; rename one of them at the source.",
            ) from None
        finally:
            tmp.unlink(missing_ok=True)

    def delete_object(self, bucket: str, key: str) -> None:
        self.state.buckets.delete(bucket, key)

    # -- items --

    def scan_items(self, table: TableInfo) -> Iterator[dict[str, Any]]:
        if not self.folder.exists():
            return
        rows = self.state.tables._db.all(
            "SELECT item, expires FROM items WHERE tbl = ? ORDER BY pk, sk", (table.name,))
        now = time.time()
        for text, expires in rows:
            if expires is None or expires > now:
                yield from_json(text)

    def unstorable(self, table: TableInfo, item: Mapping[str, Any]) -> str | None:
        return json_unstorable(item, "a local table")

    def write_items(self, table: TableInfo, items: list[dict[str, Any]]) -> None:
        rows = []
        for item in items:
            pk, sk = item[table.key], item[table.sort_key] if table.sort_key else ""
            expires = item.get(table.ttl_attribute) if table.ttl_attribute else None
            ttl = float(expires) if isinstance(expires, int | Decimal) and not isinstance(expires, bool) else None
            rows.append((table.name, _sql_key(pk), _sql_key(sk), to_json(item), ttl))
        with self.state.tables._db.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO items (tbl, pk, sk, item, expires) VALUES (?, ?, ?, ?, ?)", rows)

    # -- secrets --

    def read_secret(self, name: str) -> str | None:
        variable = secret_env(name)
        return os.environ.get(variable) or secrets.read_file(self.secrets_file).get(variable)

    def write_secret(self, name: str, value: str) -> None:
        if "\n" in value or "\r" in value:
            raise DataPlaneError(f"secret {name!r}: the local secrets file holds one line per value, and this "
                                 "value spans several lines", hint="Set it in the environment instead.")
        variable = secret_env(name)
        lines = self.secrets_file.read_text(encoding="utf-8").splitlines() if self.secrets_file.exists() else []
        kept = [line for line in lines if line.strip().removeprefix("export ").partition("=")[0].strip() != variable]
        self.secrets_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.secrets_file.with_suffix(".tmp")
        tmp.write_text("\n".join([*kept, f"{variable}={value}"]) + "\n", encoding="utf-8")
        tmp.chmod(0o600)
        os.replace(tmp, self.secrets_file)


    # -- queues --

    def receive_messages(self, queue: str, *, dead_letters: bool = False) -> list[QueuedMessage]:
        if dead_letters:
            rows = self.state.queues._db.all(
                "SELECT seq, body, attributes FROM dead_letters WHERE queue = ? ORDER BY seq LIMIT 10", (queue,))
            return [QueuedMessage(bytes(body), json.loads(attributes), seq) for seq, body, attributes in rows]
        received = self.state.queues.receive(queue, 10, visibility_timeout=600)
        return [QueuedMessage(m.body, m.attributes, m) for m in received]

    def delete_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        if dead_letters:
            with self.state.queues._db.transaction() as db:
                db.execute("DELETE FROM dead_letters WHERE seq = ?", (message.receipt,))
        else:
            self.state.queues.ack([message.receipt])

    def send_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        if not dead_letters:
            self.state.queues.send(queue, message.body, dict(message.attributes))
            return
        now = time.time()
        with self.state.queues._db.transaction() as db:
            db.execute("INSERT INTO dead_letters (id, queue, body, attributes, sent_at, receives, error, died_at) "
                       "VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                       (uuid.uuid4().hex, queue, message.body, json.dumps(dict(message.attributes)), now,
                        "moved here by portable migrate", now))


def _sql_key(value: Any) -> Any:
    """A key value as the local engine stores it (numbers as SQLite numbers)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


DATA_PLANE = LocalDataPlane
