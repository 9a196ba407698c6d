"""THE BIG CORPUS (the slow migrate tests, kept to this one file; about 40 s on a loaded machine):
10,000 small objects and a 20 MB object between two local state folders, the 20 MB object into S3
(multipart), and a 20 MB object from local through Google Cloud Storage (resumable upload) to Azure
Blob (blocks), each copy verified by checksum."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from portable.dataplane import ObjectInfo
from portable.migrate.copy import CopyOptions, copy_stack
from portable.migrate.manifest import Manifest
from portable.migrate.verify import verify_stack
from portable.model import Stack
from tests.migrate.conftest import Cloud

SMALL = 10_000
MB = 1024 * 1024
LARGE = 20 * MB + 3


def _bucket_only() -> Stack:
    stack = Stack("shop")
    stack.bucket("files")
    return stack


def test_ten_thousand_small_objects_and_a_twenty_megabyte_one(cloud: Cloud, tmp_path: Path) -> None:
    # 10,000 objects into moto take minutes on a shared machine (about 160 writes/s), so the small
    # objects move between two local state folders; the large one also goes through S3 multipart.
    stack = _bucket_only()
    local, copy, aws = cloud("local", stack, "src"), cloud("local", stack, "dst"), cloud("aws", stack, "s3")
    large = os.urandom(LARGE)
    local.write_object("files", ObjectInfo("big/twenty+mb.bin", LARGE, "application/octet-stream"),
                       [large[i:i + MB] for i in range(0, LARGE, MB)])
    for i in range(SMALL):
        data = f"{i}".encode()
        local.write_object("files", ObjectInfo(f"small/{i % 100:02d}/{i}+ü.txt", len(data)), [data])

    report = copy_stack(local, copy, Manifest(tmp_path / "local.sqlite3"), tmp_path / "bad.jsonl",
                        CopyOptions(workers=16))

    assert report.ok, report.outcomes[0].problems[:3]
    assert report.outcomes[0].copied == SMALL + 1
    assert verify_stack(local, copy).ok

    large_only = cloud("local", stack, "large")
    large_only.write_object("files", ObjectInfo("big/twenty+mb.bin", LARGE, "application/octet-stream"),
                            [large[i:i + MB] for i in range(0, LARGE, MB)])
    report = copy_stack(large_only, aws, Manifest(tmp_path / "aws.sqlite3"), tmp_path / "bad.jsonl")
    assert report.ok and report.outcomes[0].bytes == LARGE
    assert verify_stack(large_only, aws).ok


def test_a_twenty_megabyte_object_through_gcs_and_azure_blob(cloud: Cloud, tmp_path: Path) -> None:
    stack = _bucket_only()
    local, gcp, azure = cloud("local", stack, "src"), cloud("gcp", stack, "mid"), cloud("azure", stack, "dst")
    large = os.urandom(LARGE)
    local.write_object("files", ObjectInfo("big/twenty+mb.bin", LARGE, "application/octet-stream"),
                       [large[i:i + MB] for i in range(0, LARGE, MB)])
    for source, target in ((local, gcp), (gcp, azure)):
        report = copy_stack(source, target, Manifest(tmp_path / f"{target.provider}.sqlite3"), tmp_path / "bad.jsonl")
        assert report.ok and report.outcomes[0].bytes == LARGE, report.as_dict()
        assert verify_stack(source, target).ok
    stream = azure.read_object("files", "big/twenty+mb.bin")
    digest = hashlib.sha256()
    for chunk in stream.chunks:
        digest.update(chunk)
    stream.close()
    assert digest.hexdigest() == hashlib.sha256(large).hexdigest()
