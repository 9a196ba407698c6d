"""The table and bucket engines and the secrets file, on their own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from portable.runtime import BadKey, ItemExists
from providers.local import secrets
from providers.local.buckets import BadObjectKey, BucketStore, NoSuchKey
from providers.local.tables import TableSchema, TableStore


@pytest.fixture
def tables(tmp_path: Path) -> TableStore:
    return TableStore(tmp_path / "tables.sqlite3")


def test_keys_keep_their_type_and_numbers_sort_numerically(tables: TableStore) -> None:
    scores = TableSchema("scores", key="player", sort_key="round")
    for round_ in (10, 2, 1):
        tables.put(scores, {"player": 1, "round": round_})
    tables.put(scores, {"player": "1", "round": 5})
    assert [i["round"] for i in tables.query(scores, 1)] == [1, 2, 10]
    assert [i["round"] for i in tables.query(scores, "1")] == [5]


def test_a_table_without_sort_key_is_a_key_value_store(tables: TableStore) -> None:
    users = TableSchema("users")
    tables.put(users, {"id": "ada", "name": "Ada"})
    tables.put(users, {"id": "ada", "name": "Ada L."})
    assert tables.get(users, {"id": "ada"}) == {"id": "ada", "name": "Ada L."}
    assert tables.query(users, "ada") == [{"id": "ada", "name": "Ada L."}]
    assert tables.get(TableSchema("other"), {"id": "ada"}) is None  # tables are separate


def test_expired_items_are_gone_and_can_be_replaced_if_not_exists(tables: TableStore) -> None:
    sessions = TableSchema("sessions", ttl_attribute="expires")
    tables.put(sessions, {"id": "s1", "expires": time.time() - 1})
    tables.put(sessions, {"id": "s2", "expires": time.time() + 60})
    assert tables.get(sessions, {"id": "s1"}) is None
    assert tables.get(sessions, {"id": "s2"}) is not None
    tables.put(sessions, {"id": "s1"}, if_not_exists=True)
    with pytest.raises(ItemExists):
        tables.put(sessions, {"id": "s2"}, if_not_exists=True)


@pytest.mark.parametrize(("key", "message"), [
    ({}, "table 'orders': the key has no key attribute 'order_id'; the table's key is 'order_id'"),
    ({"order_id": True}, "table 'orders': key attribute 'order_id' must be a string or a number, not bool True"),
    ({"order_id": ["a"]}, "table 'orders': key attribute 'order_id' must be a string or a number, not list ['a']"),
    (["order_id"], "table 'orders': the key must be a dict like {'order_id': ...}, not list"),
])
def test_bad_keys_are_explained(tables: TableStore, key: dict[str, object], message: str) -> None:
    with pytest.raises(BadKey) as caught:
        tables.get(TableSchema("orders", key="order_id"), key)
    assert str(caught.value) == message


def test_bucket_objects_are_files_written_atomically(tmp_path: Path) -> None:
    store = BucketStore(tmp_path)
    info = store.put("files", "a/b/c.bin", b"\x00\x01")
    assert (info.size, info.etag) == (2, "441077cc9e57554dd476bdfb8b8b8102")
    assert (tmp_path / "files" / "a" / "b" / "c.bin").read_bytes() == b"\x00\x01"
    assert not list((tmp_path / ".tmp").iterdir())
    store.put("files", "a/d.txt", b"d")
    store.put("files", "e.txt", b"e")
    assert store.list("files") == ["a/b/c.bin", "a/d.txt", "e.txt"]
    assert store.list("files", prefix="a/b") == ["a/b/c.bin"]
    assert store.list("files", prefix="a/") == ["a/b/c.bin", "a/d.txt"]
    assert store.list("files", prefix="zzz/") == []
    assert store.delete("files", "a/b/c.bin") and not store.delete("files", "a/b/c.bin")
    assert not (tmp_path / "files" / "a" / "b").exists()  # emptied folders go
    with pytest.raises(NoSuchKey, match=r"bucket 'files' has no object 'a/b/c\.bin'"):
        store.get("files", "a/b/c.bin")
    with pytest.raises(KeyError):  # the runtime contract: a missing object is a KeyError
        store.get("files", "a")


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "trailing/", "../escape", "a/./b", "back\\slash"])
def test_keys_a_folder_cannot_hold_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(BadObjectKey):
        BucketStore(tmp_path).put("files", key, b"x")


def test_a_key_cannot_be_both_an_object_and_a_prefix(tmp_path: Path) -> None:
    store = BucketStore(tmp_path)
    store.put("files", "a", b"1")
    with pytest.raises(BadObjectKey, match="a local bucket cannot hold both 'a' and 'a/b'"):
        store.put("files", "a/b", b"2")
    store.put("files", "x/y", b"1")
    with pytest.raises(BadObjectKey, match="key 'x' is already a prefix of other keys"):
        store.put("files", "x", b"2")


def test_the_environment_wins_over_the_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "secrets.env"
    file.write_text('PORTABLE_SECRET_API_KEY="from file"\n')
    monkeypatch.delenv("PORTABLE_SECRET_API_KEY", raising=False)
    assert secrets.lookup("api-key", "PORTABLE_SECRET_API_KEY", file) == "from file"
    monkeypatch.setenv("PORTABLE_SECRET_API_KEY", "from env")
    assert secrets.lookup("api-key", "PORTABLE_SECRET_API_KEY", file) == "from env"
