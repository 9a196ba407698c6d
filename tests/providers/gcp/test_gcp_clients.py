"""The Google Cloud runtime clients against emulators (GCS, Firestore) and gRPC stubs (Pub/Sub, Secret Manager)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from portable.runtime import BadKey, ItemExists
from portable.runtime.errors import ConfigError
from providers.gcp import runtime as _shim  # noqa: F401  (importing the shim registers its runtime clients)
from providers.gcp.clients import (
    BACKENDS,
    FirestoreTable,
    GcsBucket,
    PubSubTopic,
    SecretManagerSecret,
)
from providers.gcp.documents import document_id

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_importing_the_clients_imports_no_sdk() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"  # 'google' namespace packages come with site-packages' .pth files
        "import providers.gcp.clients\n"
        "heavy = [m for m in set(sys.modules) - before if m.startswith(('google', 'grpc', 'pulumi', 'pydantic'))]\n"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- Cloud Storage -------------------------------------------------------------------------------------


@pytest.fixture
def receipts(gcs: Any) -> GcsBucket:
    bucket = gcs.bucket("orders-receipts-1a2b")
    if not bucket.exists():
        gcs.create_bucket(bucket)
    for blob in gcs.list_blobs(bucket):
        blob.delete()
    return BACKENDS["bucket"]("receipts", {"kind": "bucket", "access": "read_write", "id": "orders-receipts-1a2b",
                                    "project": "test-project"})


def test_bucket_put_get_exists(receipts: GcsBucket, gcs: Any) -> None:
    receipts.put("r/1.json", b'{"total": 3}', content_type="application/json")
    assert receipts.get("r/1.json") == b'{"total": 3}'
    assert receipts.exists("r/1.json")
    assert not receipts.exists("r/2.json")
    blob = gcs.bucket("orders-receipts-1a2b").get_blob("r/1.json")
    assert blob.content_type == "application/json"


def test_bucket_default_content_type(receipts: GcsBucket, gcs: Any) -> None:
    receipts.put("raw", b"\x00\x01")
    assert gcs.bucket("orders-receipts-1a2b").get_blob("raw").content_type == "application/octet-stream"


def test_bucket_get_missing_raises_key_error(receipts: GcsBucket) -> None:
    with pytest.raises(KeyError):
        receipts.get("nothing")


def test_bucket_list_by_prefix_and_delete(receipts: GcsBucket) -> None:
    for key in ("a/1", "a/2", "b/1"):
        receipts.put(key, b"x")
    assert sorted(receipts.list()) == ["a/1", "a/2", "b/1"]
    assert sorted(receipts.list(prefix="a/")) == ["a/1", "a/2"]
    receipts.delete("a/1")
    receipts.delete("a/1")  # a missing object is not an error
    assert sorted(receipts.list(prefix="a/")) == ["a/2"]


def test_bucket_link_without_id_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="PORTABLE_LINKS entry for bucket 'receipts' has no 'id'"):
        GcsBucket("receipts", {"kind": "bucket", "access": "read"})


# -- Firestore -----------------------------------------------------------------------------------------


def _table_link(collection: str, *, sort_key: str | None = None, ttl: str | None = None) -> dict[str, Any]:
    return {
        "kind": "table", "access": "read_write",
        "id": f"projects/test-project/databases/orders-db/documents/{collection}",
        "project": "test-project", "database": "orders-db", "collection": collection,
        "key": "customer", "sort_key": sort_key, "ttl_attribute": ttl,
    }


@pytest.fixture
def orders(firestore_host: str, request: pytest.FixtureRequest) -> FirestoreTable:
    return BACKENDS["table"]("orders", _table_link(f"orders-{request.node.name[:40]}", sort_key="placed"))


@pytest.fixture
def profiles(firestore_host: str, request: pytest.FixtureRequest) -> FirestoreTable:
    return BACKENDS["table"]("profiles", _table_link(f"profiles-{request.node.name[:40]}", ttl="expires"))


def test_table_put_get_delete(profiles: FirestoreTable) -> None:
    item = {"customer": "c/1", "name": "Ada", "tags": ["a", "b"], "score": 1.5, "nested": {"x": 1}}
    profiles.put(item)
    assert profiles.get({"customer": "c/1"}) == item
    profiles.delete({"customer": "c/1"})
    assert profiles.get({"customer": "c/1"}) is None
    profiles.delete({"customer": "c/1"})  # deleting a missing item is not an error


def test_table_put_overwrites(profiles: FirestoreTable) -> None:
    profiles.put({"customer": "c1", "name": "Ada"})
    profiles.put({"customer": "c1", "name": "Grace"})
    assert profiles.get({"customer": "c1"}) == {"customer": "c1", "name": "Grace"}


def test_table_conditional_put(profiles: FirestoreTable) -> None:
    profiles.put({"customer": "c1", "name": "Ada"}, if_not_exists=True)
    with pytest.raises(ItemExists) as caught:
        profiles.put({"customer": "c1", "name": "Grace"}, if_not_exists=True)
    assert str(caught.value) == "table 'profiles' already has an item with key customer='c1'"
    assert profiles.get({"customer": "c1"}) == {"customer": "c1", "name": "Ada"}


def test_table_ttl_attribute_gets_a_timestamp_copy_hidden_on_read(profiles: FirestoreTable) -> None:
    profiles.put({"customer": "c1", "expires": 1_900_000_000})
    assert profiles.get({"customer": "c1"}) == {"customer": "c1", "expires": 1_900_000_000}
    raw = profiles._handle().document("c1").get().to_dict()
    assert raw["portable_expires_at"].timestamp() == 1_900_000_000


def test_table_query_by_partition_and_sort_prefix(orders: FirestoreTable) -> None:
    rows = [("ada", "2026-11-02"), ("ada", "2026-10-30"), ("ada", "2026-11-01"), ("bob", "2026-11-01")]
    for customer, placed in rows:
        orders.put({"customer": customer, "placed": placed, "total": 1})
    assert [i["placed"] for i in orders.query("ada")] == ["2026-10-30", "2026-11-01", "2026-11-02"]
    assert [i["placed"] for i in orders.query("ada", sort_prefix="2026-11")] == ["2026-11-01", "2026-11-02"]
    assert orders.query("carl") == []
    assert orders.get({"customer": "ada", "placed": "2026-11-01"}) == {
        "customer": "ada", "placed": "2026-11-01", "total": 1}
    orders.delete({"customer": "ada", "placed": "2026-11-01"})
    assert [i["placed"] for i in orders.query("ada", sort_prefix="2026-11")] == ["2026-11-02"]


def test_table_query_without_sort_key(profiles: FirestoreTable) -> None:
    profiles.put({"customer": "c1", "name": "Ada"})
    profiles.put({"customer": "c2", "name": "Bob"})
    assert profiles.query("c2") == [{"customer": "c2", "name": "Bob"}]
    with pytest.raises(ValueError, match="table 'profiles' has no sort key, so sort_prefix cannot be used"):
        profiles.query("c2", sort_prefix="x")


def test_table_key_must_be_complete(orders: FirestoreTable) -> None:
    with pytest.raises(BadKey) as caught:
        orders.get({"customer": "ada"})
    assert str(caught.value) == "table 'orders': the key has no key attribute 'placed'; the table's key is 'customer' and 'placed'"


def test_table_key_type_is_checked(profiles: FirestoreTable) -> None:
    with pytest.raises(BadKey, match=r"^table 'profiles': key attribute 'customer' must be a string or an integer, not float 1\.5$"):
        profiles.put({"customer": 1.5})


def test_document_ids_are_unambiguous_and_legal() -> None:
    assert document_id(("a#b", "c")) != document_id(("a", "b#c"))
    assert document_id(("a/b",)) == "a%2Fb"
    assert document_id((".",)) == "%2E"
    assert document_id(("__x__",)) == "%5F_x__"
    assert document_id((7, "x")) == "7#x"


# -- Pub/Sub -------------------------------------------------------------------------------------------


def test_queue_send_puts_data_and_attributes_on_the_wire(pubsub_stub: Any) -> None:
    jobs = BACKENDS["queue"]("jobs", {"kind": "queue", "access": "send", "id": "projects/test-project/topics/orders-jobs"})
    message_id = jobs.send(b'{"order": 1}', {"traceparent": TRACEPARENT, "content-type": "application/json"})
    assert message_id == "1000"
    (request,) = pubsub_stub.requests
    assert request.topic == "projects/test-project/topics/orders-jobs"
    (message,) = request.messages
    assert message.data == b'{"order": 1}'
    assert dict(message.attributes) == {"traceparent": TRACEPARENT, "content-type": "application/json"}


def test_topic_publish_returns_each_message_id(pubsub_stub: Any) -> None:
    events = BACKENDS["topic"]("events", {"kind": "topic", "access": "publish", "id": "projects/p/topics/orders-events"})
    assert isinstance(events, PubSubTopic)
    assert [events.publish(b"1"), events.publish(b"2", None)] == ["1000", "1001"]
    assert [m.data for r in pubsub_stub.requests for m in r.messages] == [b"1", b"2"]


# -- Secret Manager ------------------------------------------------------------------------------------


def test_secret_reads_the_variable_cloud_run_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTABLE_SECRET_API_KEY", "from-env")
    secret = BACKENDS["secret"]("api-key", {"kind": "secret", "access": "read", "id": "projects/p/secrets/x",
                                     "env": "PORTABLE_SECRET_API_KEY"})
    assert secret.value() == "from-env"


def test_secret_falls_back_to_the_api(secret_stub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    stub, client = secret_stub
    monkeypatch.delenv("PORTABLE_SECRET_API_KEY", raising=False)
    link = {"kind": "secret", "access": "read", "id": "projects/test-project/secrets/api-key",
            "env": "PORTABLE_SECRET_API_KEY"}
    assert SecretManagerSecret("api-key", link, client=client).value() == "s3crét"
    assert stub.names == ["projects/test-project/secrets/api-key/versions/latest"]


def test_front_end_queue_send_carries_the_invocation_traceparent(pubsub_stub: Any) -> None:
    import json

    from portable.runtime import clients as front
    from portable.runtime import env
    from portable.runtime.context import Context, _current

    links = {"jobs": {"kind": "queue", "access": "send", "id": "projects/test-project/topics/orders-jobs"}}
    config = {env.PROVIDER: "gcp", env.FUNCTION: "api", env.LINKS: json.dumps(links)}
    ctx = Context("api", "inv-1", "gcp", traceparent=TRACEPARENT)
    front.clear_cache()
    token = _current.set(ctx)
    try:
        with env.configured(config):
            message_id = front.queue("jobs").send({"order": 1}, {"kind": "receipt"})
    finally:
        _current.reset(token)
        front.clear_cache()
    assert message_id == "1000"
    (message,) = pubsub_stub.requests[0].messages
    assert message.data == b'{"order":1}'
    assert dict(message.attributes) == {"kind": "receipt", "traceparent": ctx.traceparent}
    assert ctx.traceparent.split("-")[1] == TRACEPARENT.split("-")[1]  # same trace, the worker's own span
