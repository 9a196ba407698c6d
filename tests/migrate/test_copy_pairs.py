"""Copy and verify between real emulators: every provider once as source and once as target
(local → aws → gcp → azure → local), with unicode and '+' keys, an empty and a multi-megabyte
object, content types, metadata, nested items, big integers, decimals, nulls, sort keys, TTLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable.dataplane import item_hash, read_all
from portable.migrate.copy import CopyOptions, copy_stack
from portable.migrate.manifest import Manifest
from portable.migrate.verify import verify_stack
from tests.migrate.conftest import ITEMS, OBJECTS, Cloud, seed, shop

EMULATED_FIRESTORE_ITEMS = [{**item, "big": 2**53 - 1} if "big" in item else item for item in ITEMS]
"""The Firestore emulator keeps integers as JavaScript numbers and refuses those beyond 2^53 (real
Firestore keeps int64); pairs with gcp use the largest integer it holds exactly."""

PAIRS = [("local", "aws"), ("aws", "gcp"), ("gcp", "azure"), ("azure", "local")]


@pytest.mark.parametrize(("source_name", "target_name"), PAIRS, ids=[f"{a}-to-{b}" for a, b in PAIRS])
def test_copy_then_verify(cloud: Cloud, tmp_path: Path, source_name: str, target_name: str) -> None:
    # Azure Key Vault and Secret Manager have no emulator here: secrets move between local and aws only.
    stack = shop(secret={source_name, target_name} <= {"local", "aws"})
    source, target = cloud(source_name, stack, "src"), cloud(target_name, stack, "dst")
    items = ITEMS if "gcp" not in (source_name, target_name) else EMULATED_FIRESTORE_ITEMS
    seed(source, items=items)
    manifest = Manifest(tmp_path / "manifest.sqlite3")

    report = copy_stack(source, target, manifest, tmp_path / "bad.jsonl")

    assert report.ok, report.as_dict()
    bucket = report.outcomes[0]
    assert (bucket.copied, bucket.skipped, bucket.failed) == (len(OBJECTS), 0, 0)
    assert bucket.bytes == sum(len(data) for data, _, _ in OBJECTS.values())
    assert report.outcomes[1].copied == len(items)
    for key, (data, content_type, metadata) in OBJECTS.items():
        stream = target.read_object("files", key)
        assert read_all(stream) == data
        if source.keeps_content_type and target.keeps_content_type:
            assert (stream.info.content_type, dict(stream.info.metadata or {})) == (content_type, metadata)
    copied = {item_hash(i) for i in target.scan_items(target.table("orders"))}
    assert copied == {item_hash(i) for i in items}

    verified = verify_stack(source, target)
    assert verified.ok, verified.as_dict()
    assert verified.outcomes[0].sampled > 0 and verified.outcomes[1].sampled > 0

    again = copy_stack(source, target, manifest, tmp_path / "bad.jsonl")
    assert [(o.copied, o.skipped) for o in again.outcomes[:2]] == [(0, len(OBJECTS)), (0, len(items))]


def test_dry_run_counts_and_writes_nothing(cloud: Cloud, tmp_path: Path) -> None:
    stack = shop()
    source, target = cloud("local", stack, "src"), cloud("aws", stack, "dst")
    seed(source)
    manifest = Manifest(tmp_path / "manifest.sqlite3")

    report = copy_stack(source, target, manifest, tmp_path / "bad.jsonl", CopyOptions(dry_run=True))

    assert [(o.kind, o.copied) for o in report.outcomes] == [("bucket", len(OBJECTS)), ("table", len(ITEMS)),
                                                             ("secret", 1)]
    assert report.outcomes[0].bytes == sum(len(data) for data, _, _ in OBJECTS.values())
    assert list(target.list_objects("files")) == []
    assert list(target.scan_items(target.table("orders"))) == []
    assert target.read_secret("api-key") is None
    assert manifest.entries("object", "files") == {}
