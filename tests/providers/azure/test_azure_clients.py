"""The Azure runtime clients against Azurite (blobs, queues, tables) and fakes at the SDK boundary
(Service Bus, Key Vault, which have no emulator here)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest

from portable.runtime import BadKey, ItemExists, env
from providers.azure import clients
from providers.azure import runtime as _shim  # noqa: F401  (importing the shim registers its runtime clients)
from providers.azure.clients import decode_queue_message, encode_queue_message
from providers.azure.table_client import escape_key

CONN = "AZURITE_CONNECTION_STRING"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def bound(azurite: str) -> Any:
    with env.configured({CONN: azurite}):
        yield azurite


def test_bucket_round_trip(bound: str) -> None:
    from azure.storage.blob import BlobServiceClient

    container = _name("receipts-")
    BlobServiceClient.from_connection_string(bound).create_container(container)
    bucket = clients.BACKENDS["bucket"]("receipts", {"kind": "bucket", "id": container, "connection": CONN})

    bucket.put("r/1.json", {"total": 3}, content_type="application/json")
    bucket.put("r/2.txt", "two")
    bucket.put("other", b"\x00\x01")

    assert json.loads(bucket.get("r/1.json")) == {"total": 3}
    assert bucket.get("other") == b"\x00\x01"
    assert bucket.list() == ["other", "r/1.json", "r/2.txt"]
    assert bucket.list(prefix="r/") == ["r/1.json", "r/2.txt"]
    assert bucket.exists("r/2.txt") and not bucket.exists("r/3.txt")
    properties = bucket.container.get_blob_client("r/1.json").get_blob_properties()
    assert properties.content_settings.content_type == "application/json"
    bucket.delete("r/2.txt")
    bucket.delete("r/2.txt")  # deleting a missing object is not an error
    assert not bucket.exists("r/2.txt")
    with pytest.raises(KeyError, match=r"bucket 'receipts' has no object 'r/2\.txt'"):
        bucket.get("r/2.txt")


def test_queue_send_carries_attributes_and_ttl(bound: str) -> None:
    from azure.storage.queue import QueueClient

    name = _name("jobs-")
    raw = QueueClient.from_connection_string(bound, name)
    raw.create_queue()
    queue = clients.BACKENDS["queue"]("jobs", {"kind": "queue", "id": name, "connection": CONN, "ttl": 600})

    first = queue.send({"order_id": "42"}, {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"})
    second = queue.send("plain text")
    third = queue.send(b"\xff\xfe")

    received = {m.id: m for m in raw.receive_messages(messages_per_page=10, max_messages=10)}
    assert set(received) == {first, second, third}
    # The Functions host base64-decodes queue messages: the wire format must be base64 text.
    texts = {i: base64.b64decode(m.content).decode() for i, m in received.items()}
    body, attributes = decode_queue_message(texts[first])
    assert json.loads(body) == {"order_id": "42"}
    assert attributes == {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}
    assert decode_queue_message(texts[second]) == (b"plain text", {})
    assert decode_queue_message(texts[third]) == (b"\xff\xfe", {})
    message = received[first]
    assert 590 <= (message.expires_on - message.inserted_on).total_seconds() <= 610


def test_queue_envelope_round_trips_binary_with_attributes() -> None:
    text = encode_queue_message(b"\x00\xff", {"a": "1"})
    assert json.loads(text) == {"portable": 1, "attributes": {"a": "1"}, "base64": "AP8="}
    assert decode_queue_message(text) == (b"\x00\xff", {"a": "1"})
    assert decode_queue_message('{"portable": "not ours"}') == (b'{"portable": "not ours"}', {})


@pytest.fixture
def table_link(bound: str) -> dict[str, Any]:
    from azure.data.tables import TableServiceClient

    name = _name("orders")
    TableServiceClient.from_connection_string(bound).create_table(name)
    return {"kind": "table", "id": name, "connection": CONN, "key": "customer", "sort_key": "order_id"}


def test_table_put_get_query_delete(table_link: dict[str, Any]) -> None:
    table = clients.BACKENDS["table"]("orders", table_link)
    table.put({"customer": "c/1", "order_id": "2026-01#a", "total": 12.5, "lines": [{"sku": "x", "n": 2}]})
    table.put({"customer": "c/1", "order_id": "2026-02#b", "total": 3, "paid": True})
    table.put({"customer": "c/1", "order_id": "2027-01#c", "total": None})
    table.put({"customer": "c/2", "order_id": "2026-01#d"})

    assert table.get({"customer": "c/1", "order_id": "2026-01#a"}) == {
        "customer": "c/1", "order_id": "2026-01#a", "total": 12.5, "lines": [{"sku": "x", "n": 2}]}
    assert table.get({"customer": "c/1", "order_id": "nope"}) is None
    assert [i["order_id"] for i in table.query("c/1")] == ["2026-01#a", "2026-02#b", "2027-01#c"]
    assert [i["order_id"] for i in table.query("c/1", sort_prefix="2026-")] == ["2026-01#a", "2026-02#b"]
    assert [i["order_id"] for i in table.query("c/1", sort_prefix="2026-01#")] == ["2026-01#a"]
    assert table.query("c/3") == []

    table.put({"customer": "c/1", "order_id": "2026-02#b", "total": 4})
    assert table.get({"customer": "c/1", "order_id": "2026-02#b"}) == {
        "customer": "c/1", "order_id": "2026-02#b", "total": 4}
    table.delete({"customer": "c/1", "order_id": "2026-02#b"})
    assert table.get({"customer": "c/1", "order_id": "2026-02#b"}) is None


def test_table_if_not_exists_and_large_items(table_link: dict[str, Any]) -> None:
    table = clients.BACKENDS["table"]("orders", table_link)
    big = {"customer": "c", "order_id": "1", "note": "é" * 100_000}  # > 64 KiB: split over properties
    table.put(big, if_not_exists=True)
    assert table.get({"customer": "c", "order_id": "1"}) == big
    with pytest.raises(ItemExists, match="table 'orders' already has an item with key customer='c', order_id='1'"):
        table.put(big, if_not_exists=True)


def test_table_key_errors_and_expiry(bound: str) -> None:
    from azure.data.tables import TableServiceClient

    name = _name("sessions")
    TableServiceClient.from_connection_string(bound).create_table(name)
    table = clients.BACKENDS["table"]("sessions", {"kind": "table", "id": name, "connection": CONN,
                                            "key": "id", "ttl_attribute": "expires"})
    table.put({"id": 7, "expires": time.time() - 1})
    table.put({"id": 8, "expires": time.time() + 3600})
    assert table.get({"id": 7}) is None
    assert table.get({"id": 8})["id"] == 8
    with pytest.raises(BadKey) as caught:
        table.put({"name": "x"})
    assert str(caught.value) == "table 'sessions': the item has no key attribute 'id'; the table's key is 'id'"


def test_escape_key_keeps_prefixes() -> None:
    assert escape_key("a%b/c\\d#e?f\x01") == "a%25b%2Fc%5Cd%23e%3Ff%01"
    assert escape_key("2026/01").startswith(escape_key("2026/"))
    assert escape_key(12) == "12"


class _FakeSender:
    def __init__(self, calls: list[Any]) -> None:
        self.calls = calls

    def send_messages(self, message: Any) -> None:
        self.calls.append(("send", message))


class _FakeServiceBus:
    def __init__(self, namespace: str, credential: Any, calls: list[Any]) -> None:
        calls.append(("client", namespace, credential))
        self.calls = calls

    def get_topic_sender(self, topic_name: str) -> _FakeSender:
        self.calls.append(("sender", topic_name))
        return _FakeSender(self.calls)

    def close(self) -> None:
        self.calls.append(("close",))


def test_topic_publishes_with_managed_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    import azure.servicebus

    calls: list[Any] = []
    identity = object()
    monkeypatch.setattr(clients, "_credential", identity)
    monkeypatch.setattr(azure.servicebus, "ServiceBusClient",
                        lambda namespace, credential: _FakeServiceBus(namespace, credential, calls))
    topic = clients.BACKENDS["topic"]("events", {"kind": "topic", "id": "orders-events", "url": "ns.servicebus.windows.net"})

    first = topic.publish({"id": 1}, {"traceparent": "t"})
    second = topic.publish(b"raw")
    topic.close()

    assert calls[:2] == [("client", "ns.servicebus.windows.net", identity), ("sender", "orders-events")]
    sent = [c[1] for c in calls if c[0] == "send"]
    assert [m.message_id for m in sent] == [first, second]
    assert b"".join(sent[0].body) == b'{"id":1}' and sent[0].content_type == "application/json"
    assert sent[0].application_properties == {"traceparent": "t"}
    assert b"".join(sent[1].body) == b"raw" and sent[1].content_type is None
    assert calls[-1] == ("close",)


def test_secret_reads_the_resolved_key_vault_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    import azure.keyvault.secrets

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("no Key Vault call expected")

    monkeypatch.setattr(azure.keyvault.secrets, "SecretClient", forbidden)
    link = {"kind": "secret", "id": "https://kv.vault.azure.net/secrets/signing-key",
            "setting": "PORTABLE_SECRET_SIGNING_KEY"}
    with env.configured({"PORTABLE_SECRET_SIGNING_KEY": "s3cret"}):
        assert clients.BACKENDS["secret"]("signing-key", link).value() == "s3cret"


def test_secret_falls_back_to_key_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    import azure.keyvault.secrets

    calls: list[Any] = []
    identity = object()

    class FakeSecretClient:
        def __init__(self, vault_url: str, credential: Any) -> None:
            calls.append((vault_url, credential))

        def get_secret(self, name: str, version: str | None) -> Any:
            calls.append((name, version))
            return type("Secret", (), {"value": "from-vault"})()

    monkeypatch.setattr(clients, "_credential", identity)
    monkeypatch.setattr(azure.keyvault.secrets, "SecretClient", FakeSecretClient)
    link = {"kind": "secret", "id": "https://kv.vault.azure.net/secrets/signing-key",
            "setting": "PORTABLE_SECRET_SIGNING_KEY"}
    # An unresolved reference (identity not yet granted) is not a value.
    with env.configured({"PORTABLE_SECRET_SIGNING_KEY": "@Microsoft.KeyVault(SecretUri=https://kv/...)"}):
        secret = clients.BACKENDS["secret"]("signing-key", link)
        assert secret.value() == "from-vault"
        assert secret.value() == "from-vault"
    assert calls == [("https://kv.vault.azure.net", identity), ("signing-key", None)]


class _Identity:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        raise AssertionError("no token expected")


def test_storage_clients_use_the_managed_identity_without_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    identity = _Identity()
    monkeypatch.setattr(clients, "_credential", identity)
    bucket = clients.BACKENDS["bucket"]("b", {"kind": "bucket", "id": "c1", "url": "https://acct.blob.core.windows.net"})
    assert bucket.container.url == "https://acct.blob.core.windows.net/c1"
    assert bucket.container.credential is identity
    queue = clients.BACKENDS["queue"]("q", {"kind": "queue", "id": "q1", "url": "https://acct.queue.core.windows.net"})
    assert queue.client.url == "https://acct.queue.core.windows.net/q1"
    table = clients.BACKENDS["table"]("t", {"kind": "table", "id": "t1", "url": "https://acct.table.core.windows.net"})
    assert table.client.url.startswith("https://acct.table.core.windows.net")
    assert table.client.credential is identity


def test_missing_endpoint_is_explained() -> None:
    bucket = clients.BACKENDS["bucket"]("receipts", {"kind": "bucket", "id": "c1"})
    with pytest.raises(Exception, match="PORTABLE_LINKS entry 'receipts' has no 'url'"):
        _ = bucket.container


def test_runtime_front_end_uses_the_azure_backends(azurite: str) -> None:
    from azure.storage.blob import BlobServiceClient
    from azure.storage.queue import QueueClient

    from portable.runtime import bucket, queue
    from portable.runtime.clients import clear_cache

    container, queue_name = _name("files-"), _name("work-")
    BlobServiceClient.from_connection_string(azurite).create_container(container)
    raw = QueueClient.from_connection_string(azurite, queue_name)
    raw.create_queue()
    links = {"files": {"kind": "bucket", "access": "read_write", "id": container, "connection": CONN},
             "work": {"kind": "queue", "access": "send", "id": queue_name, "connection": CONN}}
    config = {"PORTABLE_PROVIDER": "azure", "PORTABLE_FUNCTION": "api", "PORTABLE_LINKS": json.dumps(links),
              CONN: azurite}
    clear_cache()
    try:
        with env.configured(config):
            bucket("files").put("a.txt", "hello")
            assert bucket("files").get("a.txt") == b"hello"
            queue("work").send({"n": 1}, {"tenant": "acme"})
    finally:
        clear_cache()
    (message,) = raw.receive_messages()
    body, attributes = decode_queue_message(base64.b64decode(message.content).decode())
    assert json.loads(body) == {"n": 1} and attributes["tenant"] == "acme"
